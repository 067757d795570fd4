"""A stand-in for the RDS Data API client, backed by a real PostgreSQL, for tests.

It takes requests exactly as boto3's `rds-data` client does (validated against botocore's
service model), runs them on PostgreSQL, and answers in the Data API's shapes: typed fields,
`columnMetadata` with PostgreSQL type names, `numberOfRecordsUpdated`, transaction ids, and
errors as `ClientError`s with the Data API's codes. It lets the repository suite run through
`DataApiDriver` without AWS.

Like AWS, it refuses a result with a column of a type the Data API does not return
(`UnsupportedResultException`), such as the `void` of `SELECT pg_advisory_xact_lock(...)`. The
types it returns are those listed in "Amazon RDS Data API operations reference" (Amazon Aurora
User Guide, https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api-operations.html):
its Aurora PostgreSQL scalar and array types, and TIMESTAMPTZ, which the page says is returned in
UTC.
"""

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import botocore.session
import psycopg
from botocore.exceptions import ClientError
from botocore.validate import validate_parameters
from psycopg import postgres
from psycopg.types import TypeInfo
from psycopg.types.json import Jsonb

from shared.db.psycopg_driver import to_pyformat

CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:alex-test"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:alex-test-AbCdEf"
_SERVICE = botocore.session.get_session().get_service_model("rds-data")


def _builtin(name: str) -> TypeInfo:
    info = postgres.types.get(name)
    assert info is not None, name
    return info


# The result types the Data API returns for Aurora PostgreSQL (the page above), by PostgreSQL's
# name, which the Data API reports as the column's `typeName`. ENUM and VECTOR, also listed, have
# no fixed type OID; the schema uses neither.
_SCALAR_TYPES = (
    "bool", "bytea", "date", "cidr", "numeric", "float8", "inet", "int4", "int2", "int8",
    "jsonb", "json", "float4", "text", "bpchar", "varchar", "name", "time", "timestamp",
    "timestamptz", "uuid",
)  # fmt: skip
_ARRAY_TYPES = (
    "bool", "bit", "date", "numeric", "float8", "int4", "int2", "int8", "json", "float4",
    "text", "bpchar", "varchar", "name", "time", "timestamp", "uuid",
)  # fmt: skip
_RESULT_TYPES: dict[int, str] = {
    **{_builtin(name).oid: name for name in _SCALAR_TYPES},
    **{_builtin(name).array_oid: f"_{name}" for name in _ARRAY_TYPES},
}


class StandInDataApi:
    def __init__(self, url: str) -> None:
        self._url = url
        self._autocommit = psycopg.connect(url, autocommit=True)
        self._autocommit.execute("SET TIME ZONE 'UTC'")
        self._transactions: dict[str, psycopg.Connection[Any]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _validate(self, operation: str, request: dict[str, Any]) -> None:
        self.calls.append((operation, request))
        shape = _SERVICE.operation_model(operation).input_shape
        validate_parameters(request, shape)

    # --- operations ----------------------------------------------------------------------------

    def begin_transaction(self, **request: Any) -> dict[str, Any]:
        self._validate("BeginTransaction", request)
        conn = psycopg.connect(self._url)
        conn.execute("SET TIME ZONE 'UTC'")
        transaction_id = uuid.uuid4().hex
        self._transactions[transaction_id] = conn
        return {"transactionId": transaction_id}

    def commit_transaction(self, **request: Any) -> dict[str, Any]:
        self._validate("CommitTransaction", request)
        conn = self._transactions.pop(request["transactionId"])
        conn.commit()
        conn.close()
        return {"transactionStatus": "Transaction Committed"}

    def rollback_transaction(self, **request: Any) -> dict[str, Any]:
        self._validate("RollbackTransaction", request)
        conn = self._transactions.pop(request["transactionId"])
        conn.rollback()
        conn.close()
        return {"transactionStatus": "Rollback Complete"}

    def execute_statement(self, **request: Any) -> dict[str, Any]:
        self._validate("ExecuteStatement", request)
        transaction_id = request.get("transactionId")
        conn = self._transactions[transaction_id] if transaction_id else self._autocommit
        params = {p["name"]: _python_value(p) for p in request.get("parameters", [])}
        try:
            cursor = conn.execute(to_pyformat(request["sql"]), params)
        except psycopg.Error as error:
            raise ClientError(
                {"Error": {"Code": "BadRequestException", "Message": f"ERROR: {error}"}},
                "ExecuteStatement",
            ) from error
        response: dict[str, Any] = {"numberOfRecordsUpdated": max(cursor.rowcount, 0)}
        if cursor.description is not None:
            names = [self._result_type(c.type_code) for c in cursor.description]
            response["records"] = [
                [_field(value, name) for value, name in zip(row, names, strict=True)]
                for row in cursor.fetchall()
            ]
            if request.get("includeResultMetadata"):
                response["columnMetadata"] = [
                    {"name": c.name, "label": c.name, "typeName": name}
                    for c, name in zip(cursor.description, names, strict=True)
                ]
            response["numberOfRecordsUpdated"] = 0
        return response

    def _result_type(self, oid: int) -> str:
        """The name of a result column's type, or the Data API's refusal of it."""
        if oid in _RESULT_TYPES:
            return _RESULT_TYPES[oid]
        row = self._autocommit.execute("SELECT typname FROM pg_type WHERE oid = %s", [oid])
        (name,) = row.fetchone() or (str(oid),)
        raise _unsupported(f"the unsupported data type {name}")


def _unsupported(what: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": "UnsupportedResultException", "Message": f"The result contains {what}"}},
        "ExecuteStatement",
    )


def _python_value(parameter: dict[str, Any]) -> Any:
    """What PostgreSQL receives for a SqlParameter: typed by its field and typeHint."""
    ((kind, value),) = parameter["value"].items()
    if kind == "isNull":
        return None
    hint = parameter.get("typeHint")
    if hint == "JSON":
        return Jsonb(json.loads(value))
    if hint == "UUID":
        return UUID(value)
    if hint == "DECIMAL":
        return Decimal(value)
    if hint == "DATE":
        return date.fromisoformat(value)
    if hint == "TIMESTAMP":
        return datetime.fromisoformat(value)
    return value


def _field(value: Any, type_name: str) -> dict[str, Any]:
    """A column value as the Data API returns it (numbers, UUIDs, JSON and dates as strings)."""
    if value is None:
        return {"isNull": True}
    if type_name.startswith("_"):
        return {"arrayValue": _array_value(value, type_name.removeprefix("_"))}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        return {"longValue": value}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return {"stringValue": value.isoformat(sep=" ")}
    if type_name in ("json", "jsonb"):
        return {"stringValue": json.dumps(value)}
    if isinstance(value, bytes):
        return {"blobValue": value}
    return {"stringValue": str(value)}  # numeric, uuid, date, time, inet and text alike


def _array_value(values: list[Any], element_type: str) -> dict[str, list[Any]]:
    """A one-dimensional array as the Data API's ArrayValue (`stringValues`, `longValues`...)."""
    if any(isinstance(value, list) for value in values):
        raise _unsupported("a multidimensional array")
    fields = [_field(value, element_type) for value in values]
    kind = next(iter(fields[0])) if fields else "stringValue"
    return {f"{kind}s": [field[kind] for field in fields]}
