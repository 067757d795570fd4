"""Nothing of another user's can be read or changed: every route taking an id answers 404 for
another user's id, exactly as for an id that does not exist, and changes nothing."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.db import Accounts, Instruments, Jobs, Positions, Users
from shared.db.psycopg_driver import PsycopgDriver
from shared.schemas import AccountCreate, InstrumentCreate, JobCreate, PositionCreate, UserCreate
from tests.api.conftest import Token, error_of

OWNER = "user_owner"


def snapshot(pg: PsycopgDriver) -> list[list[dict[str, Any]]]:
    return [
        pg.fetch_all(f"SELECT * FROM {table} ORDER BY 1")
        for table in ("users", "accounts", "positions", "jobs", "instruments")
    ]


@pytest.fixture
def owned(pg: PsycopgDriver) -> dict[str, str]:
    """The owner's account, position and failed job (each route's id)."""
    Users(pg).get_or_create(UserCreate(clerk_user_id=OWNER))
    Instruments(pg).upsert(InstrumentCreate(symbol="SPY", name="SPDR S&P 500"))
    account = Accounts(pg).create(OWNER, AccountCreate(account_name="Mine", account_type="taxable"))
    position = Positions(pg).create(
        OWNER, PositionCreate(account_id=account.id, symbol="SPY", quantity=1)
    )
    jobs = Jobs(pg)
    job = jobs.create(OWNER, JobCreate())
    jobs.set_execution(OWNER, job.id, f"arn:aws:states:us-east-1:0:execution:Analysis:{job.id}")
    jobs.set_status(OWNER, job.id, "running")
    jobs.set_status(OWNER, job.id, "failed", error="Crash", cause="boom")
    return {"account": str(account.id), "position": str(position.id), "job": str(job.id)}


ROUTES = [
    ("PUT", "/api/accounts/{account}", {"account_name": "Stolen"}),
    ("DELETE", "/api/accounts/{account}", None),
    ("GET", "/api/accounts/{account}/positions", None),
    ("POST", "/api/positions", {"account_id": "{account}", "symbol": "NEWSYM", "quantity": 5}),
    ("PUT", "/api/positions/{position}", {"quantity": 99}),
    ("DELETE", "/api/positions/{position}", None),
    ("GET", "/api/jobs/{job}", None),
    ("POST", "/api/jobs/{job}/redrive", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_another_users_id_is_not_found_and_nothing_changes(
    client: TestClient,
    auth: Token,
    pg: PsycopgDriver,
    owned: dict[str, str],
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    client.get("/api/user", headers=auth("user_intruder"))  # the intruder exists too
    before = snapshot(pg)
    json = {k: v.format(**owned) if isinstance(v, str) else v for k, v in (body or {}).items()}

    response = client.request(
        method, path.format(**owned), headers=auth("user_intruder"), json=json or None
    )

    assert response.status_code == 404, response.text
    assert error_of(response)["code"] == "not_found"
    assert snapshot(pg) == before


def test_lists_show_only_the_callers_own(
    client: TestClient, auth: Token, owned: dict[str, str]
) -> None:
    assert client.get("/api/accounts", headers=auth("user_intruder")).json()["items"] == []
    assert client.get("/api/jobs", headers=auth("user_intruder")).json()["items"] == []
    assert [a["id"] for a in client.get("/api/accounts", headers=auth(OWNER)).json()["items"]] == [
        owned["account"]
    ]
