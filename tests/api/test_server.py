"""The API under a real uvicorn on 127.0.0.1, verifying tokens against a JWKS it fetches over
HTTP from that same server: concurrent first requests must not deadlock."""

import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn

from local.api_server import local_app
from local.dev_issuer import ISSUER
from shared.db.psycopg_driver import PsycopgDriver
from tests.api.conftest import SPA_ORIGIN, api_settings


@pytest.fixture
def server_url(pg: PsycopgDriver, issuer_dir: Path, migrated_url: str) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    # The dev issuer serves the keys; the API trusts them as it trusts Clerk's, by URL.
    settings = api_settings(
        issuer_dir, migrated_url, CLERK_ISSUER=ISSUER, CLERK_JWKS_URL=f"{url}/.well-known/jwks.json"
    )
    server = uvicorn.Server(uvicorn.Config(local_app(settings, db=pg), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        with httpx.Client(base_url=url, timeout=10) as probe:
            for _ in range(100):
                if server.started:
                    break
                threading.Event().wait(0.05)
            assert probe.get("/health").json() == {"status": "ok"}
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_concurrent_first_requests_fetch_the_jwks_from_the_same_server(server_url: str) -> None:
    with httpx.Client(base_url=server_url, timeout=10) as client:
        token = client.post(
            "/dev/token",
            json={"user_id": "user_http", "name": "Over HTTP"},
            headers={"Origin": SPA_ORIGIN},
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(
                pool.map(
                    lambda _: client.get("/api/accounts", headers=headers).status_code, range(60)
                )
            )
        assert statuses == [200] * 60
        user = client.get("/api/user", headers=headers).json()
        assert user["display_name"] == "Over HTTP"
        refused = client.get("/api/user", headers={"Authorization": "Bearer nope"})
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "unauthenticated"
