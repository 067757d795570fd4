"""Migrations and seed data: repeatable, complete, and the same rows however often they run."""

import threading
from typing import Any

import pytest

from runtime.data_api import DataApiDriver
from shared.db import Accounts, Instruments, Jobs, Positions, Users
from shared.db.base import split_statements
from shared.db.migrate import Migration, available, migrate
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import SEED_INSTRUMENTS, TEST_USER_ID, reset, seed_instruments, seed_test_data
from shared.errors import DatabaseError
from shared.schemas import Job, JobCreate, UserCreate, UserUpdate
from tests.support.data_api_standin import CLUSTER_ARN, SECRET_ARN, StandInDataApi

SPEC_SYMBOLS = {
    "SPY",
    "QQQ",
    "IWM",
    "VTI",
    "VXUS",
    "VEA",
    "VWO",
    "EFA",
    "AGG",
    "BND",
    "TLT",
    "HYG",
    "XLK",
    "XLV",
    "XLF",
    "XLE",
    "VNQ",
    "GLD",
    "SLV",
    "VUG",
    "VTV",
    "VIG",
}
TABLES = (
    "users",
    "instruments",
    "accounts",
    "positions",
    "user_prices",
    "jobs",
    "schema_migrations",
)


@pytest.fixture
def fresh(fresh_database_url: str) -> Any:
    db = PsycopgDriver(fresh_database_url)
    yield db
    db.close()


def _counts(db: PsycopgDriver) -> dict[str, int]:
    return {t: db.fetch_all(f"SELECT count(*) AS n FROM {t}")[0]["n"] for t in TABLES}


def _content(db: PsycopgDriver) -> dict[str, list[dict[str, Any]]]:
    """Every row without generated ids and timestamps, in a stable order."""
    volatile = {"id", "account_id", "created_at", "updated_at", "applied_at", "as_of_date"}
    content = {}
    for table in TABLES:
        rows = [
            {k: v for k, v in row.items() if k not in volatile}
            for row in db.fetch_all(f"SELECT * FROM {table}")
        ]
        content[table] = sorted(rows, key=repr)
    return content


def test_migrating_twice_applies_nothing_the_second_time(fresh: PsycopgDriver) -> None:
    assert [m.version for m in migrate(fresh)] == [m.version for m in available()]
    counts = _counts(fresh)
    assert migrate(fresh) == []
    assert _counts(fresh) == counts


def test_concurrent_migrations_apply_each_migration_once(fresh_database_url: str) -> None:
    applied: list[list[Migration]] = []
    errors: list[Exception] = []

    def run() -> None:
        db = PsycopgDriver(fresh_database_url)
        try:
            applied.append(migrate(db))
        except Exception as error:
            errors.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Runners take turns migration by migration, so the work may be shared: each once in all.
    assert sorted(m.version for runner in applied for m in runner) == [
        m.version for m in available()
    ]


def test_an_edited_applied_migration_is_refused(
    fresh: PsycopgDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate(fresh)
    first = available()[0]
    edited = Migration(first.version, first.name, first.sql + "\n-- edited\n")
    monkeypatch.setattr("shared.db.migrate.available", lambda: [edited])
    with pytest.raises(DatabaseError, match="was changed after it was applied"):
        migrate(fresh)


def test_reset_twice_leaves_the_same_rows(fresh: PsycopgDriver) -> None:
    reset(fresh, with_test_data=True)
    first = _content(fresh)
    reset(fresh, with_test_data=True)
    assert _content(fresh) == first
    assert _counts(fresh)["jobs"] == 0


def test_seed_has_the_spec_etfs_with_complete_allocations(fresh: PsycopgDriver) -> None:
    reset(fresh)
    instruments = Instruments(fresh).all()
    assert len(instruments) == len(SEED_INSTRUMENTS) >= 22
    assert {i.symbol for i in instruments} >= SPEC_SYMBOLS
    for instrument in instruments:
        assert instrument.current_price and instrument.instrument_type and instrument.name
        for allocation in (
            instrument.allocation_asset_class,
            instrument.allocation_regions,
            instrument.allocation_sectors,
        ):
            assert allocation is not None
            assert sum(allocation.values()) == pytest.approx(100, abs=0.01), instrument.symbol


def test_test_user_has_three_accounts_and_something_to_tag(fresh: PsycopgDriver) -> None:
    reset(fresh, with_test_data=True)
    accounts = Accounts(fresh).for_user(TEST_USER_ID)
    assert sorted(a.account_type for a in accounts) == ["401k", "roth_ira", "taxable"]
    positions = Positions(fresh).for_user(TEST_USER_ID)
    assert {p.account_id for p in positions} == {a.id for a in accounts}
    held = sorted({p.symbol for p in positions})
    untagged = Instruments(fresh).untagged(held)
    assert untagged, "the demo portfolio must give the tagger work"
    assert not set(untagged) & {i.symbol for i in SEED_INSTRUMENTS}


def test_seeding_again_keeps_the_users_changes(fresh: PsycopgDriver) -> None:
    migrate(fresh)
    seed_instruments(fresh)
    assert seed_test_data(fresh) is True
    Users(fresh).update(TEST_USER_ID, UserUpdate(display_name="Changed"))
    assert seed_test_data(fresh) is False
    assert seed_instruments(fresh) == len(SEED_INSTRUMENTS)
    assert Users(fresh).get(TEST_USER_ID).display_name == "Changed"
    assert len(Accounts(fresh).for_user(TEST_USER_ID)) == 3


def test_migrations_and_seed_run_the_same_through_the_data_api(
    fresh: PsycopgDriver, fresh_database_url: str
) -> None:
    """The deploy applies migrations through the Data API: one statement per call."""
    reset(fresh, with_test_data=True)
    expected = _content(fresh)
    fresh.execute("DROP SCHEMA public CASCADE")
    fresh.execute("CREATE SCHEMA public")
    standin = StandInDataApi(fresh_database_url)
    reset(DataApiDriver(CLUSTER_ARN, SECRET_ARN, "alex", standin), with_test_data=True)
    assert _content(fresh) == expected
    sent = [request["sql"] for op, request in standin.calls if op == "ExecuteStatement"]
    assert any(sql.startswith("CREATE TABLE jobs") for sql in sent)


OLD_CHART = {"title": "Assets", "description": "Mostly stocks.", "type": "pie", "data": []}


def _old_shape_job(db: PsycopgDriver) -> Job:
    """A job as 0001's code stored it: what wrote each result, and its notice, in the payload."""
    Users(db).get_or_create(UserCreate(clerk_user_id="user_old"))
    jobs = Jobs(db)
    job = jobs.create("user_old", JobCreate())
    offline = {"generated_by": "offline", "notice": "Written offline."}
    jobs.store_payload("user_old", job.id, "report", {"markdown": "# Report", **offline})
    jobs.store_payload("user_old", job.id, "charts", {"asset_allocation": OLD_CHART, **offline})
    jobs.store_payload(
        "user_old", job.id, "retirement", {"narrative": "Fine.", "generated_by": "bedrock/claude"}
    )
    return jobs.store_payload("user_old", job.id, "summary", {"generated_by": {"report": "x"}})


def test_provenance_moves_from_old_payloads_onto_their_steps_once(
    fresh: PsycopgDriver, fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, provenance = available()[:2]
    assert provenance.version == 2
    with monkeypatch.context() as patched:
        patched.setattr("shared.db.migrate.available", lambda: [first])
        migrate(fresh)
    job = _old_shape_job(fresh)
    # An empty portfolio's charts, as 0001's charter stored them.
    Users(fresh).get_or_create(UserCreate(clerk_user_id="user_empty"))
    empty = Jobs(fresh).create("user_empty", JobCreate())
    Jobs(fresh).store_payload(
        "user_empty", empty.id, "charts", {"generated_by": "none", "notice": "Nothing to chart."}
    )

    assert [m.version for m in migrate(fresh)] == [m.version for m in available()[1:]]

    moved = Jobs(fresh).get("user_old", job.id)
    assert moved.report_payload == {"markdown": "# Report"}
    assert moved.charts_payload == {"asset_allocation": OLD_CHART}
    assert moved.retirement_payload == {"narrative": "Fine."}
    assert moved.summary_payload == {"generated_by": {"report": "x"}}, "the summary is content"
    labels = {name: (s.generated_by, s.notice) for name, s in moved.steps.items()}
    assert labels == {
        "start": (None, None),
        "tagging": (None, None),
        "report": ("offline", "Written offline."),
        "charts": ("offline", "Written offline."),
        "retirement": ("bedrock/claude", None),
        "finalize": (None, None),
    }
    assert moved.steps["report"].status == job.steps["report"].status == "pending"
    nothing = Jobs(fresh).get("user_empty", empty.id)
    assert nothing.charts_payload == {}
    assert (nothing.steps["charts"].generated_by, nothing.steps["charts"].notice) == (
        "none",
        "Nothing to chart.",
    )

    # Again, through the Data API as the deploy runs it: nothing left to move, nothing changes.
    rows = fresh.fetch_all("SELECT * FROM jobs ORDER BY id")
    data_api = DataApiDriver(CLUSTER_ARN, SECRET_ARN, "alex", StandInDataApi(fresh_database_url))
    with data_api.transaction() as tx:
        changed = [tx.execute(statement) for statement in split_statements(provenance.sql)]
    assert changed == [0, 0, 0]
    assert fresh.fetch_all("SELECT * FROM jobs ORDER BY id") == rows


def test_prices_stored_before_sources_become_seed_prices_with_an_as_of_time(
    fresh: PsycopgDriver, fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    *before, sources = available()[:3]
    assert sources.version == 3
    with monkeypatch.context() as patched:
        patched.setattr("shared.db.migrate.available", lambda: before)
        migrate(fresh)
    fresh.execute(
        "INSERT INTO instruments (symbol, name, current_price) VALUES ('OLD', 'Old', 12.5),"
        " ('NEW', 'New', NULL)"
    )
    assert [m.version for m in migrate(fresh)] == [m.version for m in available()[2:]]
    rows = {r["symbol"]: r for r in fresh.fetch_all("SELECT * FROM instruments")}
    assert rows["OLD"]["price_source"] == "seed" and rows["OLD"]["price_as_of"] is not None
    assert (rows["NEW"]["price_source"], rows["NEW"]["price_as_of"]) == (None, None)

    # Again, through the Data API as the deploy runs it: every statement accepted, nothing changes.
    data_api = DataApiDriver(CLUSTER_ARN, SECRET_ARN, "alex", StandInDataApi(fresh_database_url))
    with data_api.transaction() as tx:
        for statement in split_statements(sources.sql):
            tx.execute(statement)
    again = {r["symbol"]: r for r in fresh.fetch_all("SELECT * FROM instruments")}
    assert again["OLD"]["price_as_of"] == rows["OLD"]["price_as_of"]
