"""Aurora PostgreSQL through the RDS Data API: the driver for Lambdas in AWS (no VPC, no pools).

Parameters are sent as typed fields with the `typeHint` PostgreSQL needs; results are decoded by
column type into the same Python values the psycopg driver returns. A cluster paused at 0 ACU
answers `DatabaseResumingException` while it wakes: calls are retried with backoff for at most
`max_wait` seconds, the calls' own time included, then `DatabaseResuming` is raised for the
workflow (or the API's caller) to retry.
"""

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from datetime import time as clock
from decimal import Decimal
from typing import Any
from uuid import UUID

from botocore.exceptions import ClientError

from shared.db.base import Database, Params, Row, constraint_name
from shared.errors import ConstraintViolation, DatabaseError, DatabaseResuming

RESUMING = "DatabaseResumingException"
MAX_RESUME_WAIT_S = 90.0
"""The longest wait: a cluster still not answering after this long is failing, not resuming."""
MIN_RESUME_WAIT_S = 5.0
RESUME_MARGIN_S = 10.0
"""What a function keeps, after the statement that waited, for the rest of its work."""


def resume_wait_for(function_timeout_s: float) -> float:
    """How long a function with this timeout may wait for the cluster to resume (its
    DB_RESUME_MAX_WAIT, set by the stacks).

    Waiting must end before Lambda stops the function: a function cut off by its timeout ends
    with no answer of its own (the workflow sees `Sandbox.Timedout`, the API's caller a gateway
    error), while one that gives up in time raises `DatabaseResuming`, which the workflow
    retries and the API answers as 503. So the wait is the timeout less a margin for the work
    after the query, never more than MAX_RESUME_WAIT_S, and never under MIN_RESUME_WAIT_S (less
    than that is no wait at all).
    """
    return max(MIN_RESUME_WAIT_S, min(MAX_RESUME_WAIT_S, function_timeout_s - RESUME_MARGIN_S))


def encode_parameter(name: str, value: Any) -> dict[str, Any]:
    """One `:name` parameter as a Data API SqlParameter."""
    parameter: dict[str, Any] = {"name": name}
    if value is None:
        parameter["value"] = {"isNull": True}
    elif isinstance(value, bool):  # before int: bool is an int
        parameter["value"] = {"booleanValue": value}
    elif isinstance(value, int):
        parameter["value"] = {"longValue": value}
    elif isinstance(value, float):
        parameter["value"] = {"doubleValue": value}
    elif isinstance(value, str):
        parameter["value"] = {"stringValue": value}
    elif isinstance(value, bytes):
        parameter["value"] = {"blobValue": value}
    else:
        text, hint = _hinted(name, value)
        parameter["value"] = {"stringValue": text}
        parameter["typeHint"] = hint
    return parameter


def _hinted(name: str, value: Any) -> tuple[str, str]:
    if isinstance(value, Decimal):
        return str(value), "DECIMAL"
    if isinstance(value, UUID):
        return str(value), "UUID"
    if isinstance(value, datetime):  # before date: datetime is a date
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f"), "TIMESTAMP"
    if isinstance(value, date):
        return value.isoformat(), "DATE"
    if isinstance(value, clock):
        return value.strftime("%H:%M:%S.%f"), "TIME"
    if isinstance(value, dict | list):
        return json.dumps(value), "JSON"
    raise TypeError(f"parameter :{name} has a type the Data API cannot send: {type(value)}")


def _timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


_DECODERS: dict[str, Callable[[str], Any]] = {
    "numeric": Decimal,
    "uuid": UUID,
    "json": json.loads,
    "jsonb": json.loads,
    "date": date.fromisoformat,
    "time": clock.fromisoformat,
    "timestamp": _timestamp,
    "timestamptz": lambda text: _timestamp(text).replace(tzinfo=UTC),
}


def decode_field(field: dict[str, Any], type_name: str) -> Any:
    """A Data API Field as the Python value psycopg would return for a column of that type."""
    if field.get("isNull"):
        return None
    if "arrayValue" in field:
        element_type = type_name.removeprefix("_")
        return [decode_field(_array_element(v), element_type) for v in _array_items(field)]
    if "stringValue" in field and type_name in _DECODERS:
        return _DECODERS[type_name](field["stringValue"])
    for kind in ("stringValue", "longValue", "doubleValue", "booleanValue", "blobValue"):
        if kind in field:
            return field[kind]
    raise DatabaseError(f"unexpected Data API field {field!r} for a {type_name} column")


def _array_items(field: dict[str, Any]) -> list[Any]:
    (values,) = field["arrayValue"].values()
    return list(values)


def _array_element(value: Any) -> dict[str, Any]:
    kind = {bool: "booleanValue", int: "longValue", float: "doubleValue"}.get(
        type(value), "stringValue"
    )
    return {kind: value}


class DataApiDriver(Database):
    def __init__(
        self,
        cluster_arn: str,
        secret_arn: str,
        database: str,
        client: Any,
        *,
        max_wait: float = MAX_RESUME_WAIT_S,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_call: Callable[[float, bool], None] = lambda seconds, failed: None,
    ) -> None:
        self._client = client
        self._on_call = on_call
        self._target = {"resourceArn": cluster_arn, "secretArn": secret_arn}
        self._database = database
        self._max_wait = max_wait
        self._sleep = sleep
        self._clock = clock

    def call(self, operation: str, **request: Any) -> dict[str, Any]:
        """Call the Data API, waiting out a cluster that is resuming from 0 ACU.

        The wait ends by `max_wait` after the first call began: a call is tried again only if
        another call as long as the last one still ends by then.
        """
        started = self._clock()
        deadline = started + self._max_wait
        delay = 0.5
        while True:
            called = self._clock()
            try:
                response: dict[str, Any] = getattr(self._client, operation)(
                    **self._target, **request
                )
                self._on_call(self._clock() - called, False)
                return response
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                message = error.response.get("Error", {}).get("Message", str(error))
                # A paused cluster's answer is a wait, not an error of the database.
                self._on_call(self._clock() - called, code != RESUMING)
                if code == RESUMING:
                    now = self._clock()
                    pause = min(delay, deadline - now - (now - called))
                    if pause <= 0:
                        raise DatabaseResuming(
                            f"the database is still resuming after {now - started:.0f}s;"
                            " try again shortly"
                        ) from error
                    self._sleep(pause)
                    delay = min(delay * 2, 10.0)
                    continue
                constraint = constraint_name(message)
                if "violates" in message:
                    raise ConstraintViolation(message, constraint) from error
                raise DatabaseError(f"{code}: {message}") from error

    def _statement(self, sql: str, params: Params | None, transaction_id: str | None) -> Any:
        request: dict[str, Any] = {
            "database": self._database,
            "sql": sql,
            "parameters": [encode_parameter(k, v) for k, v in (params or {}).items()],
            "includeResultMetadata": True,
        }
        if transaction_id:
            request["transactionId"] = transaction_id
        return self.call("execute_statement", **request)

    def run(self, sql: str, params: Params | None, transaction_id: str | None) -> list[Row]:
        response = self._statement(sql, params, transaction_id)
        columns = [
            (c.get("label") or c["name"], c["typeName"]) for c in response.get("columnMetadata", [])
        ]
        return [
            {
                name: decode_field(field, type_name)
                for (name, type_name), field in zip(columns, record, strict=True)
            }
            for record in response.get("records", [])
        ]

    def count(self, sql: str, params: Params | None, transaction_id: str | None) -> int:
        updated: int = self._statement(sql, params, transaction_id).get("numberOfRecordsUpdated", 0)
        return updated

    def execute(self, sql: str, params: Params | None = None) -> int:
        return self.count(sql, params, None)

    def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        return self.run(sql, params, None)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        transaction_id = self.call("begin_transaction", database=self._database)["transactionId"]
        try:
            yield _DataApiTransaction(self, transaction_id)
        except BaseException:
            self.call("rollback_transaction", transactionId=transaction_id)
            raise
        self.call("commit_transaction", transactionId=transaction_id)


class _DataApiTransaction(Database):
    """The statements of one Data API transaction (they carry its `transactionId`)."""

    def __init__(self, driver: DataApiDriver, transaction_id: str) -> None:
        self._driver = driver
        self._id = transaction_id

    def execute(self, sql: str, params: Params | None = None) -> int:
        return self._driver.count(sql, params, self._id)

    def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        return self._driver.run(sql, params, self._id)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        yield self
