"""Only CloudFront reaches the deployed API: the distribution sends a secret header (from
Secrets Manager) on every request to its API origin, and a request without it is refused, so
nobody goes around the WAF in front of CloudFront to API Gateway's own URL."""

import hmac
from functools import cache

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from functions.api.errors import error_response
from runtime.aws import aws_client
from shared.settings import Settings

HEADER = "x-origin-verify"
REFUSED = "This API is reached only through the app's address."


class OriginGuard:
    """403 for a request that does not carry the origin secret; the secret is read once, at the
    first request (a Lambda container's life)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        assert settings.origin_secret_arn is not None
        self.app = app
        self._secret = cache(lambda: _read_secret(settings))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            sent = Headers(scope=scope).get(HEADER, "")
            if not hmac.compare_digest(sent.encode(), self._secret().encode()):
                await error_response(403, "forbidden", REFUSED)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _read_secret(settings: Settings) -> str:
    client = aws_client("secretsmanager", settings)
    secret: str = client.get_secret_value(SecretId=settings.origin_secret_arn)["SecretString"]
    return secret
