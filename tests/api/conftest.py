"""The API on the test PostgreSQL, signed in with the local dev issuer's tokens."""

import base64
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from functions.api.svix import sign
from local.api_server import local_app
from local.dev_issuer import DevIssuer
from shared.db.psycopg_driver import PsycopgDriver
from shared.settings import Settings

SPA_ORIGIN = "http://localhost:3000"
WEBHOOK_KEY = b"alex-test-webhook-secret-32bytes"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(WEBHOOK_KEY).decode()
# Configured, never reached: the routes refuse anything not the caller's before calling it.
UNREACHABLE_WORKFLOW = {
    "ANALYSIS_STATE_MACHINE_ARN": "arn:aws:states:us-east-1:000000000000:stateMachine:Analysis",
    "AWS_ENDPOINT_URL_STEPFUNCTIONS": "http://127.0.0.1:9",
}
Token = Callable[..., dict[str, str]]


@pytest.fixture(scope="session")
def issuer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the dev issuer keeps its key: one RSA key for the whole session."""
    return tmp_path_factory.mktemp("alex-data")


@pytest.fixture(scope="session")
def issuer(issuer_dir: Path) -> DevIssuer:
    return DevIssuer(issuer_dir)


def api_settings(data_dir: Path, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "ALEX_ENV": "local",
        "ALEX_DEV_ISSUER": True,
        "ALEX_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "CLERK_AUTHORIZED_PARTIES": SPA_ORIGIN,
        "CLERK_WEBHOOK_SECRET": WEBHOOK_SECRET,
        **UNREACHABLE_WORKFLOW,
    }
    values.update(overrides)
    return Settings(**{k: v for k, v in values.items() if v is not None})


@pytest.fixture
def app(pg: PsycopgDriver, issuer_dir: Path, migrated_url: str) -> FastAPI:
    return local_app(api_settings(issuer_dir, migrated_url), db=pg)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def auth(issuer: DevIssuer) -> Token:
    """Authorization headers for a user, as the SPA sends them."""

    def headers(user_id: str = "user_alice", name: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {issuer.mint(user_id, name, azp=SPA_ORIGIN)}"}

    return headers


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    error: dict[str, Any] = body["error"]
    return error


def signed_webhook(
    event: dict[str, Any], sent_at: float | None = None
) -> tuple[bytes, dict[str, str]]:
    """A Clerk event body and the Svix headers that sign it."""
    body = json.dumps(event).encode()
    message_id, timestamp = "msg_test_1", str(int(time.time() if sent_at is None else sent_at))
    signature = sign(WEBHOOK_KEY, message_id, timestamp, body)
    headers = {
        "svix-id": message_id,
        "svix-timestamp": timestamp,
        "svix-signature": f"v1,{signature}",
        "content-type": "application/json",
    }
    return body, headers
