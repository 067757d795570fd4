"""The embedded PostgreSQL for local runs: pgserver's binaries, data under the data directory.

When `DATABASE_URL` is set, that server is used instead and nothing is started. Several processes
may share the embedded server: it stops when the last of them exits.
"""

import logging
import warnings
from pathlib import Path
from typing import Any

import psycopg

from shared.settings import Settings

log = logging.getLogger(__name__)


def start(data_dir: Path, database: str) -> tuple[Any, str]:
    """Start (or join) the server whose data lives in `data_dir`; return it and the database URL.

    Run as root, pgserver runs PostgreSQL as a `pgserver` system user and makes every parent of
    the data directory and of its own binaries world-traversable (see README).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        from pgserver.postgres_server import get_server

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir, cleanup_mode="stop")
    admin_url = server.get_uri()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
            log.info("created database %s", database)
    return server, server.get_uri(database)


def database_url(settings: Settings) -> tuple[Any, str]:
    """The configured DATABASE_URL, or the embedded server's (started if needed)."""
    if settings.database_url:
        return None, settings.database_url
    return start(settings.data_dir / "postgres", settings.db_name)
