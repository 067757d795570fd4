"""The API's Lambda entry: API Gateway events into the FastAPI app, built once per container, in
the one handler style (runtime.handlers.Powertools): the metrics of each request (its Data API
calls) are flushed when it ends, its log lines carry the Lambda context, its trace the AWS calls."""

from typing import Any

from mangum import Mangum

from functions.api.app import create_app
from runtime.handlers import Powertools
from shared.settings import get_settings

# Mangum's lifespan would run startup and shutdown around every invocation.
adapter = Mangum(create_app(get_settings()), lifespan="off")
powertools = Powertools("api")


@powertools.handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response: dict[str, Any] = adapter(event, context)
    return response
