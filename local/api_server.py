"""The API on 127.0.0.1 for `alex dev`: uvicorn in a thread of this process, with the dev issuer,
and the SPA's static build served beside it (one origin: no CORS)."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from functions.api.app import create_app
from local.dev_issuer import DevIssuer
from shared.db import Database
from shared.settings import Settings

START_SECONDS = 30


def local_app(settings: Settings, db: Database | None = None) -> FastAPI:
    """The API as a local run builds it: with the dev issuer when ALEX_DEV_ISSUER is set."""
    dev_issuer = DevIssuer(settings.data_dir) if settings.dev_issuer else None
    return create_app(settings, db, dev_issuer=dev_issuer)


@contextmanager
def serve_api(settings: Settings, port: int, spa: Path | None) -> Iterator[str]:
    """Serve the API (and the SPA's build, if given) on 127.0.0.1:`port` until the block ends;
    its URL."""
    app = local_app(settings)
    # Compressed as CloudFront serves it in AWS.
    app.add_middleware(GZipMiddleware)
    if spa is not None:
        # After the API's routes, so /api/... and /health stay the API's.
        app.mount("/", StaticFiles(directory=spa, html=True), name="spa")
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    # Not the main thread: uvicorn leaves Ctrl-C to `alex dev`.
    thread = threading.Thread(target=server.run, name="api", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise OSError(f"the API could not listen on 127.0.0.1:{port} (see the log above)")
        time.sleep(0.05)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{bound}"
    finally:
        server.should_exit = True
        thread.join(10)
