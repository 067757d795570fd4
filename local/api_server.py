"""The API on 127.0.0.1 for `alex dev`: uvicorn in a thread of this process, with the dev issuer,
and the SPA's static build served beside it (one origin: no CORS), answering only this machine's
pages (the Host header is checked) with the security headers CloudFront adds in AWS."""

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from functions.api.app import SecurityHeaders, create_app
from functions.api.errors import error_response
from local.dev_issuer import DevIssuer
from local.hosts import is_local_host, refusal
from shared.db import Database
from shared.security_headers import content_security_policy, security_headers
from shared.settings import Settings
from stacks.config import frontend_api_of

START_SECONDS = 30


def local_app(settings: Settings, db: Database | None = None) -> FastAPI:
    """The API as a local run builds it: with the dev issuer when ALEX_DEV_ISSUER is set."""
    dev_issuer = DevIssuer(settings.data_dir) if settings.dev_issuer else None
    return create_app(settings, db, dev_issuer=dev_issuer)


class ApiOrSpa:
    """The API's paths to the API, so that an unknown `/api/...` path or a wrong method gets its
    JSON 404 or 405 (with `Allow`); every other path to the SPA's build."""

    def __init__(self, api: FastAPI, spa: ASGIApp) -> None:
        self.api = api
        self.spa = spa

    def _is_api(self, scope: Scope) -> bool:
        path: str = scope["path"]
        if path == "/api" or path.startswith("/api/"):
            return True
        # /health, /docs, /dev/token...: a path one of the API's routes matches, by any method.
        return any(route.matches(scope)[0] is not Match.NONE for route in self.api.router.routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        to_api = scope["type"] != "http" or self._is_api(scope)
        await (self.api if to_api else self.spa)(scope, receive, send)


class LocalHostsOnly:
    """400 for a request whose Host is not this machine's name for this server (local/hosts.py):
    no web page can drive the local API through DNS rebinding."""

    def __init__(self, app: ASGIApp, port: int) -> None:
        self.app = app
        self.port = port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        host = Headers(scope=scope).get("host") if scope["type"] == "http" else None
        if scope["type"] == "http" and not is_local_host(host, self.port):
            await error_response(400, "invalid_host", refusal(host, self.port))(
                scope, receive, send
            )
            return
        await self.app(scope, receive, send)


def spa_headers() -> dict[str, str]:
    """The SPA's headers as CloudFront sends them, for the Clerk key its build reads (if any);
    without HTTPS, so no HSTS."""
    key = os.environ.get("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY")
    return security_headers(
        content_security_policy(frontend_api_of(key) if key else None), https=False
    )


def local_site(
    settings: Settings, port: int, spa: Path | None, db: Database | None = None
) -> ASGIApp:
    """What `alex dev` serves on 127.0.0.1:`port`: the API, and the SPA's build if given."""
    api = local_app(settings, db)
    site: ASGIApp = api if spa is None else ApiOrSpa(api, StaticFiles(directory=spa, html=True))
    # Compressed as CloudFront serves it in AWS.
    site = GZipMiddleware(site)
    # The API's responses carry the API's own CSP; the SPA's pages and the refusals this one.
    return SecurityHeaders(LocalHostsOnly(site, port), spa_headers())


@contextmanager
def serve_api(settings: Settings, port: int, spa: Path | None) -> Iterator[str]:
    """Serve the API (and the SPA's build, if given) on 127.0.0.1:`port` (0: any free port)
    until the block ends; its URL."""
    # Bound first: the Host check needs the port, which 0 leaves to the system.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as error:
        sock.close()
        raise OSError(f"the API could not listen on 127.0.0.1:{port} ({error})") from error
    bound: int = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            local_site(settings, bound, spa),
            log_level="warning",
            access_log=False,
            server_header=False,
        )
    )
    # Not the main thread: uvicorn leaves Ctrl-C to `alex dev`.
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="api", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    try:
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise OSError(f"the API could not listen on 127.0.0.1:{bound} (see the log above)")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{bound}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
