"""What `alex dev` serves on 127.0.0.1: only this machine's pages get an answer (Host checked, no
dev token for another origin), the API answers its own paths in JSON (404, 405 with Allow) beside
the SPA's build, and every response carries the security headers CloudFront adds in AWS."""

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from local.api_server import local_site, serve_api
from shared.db.psycopg_driver import PsycopgDriver
from shared.security_headers import API_CONTENT_SECURITY_POLICY, content_security_policy
from tests.api.conftest import SPA_ORIGIN, Token, api_settings, error_of

PORT = 8000
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
                    "Referrer-Policy")  # fmt: skip


@pytest.fixture
def spa(tmp_path: Path) -> Path:
    """A stand-in for the SPA's static build: two pages."""
    (tmp_path / "index.html").write_text("<!doctype html><title>Alex</title>")
    (tmp_path / "404.html").write_text("<!doctype html><title>Not found</title>")
    return tmp_path


@pytest.fixture
def site(pg: PsycopgDriver, issuer_dir: Path, migrated_url: str, spa: Path) -> Iterator[TestClient]:
    app = local_site(api_settings(issuer_dir, migrated_url), PORT, spa, db=pg)
    with TestClient(app, base_url=f"http://127.0.0.1:{PORT}", raise_server_exceptions=False) as c:
        yield c


def assert_secure(response: httpx.Response) -> None:
    for header in SECURITY_HEADERS:
        assert header in response.headers, (response.request.url, dict(response.headers))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    # Served over plain HTTP locally: HSTS would make the browser refuse http://localhost.
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example",
        f"attacker.example:{PORT}",
        f"127.0.0.1.nip.io:{PORT}",
        f"localhost.attacker.example:{PORT}",
        "127.0.0.1:1",
        "localhost",
        f"[::1]:{PORT}",
    ],
)
def test_a_foreign_host_is_refused(site: TestClient, auth: Token, host: str) -> None:
    for path in ("/", "/api/accounts", "/health", "/dev/token"):
        response = site.get(path, headers={**auth(), "Host": host})
        assert response.status_code == 400, (path, response.text)
        assert error_of(response)["code"] == "invalid_host"
        assert_secure(response)


@pytest.mark.parametrize("host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"LocalHost.:{PORT}"])
def test_this_machines_names_are_answered(site: TestClient, auth: Token, host: str) -> None:
    assert site.get("/api/accounts", headers={**auth(), "Host": host}).status_code == 200
    assert site.get("/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://attacker.example"},
        {"Origin": "null"},
        {"Origin": f"http://localhost:{PORT + 1}"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_the_dev_token_is_refused_to_other_origins(
    site: TestClient, headers: dict[str, str]
) -> None:
    response = site.post("/dev/token", json={"user_id": "user_alice"}, headers=headers)
    assert response.status_code == 403, response.text
    assert error_of(response)["code"] == "forbidden"
    assert "token" not in response.json()


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": f"http://127.0.0.1:{PORT}", "Sec-Fetch-Site": "same-origin"},
        {"Origin": SPA_ORIGIN, "Sec-Fetch-Site": "same-site"},  # the configured frontend
        {},  # curl, alex analyze: no browser, no Origin
    ],
)
def test_the_dev_token_is_given_to_this_servers_pages_and_clients(
    site: TestClient, headers: dict[str, str]
) -> None:
    response = site.post("/dev/token", json={"user_id": "user_alice"}, headers=headers)
    assert response.status_code == 200, response.text


def test_unknown_api_paths_and_methods_answer_json_beside_the_spa(site: TestClient) -> None:
    for path in ("/api/nothing", "/api", "/api/accounts/x/y/z"):
        missing = site.get(path)
        assert missing.status_code == 404, path
        assert error_of(missing)["code"] == "not_found"
    for method in ("PATCH", "OPTIONS", "DELETE"):
        wrong = site.request(method, "/api/accounts")
        assert wrong.status_code == 405, (method, wrong.text)
        assert error_of(wrong)["code"] == "method_not_allowed"
        assert set(wrong.headers["Allow"].split(", ")) == {"GET", "POST"}
    assert site.post("/health").headers["Allow"] == "GET"
    # The SPA's pages stay the SPA's.
    page = site.get("/")
    assert page.status_code == 200 and "<title>Alex</title>" in page.text


def test_every_response_carries_the_security_headers(site: TestClient, auth: Token) -> None:
    responses = {
        "spa page": site.get("/"),
        "spa 404": site.get("/no-such-page"),
        "api": site.get("/api/accounts", headers=auth()),
        "api 401": site.get("/api/accounts"),
        "api 404": site.get("/api/nothing"),
        "api 405": site.patch("/api/accounts"),
        "api 422": site.get("/api/jobs/not-a-uuid", headers=auth()),
        "health": site.get("/health"),
        "docs": site.get("/docs"),
    }
    for name, response in responses.items():
        assert_secure(response), name
    assert responses["spa page"].headers["Content-Security-Policy"] == content_security_policy(None)
    assert responses["api"].headers["Content-Security-Policy"] == API_CONTENT_SECURITY_POLICY
    assert responses["api 404"].headers["Content-Security-Policy"] == API_CONTENT_SECURITY_POLICY


def test_in_aws_the_api_pins_https(pg: PsycopgDriver, issuer_dir: Path, migrated_url: str) -> None:
    from functions.api.app import create_app

    settings = api_settings(
        issuer_dir, migrated_url, ALEX_ENV="aws", ALEX_DEV_ISSUER=False, AWS_REGION="us-east-1"
    )
    with TestClient(create_app(settings, db=pg), raise_server_exceptions=False) as client:
        for response in (client.get("/health"), client.get("/api/accounts")):
            assert "max-age=" in response.headers["Strict-Transport-Security"]
            assert response.headers["X-Frame-Options"] == "DENY"


def test_the_real_server_names_no_server_and_checks_the_host(
    migrated_url: str, issuer_dir: Path, spa: Path
) -> None:
    settings = api_settings(issuer_dir, migrated_url)
    with serve_api(settings, 0, spa) as url, httpx.Client(base_url=url, timeout=10) as http:
        port = int(url.rsplit(":", 1)[1])
        for path in ("/", "/health", "/api/nothing"):
            response = http.get(path)
            assert "server" not in response.headers, dict(response.headers)
            assert_secure(response)
        # A page elsewhere whose name now resolves to 127.0.0.1 (DNS rebinding).
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(
                f"GET /api/accounts HTTP/1.1\r\nHost: attacker.example:{port}\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            answer = b""
            while chunk := raw.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
        assert b"invalid_host" in answer


def test_an_unexpected_error_carries_the_headers_too(app: FastAPI) -> None:
    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/boom")
    assert response.status_code == 500
    assert error_of(response)["code"] == "internal_error"
    assert_secure(response)
