"""The API's FastAPI application, built from settings: routes, sign-in, limits, error shape."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from fastapi import APIRouter, Depends, FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from functions.api.auth import JwkSet, JwksUrl, TokenVerifier
from functions.api.deps import Workflow, known_query_parameters
from functions.api.errors import ERROR_RESPONSES, error_response, install_error_handlers
from functions.api.origin import OriginGuard
from functions.api.routes import (
    accounts,
    health,
    instruments,
    jobs,
    positions,
    prices,
    usage,
    user,
    webhooks,
)
from runtime import metrics
from runtime.aws import aws_client, stepfunctions_client
from runtime.database import connect
from shared.db import Database
from shared.security_headers import (
    API_CONTENT_SECURITY_POLICY,
    DOCS_CONTENT_SECURITY_POLICY,
    security_headers,
)
from shared.settings import Settings

# Far above any account, position or Clerk event; API Gateway's own limit is 10 MB.
MAX_BODY_BYTES = 256 * 1024


class ConfigurationError(Exception):
    """Settings the API refuses to start with."""


class BodySizeLimit:
    """413 for a body over the limit, by its Content-Length or as it streams in."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            await error_response(413, "payload_too_large", self._message())(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                # An HTTPException, so FastAPI passes it on rather than calling it a bad body.
                raise HTTPException(413, self._message())
            return message

        await self.app(scope, limited, send)

    def _message(self) -> str:
        return f"The request body is larger than {self.max_bytes // 1024} KiB."


class SecurityHeaders:
    """The security headers (shared/security_headers.py) on every response, errors included; a
    header the response already has is kept, so an inner app's own CSP wins."""

    def __init__(
        self,
        app: ASGIApp,
        headers: dict[str, str],
        headers_by_path: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.app = app
        self.headers = headers
        self.headers_by_path = headers_by_path or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = self.headers_by_path.get(scope["path"], self.headers)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


def api_security_headers(app: ASGIApp, settings: Settings) -> SecurityHeaders:
    """The API's headers: a CSP that lets JSON load nothing, HSTS in AWS (served over HTTPS)."""
    https = settings.environment == "aws"
    docs = security_headers(DOCS_CONTENT_SECURITY_POLICY, https=https)
    return SecurityHeaders(
        app,
        security_headers(API_CONTENT_SECURITY_POLICY, https=https),
        {"/docs": docs, "/redoc": docs},
    )


class AlexApi(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        # Around Starlette's outermost middleware, so that the 500 it answers for an unexpected
        # error carries the headers too.
        return api_security_headers(super().build_middleware_stack(), self.state.settings)


class DevSignIn(Protocol):
    """A local token issuer (local/dev_issuer.py), which only `local/` builds and hands in: the
    deployed code never imports it."""

    issuer: str

    def jwks(self) -> dict[str, Any]: ...

    def router(self, authorized_parties: tuple[str, ...]) -> APIRouter: ...


def _refuse_dev_sign_in_outside_local_runs(settings: Settings, dev_issuer: object) -> None:
    if (settings.dev_issuer or dev_issuer is not None) and settings.environment != "local":
        raise ConfigurationError(
            f"ALEX_DEV_ISSUER is set but ALEX_ENV={settings.environment}: the dev issuer signs"
            " tokens for any user id, so only a local run may use it. Unset ALEX_DEV_ISSUER and"
            " set CLERK_ISSUER (with CLERK_AUTHORIZED_PARTIES) for a deployed API."
        )


def _token_verifier(settings: Settings, dev_issuer: DevSignIn | None) -> TokenVerifier | None:
    """Clerk's issuer and JWKS when configured, else the dev issuer's keys, handed over directly
    (no request to this same server); the same PyJWT checks either way."""
    parties = settings.clerk_authorized_parties + _deployed_spa_origin(settings)
    if settings.clerk_issuer:
        issuer = settings.clerk_issuer
        url = settings.clerk_jwks_url or f"{issuer.rstrip('/')}/.well-known/jwks.json"
        return TokenVerifier(issuer, JwksUrl(url), parties)
    if dev_issuer is not None:
        return TokenVerifier(dev_issuer.issuer, JwkSet(dev_issuer.jwks()), parties)
    return None


def _deployed_spa_origin(settings: Settings) -> tuple[str, ...]:
    """The deployed SPA's origin, which its stack writes to a parameter once CloudFront has named
    it. Until then the API starts not at all (and tries again on the next request): tokens must
    never be accepted from any party because the one that counts is not known yet."""
    if settings.spa_origin_parameter is None:
        return ()
    try:
        parameter = aws_client("ssm", settings).get_parameter(Name=settings.spa_origin_parameter)
    except Exception as error:
        raise ConfigurationError(
            f"cannot read the SPA's origin from the parameter {settings.spa_origin_parameter}"
            f" (written by the AlexFrontend stack; is it deployed?): {error}"
        ) from error
    return (parameter["Parameter"]["Value"],)


def create_app(
    settings: Settings, db: Database | None = None, *, dev_issuer: DevSignIn | None = None
) -> FastAPI:
    """The API for these settings, on `db` (by default the settings' database), signing in with
    Clerk, or with `dev_issuer` in a local run."""
    _refuse_dev_sign_in_outside_local_runs(settings, dev_issuer)
    verifier = _token_verifier(settings, dev_issuer)
    database = db or connect(settings, on_data_api_call=metrics.data_api_call)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if db is None:
            database.close()

    app = AlexApi(
        dependencies=[Depends(known_query_parameters)],
        title="Alex API",
        version="1",
        description="Accounts, positions and AI portfolio analyses of the signed-in user.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.verifier = verifier
    app.state.workflow = (
        Workflow(settings.state_machine_arn, stepfunctions_client(settings))
        if settings.state_machine_arn
        else None
    )
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit)
    if settings.origin_secret_arn:
        app.add_middleware(OriginGuard, settings=settings)
    app.include_router(health.router)
    for resource in (user, accounts, positions, instruments, prices, jobs, usage, webhooks):
        app.include_router(resource.router, responses=ERROR_RESPONSES)
    if dev_issuer is not None:
        app.include_router(
            dev_issuer.router(settings.clerk_authorized_parties), responses=ERROR_RESPONSES
        )
    return app
