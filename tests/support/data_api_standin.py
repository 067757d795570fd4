"""A stand-in for the RDS Data API client, backed by a real PostgreSQL, for tests.

It takes requests exactly as boto3's `rds-data` client does (validated against botocore's
service model), runs them on PostgreSQL, and answers in the Data API's shapes: typed fields,
`columnMetadata` with PostgreSQL type names, `numberOfRecordsUpdated`, transaction ids, and
errors as `ClientError`s with the Data API's codes. It lets the repository suite run through
`DataApiDriver` without AWS.
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
from psycopg.types.json import Jsonb

from shared.db.psycopg_driver import to_pyformat

CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:alex-test"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:alex-test-AbCdEf"
_SERVICE = botocore.session.get_session().get_service_model("rds-data")

# PostgreSQL type OIDs the schema uses, by the name the Data API reports in columnMetadata.
_TYPE_NAMES = {
    16: "bool",
    20: "int8",
    21: "int2",
    23: "int4",
    25: "text",
    114: "json",
    700: "float4",
    701: "float8",
    1043: "varchar",
    1082: "date",
    1114: "timestamp",
    1184: "timestamptz",
    1700: "numeric",
    2950: "uuid",
    3802: "jsonb",
    2278: "void",
    19: "name",
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
            names = [_TYPE_NAMES.get(c.type_code, "unknown") for c in cursor.description]
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
    if isinstance(value, Decimal | UUID | date):
        return {"stringValue": str(value)}
    return {"stringValue": value}
