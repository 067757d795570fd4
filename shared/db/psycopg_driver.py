"""PostgreSQL through psycopg 3: the driver for local runs and tests."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from shared.db.base import PARAMETER, Database, Params, Row
from shared.errors import ConstraintViolation, DatabaseError, RefusedValue


@lru_cache(maxsize=512)
def to_pyformat(sql: str) -> str:
    """`:name` parameters as psycopg's `%(name)s` (and literal `%` escaped)."""
    return PARAMETER.sub(r"%(\1)s", sql.replace("%", "%%"))


def _adapt(value: Any) -> Any:
    return Jsonb(value) if isinstance(value, dict | list) else value


class PsycopgDriver(Database):
    """One connection shared by the threads of a process, one statement or transaction at a time."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._lock = threading.RLock()
        self._conn = self._connect()

    def _connect(self) -> psycopg.Connection[Row]:
        try:
            conn = psycopg.connect(self._url, autocommit=True, row_factory=dict_row)
        except psycopg.OperationalError as error:
            raise DatabaseError(f"cannot connect to PostgreSQL: {error}") from error
        conn.execute("SET TIME ZONE 'UTC'")
        return conn

    def _run(self, sql: str, params: Params | None) -> psycopg.Cursor[Row]:
        with self._lock:
            if self._conn.closed:
                self._conn = self._connect()
            args = {name: _adapt(value) for name, value in (params or {}).items()}
            try:
                return self._conn.execute(to_pyformat(sql), args)
            except psycopg.errors.IntegrityError as error:
                diag = error.diag
                raise ConstraintViolation(
                    diag.message_primary or str(error), diag.constraint_name
                ) from error
            except psycopg.errors.DataError as error:
                raise RefusedValue(error.diag.message_primary or str(error)) from error
            except psycopg.Error as error:
                raise DatabaseError(str(error)) from error

    def execute(self, sql: str, params: Params | None = None) -> int:
        return self._run(sql, params).rowcount

    def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        return self._run(sql, params).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        with self._lock:
            if self._conn.closed:
                self._conn = self._connect()
            with self._conn.transaction():
                yield self

    def close(self) -> None:
        with self._lock:
            self._conn.close()
