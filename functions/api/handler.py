"""The API's Lambda entry: API Gateway events into the FastAPI app, built once per container;
the metrics of each request (its Data API calls) are flushed when it ends."""

from typing import Any

from aws_lambda_powertools import Metrics
from mangum import Mangum

from functions.api.app import create_app
from runtime.metrics import NAMESPACE
from shared.settings import get_settings

# Mangum's lifespan would run startup and shutdown around every invocation.
adapter = Mangum(create_app(get_settings()), lifespan="off")
metrics = Metrics(namespace=NAMESPACE)


@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response: dict[str, Any] = adapter(event, context)
    return response
