"""DataApiDriver against botocore's Stubber, which checks requests against the service model."""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

import boto3
import pytest
from botocore.stub import Stubber

from runtime.data_api import DataApiDriver, resume_wait_for
from shared.errors import ConstraintViolation, DatabaseError, DatabaseResuming
from tests.support.data_api_standin import CLUSTER_ARN, SECRET_ARN

TARGET = {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN}
ID = UUID("6f1c2b9e-9a57-4c0e-8f3b-2d6a1e0c5b44")


class FakeClock:
    """Monotonic time that passes only when the driver sleeps or a call takes `call_s`."""

    def __init__(self) -> None:
        self.now = 0.0
        self.call_s = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def calling(self, **_: Any) -> None:
        self.now += self.call_s


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _driver(client: Any, clock: FakeClock, **options: Any) -> DataApiDriver:
    return DataApiDriver(
        CLUSTER_ARN, SECRET_ARN, "alex", client, sleep=clock.sleep, clock=clock, **options
    )


@pytest.fixture
def client(clock: FakeClock) -> Any:
    client = boto3.client(
        "rds-data", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    client.meta.events.register("before-parameter-build.rds-data", clock.calling)
    return client


@pytest.fixture
def stubbed(client: Any, clock: FakeClock) -> Any:
    with Stubber(client) as stubber:
        yield _driver(client, clock), stubber, clock.sleeps
        stubber.assert_no_pending_responses()


def _statement(sql: str, parameters: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        **TARGET,
        "database": "alex",
        "sql": sql,
        "parameters": parameters,
        "includeResultMetadata": True,
        **extra,
    }


def test_every_python_type_is_sent_with_its_field_and_type_hint(stubbed: Any) -> None:
    driver, stubber, _ = stubbed
    params = {
        "none": None,
        "flag": True,
        "count": 7,
        "ratio": 0.25,
        "text": "hé",
        "blob": b"\x00\x01",
        "money": Decimal("1234.50"),
        "id": ID,
        "day": date(2026, 11, 22),
        "moment": datetime(2026, 11, 22, 10, 30, 5, 123456, tzinfo=UTC),
        "local_moment": datetime(2026, 11, 22, 12, 0, tzinfo=UTC).astimezone(),
        "clock": time(9, 15, 30),
        "doc": {"equity": 70.5, "tags": ["a"]},
        "items": [1, 2],
    }
    expected = [
        {"name": "none", "value": {"isNull": True}},
        {"name": "flag", "value": {"booleanValue": True}},
        {"name": "count", "value": {"longValue": 7}},
        {"name": "ratio", "value": {"doubleValue": 0.25}},
        {"name": "text", "value": {"stringValue": "hé"}},
        {"name": "blob", "value": {"blobValue": b"\x00\x01"}},
        {"name": "money", "value": {"stringValue": "1234.50"}, "typeHint": "DECIMAL"},
        {"name": "id", "value": {"stringValue": str(ID)}, "typeHint": "UUID"},
        {"name": "day", "value": {"stringValue": "2026-11-22"}, "typeHint": "DATE"},
        {
            "name": "moment",
            "value": {"stringValue": "2026-11-22 10:30:05.123456"},
            "typeHint": "TIMESTAMP",
        },
        {
            "name": "local_moment",
            "value": {"stringValue": "2026-11-22 12:00:00.000000"},
            "typeHint": "TIMESTAMP",
        },
        {"name": "clock", "value": {"stringValue": "09:15:30.000000"}, "typeHint": "TIME"},
        {
            "name": "doc",
            "value": {"stringValue": '{"equity": 70.5, "tags": ["a"]}'},
            "typeHint": "JSON",
        },
        {"name": "items", "value": {"stringValue": "[1, 2]"}, "typeHint": "JSON"},
    ]
    stubber.add_response(
        "execute_statement",
        {"numberOfRecordsUpdated": 1},
        _statement("INSERT ...", expected),
    )
    assert driver.execute("INSERT ...", params) == 1


def test_an_unsendable_type_names_the_parameter(stubbed: Any) -> None:
    driver, _, _ = stubbed
    with pytest.raises(TypeError, match="parameter :when"):
        driver.execute("SELECT :when", {"when": object()})


def test_results_decode_to_the_types_psycopg_returns(stubbed: Any) -> None:
    driver, stubber, _ = stubbed
    columns = [
        ("id", "uuid", {"stringValue": str(ID)}),
        ("price", "numeric", {"stringValue": "99.100000"}),
        ("allocation", "jsonb", {"stringValue": '{"equity": 100}'}),
        ("created_at", "timestamptz", {"stringValue": "2026-11-22 10:30:05.5"}),
        ("naive", "timestamp", {"stringValue": "2026-11-22 10:30:05"}),
        ("as_of_date", "date", {"stringValue": "2026-11-21"}),
        ("at", "time", {"stringValue": "09:15:30"}),
        ("years", "int4", {"longValue": 20}),
        ("share", "float8", {"doubleValue": 0.5}),
        ("active", "bool", {"booleanValue": False}),
        ("name", "text", {"stringValue": "VTI"}),
        ("missing", "text", {"isNull": True}),
        ("tags", "_text", {"arrayValue": {"stringValues": ["a", "b"]}}),
    ]
    stubber.add_response(
        "execute_statement",
        {
            "columnMetadata": [{"name": n, "label": n, "typeName": t} for n, t, _ in columns],
            "records": [[field for _, _, field in columns]],
        },
        _statement("SELECT ...", []),
    )
    assert driver.fetch_one("SELECT ...") == {
        "id": ID,
        "price": Decimal("99.100000"),
        "allocation": {"equity": 100},
        "created_at": datetime(2026, 11, 22, 10, 30, 5, 500000, tzinfo=UTC),
        "naive": datetime(2026, 11, 22, 10, 30, 5),
        "as_of_date": date(2026, 11, 21),
        "at": time(9, 15, 30),
        "years": 20,
        "share": 0.5,
        "active": False,
        "name": "VTI",
        "missing": None,
        "tags": ["a", "b"],
    }


def test_transaction_commits_with_its_id(stubbed: Any) -> None:
    driver, stubber, _ = stubbed
    stubber.add_response(
        "begin_transaction", {"transactionId": "tx-1"}, {**TARGET, "database": "alex"}
    )
    stubber.add_response(
        "execute_statement",
        {"numberOfRecordsUpdated": 2},
        _statement("UPDATE ...", [], transactionId="tx-1"),
    )
    stubber.add_response(
        "commit_transaction",
        {"transactionStatus": "Transaction Committed"},
        {**TARGET, "transactionId": "tx-1"},
    )
    with driver.transaction() as tx, tx.transaction() as inner:
        assert inner.execute("UPDATE ...") == 2


def test_transaction_rolls_back_when_the_block_fails(stubbed: Any) -> None:
    driver, stubber, _ = stubbed
    stubber.add_response(
        "begin_transaction", {"transactionId": "tx-2"}, {**TARGET, "database": "alex"}
    )
    stubber.add_response(
        "rollback_transaction",
        {"transactionStatus": "Rollback Complete"},
        {**TARGET, "transactionId": "tx-2"},
    )
    with pytest.raises(RuntimeError, match="boom"), driver.transaction():
        raise RuntimeError("boom")


def test_a_resuming_cluster_is_waited_for_with_backoff(stubbed: Any) -> None:
    driver, stubber, sleeps = stubbed
    for _ in range(3):
        stubber.add_client_error(
            "execute_statement", "DatabaseResumingException", "The cluster is resuming"
        )
    stubber.add_response("execute_statement", {"numberOfRecordsUpdated": 0})
    assert driver.execute("SELECT 1") == 0
    assert sleeps == [0.5, 1.0, 2.0]


def _resuming(stubber: Stubber, times: int) -> None:
    for _ in range(times):
        stubber.add_client_error(
            "execute_statement", "DatabaseResumingException", "The cluster is resuming"
        )


def test_a_cluster_that_keeps_resuming_raises_database_resuming(stubbed: Any) -> None:
    driver, stubber, sleeps = stubbed
    # Waits of 0.5 + 1 + 2 + 4 + 8 + 10 x 7 = 85.5 s, then a last one of 4.5 s to the 90 s limit:
    # 14 calls in all, the last at 90 s.
    _resuming(stubber, 14)
    with pytest.raises(DatabaseResuming, match="still resuming after 90s"):
        driver.execute("SELECT 1")
    assert sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, *[10.0] * 7, 4.5]


def test_the_wait_counts_the_calls_and_ends_by_max_wait(client: Any, clock: FakeClock) -> None:
    driver = _driver(client, clock, max_wait=19)
    clock.call_s = 3.0  # each call takes 3 s to answer that the cluster is still resuming
    # Calls at 0, 3.5, 7.5 and 12.5 s; the fifth, at 16 s, ends at 19 s, and a sixth would not
    # end in time. Counting only its sleeps, the driver would give up at 46.5 s.
    with Stubber(client) as stubber:
        _resuming(stubber, 5)
        with pytest.raises(DatabaseResuming, match="still resuming after 19s"):
            driver.execute("SELECT 1")
        stubber.assert_no_pending_responses()
    assert clock.now <= 19
    assert clock.sleeps == [0.5, 1.0, 2.0, 0.5]


@pytest.mark.parametrize(
    ("timeout", "wait"),
    [(29, 19), (60, 50), (300, 90), (900, 90), (12, 5), (3, 5)],
)
def test_the_resume_wait_leaves_time_before_the_functions_timeout(
    timeout: float, wait: float
) -> None:
    assert resume_wait_for(timeout) == wait


def test_sql_errors_become_typed_errors(stubbed: Any) -> None:
    driver, stubber, _ = stubbed
    stubber.add_client_error(
        "execute_statement",
        "BadRequestException",
        'ERROR: new row for relation "positions" violates check constraint'
        ' "positions_quantity_check"',
    )
    stubber.add_client_error("execute_statement", "BadRequestException", "syntax error")
    with pytest.raises(ConstraintViolation) as excinfo:
        driver.execute("UPDATE positions SET quantity = -1")
    assert excinfo.value.constraint == "positions_quantity_check"
    with pytest.raises(DatabaseError, match="BadRequestException: syntax error"):
        driver.execute("SELEC")


def test_each_call_is_measured_and_only_real_errors_count_as_failures(
    client: Any, clock: FakeClock
) -> None:
    heard: list[tuple[float, bool]] = []
    driver = _driver(client, clock, on_call=lambda seconds, failed: heard.append((seconds, failed)))
    clock.call_s = 0.25
    with Stubber(client) as stubber:
        _resuming(stubber, 1)
        stubber.add_response("execute_statement", {"numberOfRecordsUpdated": 1})
        stubber.add_client_error("execute_statement", "BadRequestException", "syntax error")
        assert driver.execute("UPDATE jobs SET status = status") == 1
        with pytest.raises(DatabaseError):
            driver.execute("SELEC")
    # The resuming answer is a wait, not an error; the syntax error is one.
    assert heard == [(0.25, False), (0.25, False), (0.25, True)]
