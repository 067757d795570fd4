"""The Lambda entry: an API Gateway HTTP API event through Mangum into the same app."""

import importlib
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from local.dev_issuer import DevIssuer
from shared.db.psycopg_driver import PsycopgDriver
from tests.api.conftest import SPA_ORIGIN
from tests.support.lambda_context import lambda_context


def http_api_event(
    method: str, path: str, headers: dict[str, str], body: str | None
) -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"host": "abc123.execute-api.us-east-1.amazonaws.com", **headers},
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "test",
            },
            "requestId": "request-1",
            "routeKey": "$default",
            "stage": "$default",
            "timeEpoch": 0,
        },
        "body": body,
        "isBase64Encoded": False,
    }


def serve_jwks(issuer: DevIssuer, request: pytest.FixtureRequest) -> str:
    """The issuer's public keys at a URL on 127.0.0.1, as Clerk publishes its JWKS."""
    body = json.dumps(issuer.jwks()).encode()

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    request.addfinalizer(server.shutdown)
    return f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"


def test_an_api_gateway_event_reaches_the_routes(
    monkeypatch: pytest.MonkeyPatch,
    pg: PsycopgDriver,
    migrated_url: str,
    issuer_dir: Path,
    issuer: DevIssuer,
    request: pytest.FixtureRequest,
) -> None:
    # The Lambda never has the dev issuer: it verifies as with Clerk, against a JWKS URL (here
    # the dev issuer's keys, served on loopback).
    monkeypatch.delenv("ALEX_DEV_ISSUER", raising=False)
    for name, value in {
        "ALEX_ENV": "local",
        "CLERK_ISSUER": issuer.issuer,
        "CLERK_JWKS_URL": serve_jwks(issuer, request),
        "ALEX_DATA_DIR": str(issuer_dir),
        "DATABASE_URL": migrated_url,
        "CLERK_AUTHORIZED_PARTIES": SPA_ORIGIN,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delitem(sys.modules, "functions.api.handler", raising=False)
    module = importlib.import_module("functions.api.handler")
    handler = module.handler
    request.addfinalizer(module.adapter.app.state.db.close)  # the app Lambda would keep for life
    headers = {"authorization": f"Bearer {issuer.mint('user_lambda', 'Lambda', azp=SPA_ORIGIN)}"}

    created = handler(
        http_api_event(
            "POST",
            "/api/accounts",
            {**headers, "content-type": "application/json"},
            json.dumps({"account_name": "IRA", "account_type": "traditional_ira"}),
        ),
        lambda_context(),
    )
    listed = handler(http_api_event("GET", "/api/accounts", headers, None), lambda_context())
    refused = handler(http_api_event("GET", "/api/accounts", {}, None), lambda_context())

    assert created["statusCode"] == 201, created
    assert [a["account_name"] for a in json.loads(listed["body"])["items"]] == ["IRA"]
    assert refused["statusCode"] == 401
    assert json.loads(refused["body"])["error"]["code"] == "unauthenticated"
