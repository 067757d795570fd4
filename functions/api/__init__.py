"""The REST API: FastAPI behind API Gateway (Mangum) in AWS, under uvicorn locally."""
