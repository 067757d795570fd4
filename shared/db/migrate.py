"""Versioned SQL migrations (`migrations/NNNN_name.sql`), applied once each, in order.

Safe to run any number of times and from two processes at once: an advisory lock serialises
runners, and each migration commits with its row in `schema_migrations`.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from shared.db.base import Database, split_statements
from shared.errors import DatabaseError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_LOCK_KEY = 7_413_526  # any constant shared by every runner of these migrations


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def available() -> list[Migration]:
    migrations = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        version, _, name = path.stem.partition("_")
        migrations.append(Migration(int(version), name, path.read_text()))
    return migrations


def _lock(tx: Database) -> None:
    # `SELECT 1 FROM`: the lock function returns void, a result the Data API refuses.
    tx.execute("SELECT 1 FROM pg_advisory_xact_lock(:key)", {"key": _LOCK_KEY})


def migrate(db: Database) -> list[Migration]:
    """Apply every migration not yet applied; return the ones applied now."""
    with db.transaction() as tx:
        _lock(tx)
        tx.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
    applied_now = []
    for migration in available():
        with db.transaction() as tx:
            _lock(tx)
            row = tx.fetch_one(
                "SELECT checksum FROM schema_migrations WHERE version = :version",
                {"version": migration.version},
            )
            if row is not None:
                if row["checksum"] != migration.checksum:
                    raise DatabaseError(
                        f"migration {migration.version} ({migration.name}) was changed after it"
                        " was applied; add a new migration instead of editing an applied one"
                    )
                continue
            for statement in split_statements(migration.sql):
                tx.execute(statement)
            tx.execute(
                "INSERT INTO schema_migrations (version, name, checksum)"
                " VALUES (:version, :name, :checksum)",
                {
                    "version": migration.version,
                    "name": migration.name,
                    "checksum": migration.checksum,
                },
            )
            applied_now.append(migration)
    return applied_now


APP_TABLES = (
    "jobs",
    "user_prices",
    "positions",
    "accounts",
    "instruments",
    "users",
    "schema_migrations",
)


def drop_all(db: Database) -> None:
    """Remove every table and function the migrations created (for `alex db reset`)."""
    with db.transaction() as tx:
        for table in APP_TABLES:
            tx.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
        tx.execute("DROP FUNCTION IF EXISTS set_updated_at() CASCADE")
