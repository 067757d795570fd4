"""The API's Lambda entry: API Gateway events into the FastAPI app, built once per container."""

from mangum import Mangum

from functions.api.app import create_app
from shared.settings import get_settings

# Mangum's lifespan would run startup and shutdown around every invocation.
handler = Mangum(create_app(get_settings()), lifespan="off")
