"""What routes depend on: the database, the verified caller (and their user row), the workflow."""

import base64
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from functions.api.auth import Caller, TokenVerifier
from functions.api.errors import NotAuthenticated, NotConfigured
from runtime.aws import aws_client
from runtime.executions import WorkflowUnavailable
from shared.db import Database, Users
from shared.errors import InvalidInput
from shared.schemas import User, UserCreate
from shared.settings import Settings

# users.display_name's limit.
MAX_NAME_LENGTH = 200
bearer = HTTPBearer(
    auto_error=False, description="A Clerk session token (locally: one from POST /dev/token)."
)


@dataclass(frozen=True)
class Workflow:
    """The analysis state machine and the Step Functions client that reaches it."""

    state_machine_arn: str
    client: Any


def _query_names(dependant: Dependant) -> set[str]:
    names = {parameter.alias for parameter in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _query_names(dependency)
    return names


async def known_query_parameters(request: Request) -> None:
    """422 for a query parameter the route does not take: a misspelt `limit` or `cursor` would
    otherwise silently give the first page of the default size."""
    route = request.scope.get("route")
    dependant: Dependant | None = getattr(route, "dependant", None)
    known = _query_names(dependant) if dependant is not None else set()
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        takes = ", ".join(sorted(known)) or "none"
        raise InvalidInput(
            f"{', '.join(map(repr, unknown))} is not a parameter of this request (it takes:"
            f" {takes})",
            field=unknown[0],
            location="query",
        )


# Dependencies that only read the app's state are coroutines: no hop to a worker thread.
async def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    verifier: TokenVerifier | None = request.app.state.verifier
    if verifier is None:
        raise NotConfigured(
            "sign-in is not configured: set CLERK_ISSUER (deployed: -c clerkIssuer=...),"
            " or ALEX_DEV_ISSUER=true for a local run"
        )
    if credentials is None:
        raise NotAuthenticated(
            "no token: send 'Authorization: Bearer <session token>' (sign in first)"
        )
    token = credentials.credentials
    # A new token is verified in a worker thread: fetching the JWKS may block, and the JWKS may
    # be served by this very process, whose event loop must stay free to answer.
    remembered = verifier.remembered(token)
    if remembered is not None:
        return remembered
    return await run_in_threadpool(verifier.verify, token)


DatabaseDep = Annotated[Database, Depends(database)]
CallerDep = Annotated[Caller, Depends(caller)]


def new_user(user_id: str, name: str | None) -> UserCreate:
    """A user with the defaults and this name, if it is usable as a display name."""
    display_name = (name or "").strip()[:MAX_NAME_LENGTH]
    return UserCreate(
        clerk_user_id=user_id, **({"display_name": display_name} if display_name else {})
    )


def current_user(db: DatabaseDep, caller: CallerDep) -> User:
    """The caller's row, created on first use with the defaults and the token's name."""
    return Users(db).get_or_create(new_user(caller.user_id, caller.name))


UserDep = Annotated[User, Depends(current_user)]


async def configured_workflow(request: Request) -> Workflow | None:
    """The workflow, when configured: for what works without it too."""
    configured: Workflow | None = request.app.state.workflow
    return configured


async def workflow(
    configured: Annotated[Workflow | None, Depends(configured_workflow)],
) -> Workflow:
    if configured is None:
        raise WorkflowUnavailable(
            "the analysis workflow is not configured: set ANALYSIS_STATE_MACHINE_ARN"
            " (`alex dev` sets it)"
        )
    return configured


async def settings(request: Request) -> Settings:
    config: Settings = request.app.state.settings
    return config


ConfiguredWorkflowDep = Annotated[Workflow | None, Depends(configured_workflow)]
WorkflowDep = Annotated[Workflow, Depends(workflow)]
SettingsDep = Annotated[Settings, Depends(settings)]


def webhook_secret(request: Request) -> bytes:
    """Clerk's webhook signing secret (`whsec_<base64>`) as key bytes, read once."""
    cached: bytes | None = getattr(request.app.state, "webhook_secret", None)
    if cached is not None:
        return cached
    config: Settings = request.app.state.settings
    secret = config.clerk_webhook_secret
    if secret is None and config.clerk_webhook_secret_arn:
        client = aws_client("secretsmanager", config)
        secret = client.get_secret_value(SecretId=config.clerk_webhook_secret_arn)["SecretString"]
    if not secret:
        raise NotConfigured(
            "Clerk's webhook is not configured: set CLERK_WEBHOOK_SECRET to the endpoint's"
            " signing secret (whsec_...)"
        )
    try:
        key = base64.b64decode(secret.strip().removeprefix("whsec_"), validate=True)
    except ValueError as error:
        raise NotConfigured("CLERK_WEBHOOK_SECRET is not a whsec_<base64> secret") from error
    request.app.state.webhook_secret = key
    return key


WebhookSecretDep = Annotated[bytes, Depends(webhook_secret)]
