"""Limits: every list comes a bounded page at a time, following a cursor; a user's accounts and
positions are capped with a 409 that says the limit; the instrument search is bounded."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.db.accounts import MAX_ACCOUNTS_PER_USER
from shared.db.pages import MAX_PAGE_SIZE
from shared.db.positions import MAX_POSITIONS_PER_USER
from shared.db.psycopg_driver import PsycopgDriver
from tests.api.conftest import Token, error_of


def every_page(client: TestClient, auth: Token, path: str, limit: int) -> list[list[Any]]:
    pages, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = client.get(path, params=params, headers=auth())
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"items", "next_cursor"}
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def new_account(client: TestClient, auth: Token, name: str) -> dict[str, Any]:
    response = client.post(
        "/api/accounts", headers=auth(), json={"account_name": name, "account_type": "taxable"}
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_accounts_come_a_page_at_a_time_each_once(client: TestClient, auth: Token) -> None:
    created = [new_account(client, auth, f"Account {i}")["id"] for i in range(7)]

    pages = every_page(client, auth, "/api/accounts", limit=3)

    assert [len(page) for page in pages] == [3, 3, 1]
    assert [a["id"] for page in pages for a in page] == created


def test_positions_come_a_page_at_a_time_by_symbol(client: TestClient, auth: Token) -> None:
    account = new_account(client, auth, "Brokerage")
    symbols = ["VTI", "BND", "GLD", "AAPL", "QQQ"]
    for symbol in symbols:
        client.post(
            "/api/positions",
            headers=auth(),
            json={"account_id": account["id"], "symbol": symbol, "quantity": 1},
        )

    pages = every_page(client, auth, f"/api/accounts/{account['id']}/positions", limit=2)

    assert [p["symbol"] for page in pages for p in page] == sorted(symbols)
    assert [len(page) for page in pages] == [2, 2, 1]


def test_jobs_come_newest_first_a_page_at_a_time(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    client.get("/api/user", headers=auth())
    for day in range(1, 6):
        pg.execute(
            "INSERT INTO jobs (clerk_user_id, status, created_at)"
            " VALUES ('user_alice', 'completed', :at)",
            {"at": f"2026-01-0{day}T00:00:00Z"},
        )

    pages = every_page(client, auth, "/api/jobs", limit=2)

    days = [job["created_at"][:10] for page in pages for job in page]
    assert days == [f"2026-01-0{day}" for day in range(5, 0, -1)]


@pytest.mark.parametrize(
    "path", ["/api/accounts", "/api/jobs", "/api/instruments", "/api/accounts/{id}/positions"]
)
def test_a_page_is_bounded(client: TestClient, auth: Token, path: str) -> None:
    account = new_account(client, auth, "Bounded")
    path = path.format(id=account["id"])
    too_many = client.get(path, params={"limit": MAX_PAGE_SIZE + 1}, headers=auth())
    assert too_many.status_code == 422
    assert error_of(too_many)["details"][0]["field"] == "limit"
    assert client.get(path, params={"limit": MAX_PAGE_SIZE}, headers=auth()).status_code == 200


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "W10",  # []
        "WyJ4IiwgInkiXQ",  # ["x", "y"]
        "WyIyMDI2LTAxLTAxIiwgIm5vdC1hLXV1aWQiXQ",  # ["2026-01-01", "not-a-uuid"]
        "WzEsIDJd",  # [1, 2]
        "WyIyMDIwLTAxLTAxVDAwOjAwOjAwIiwgNV0",  # ["2020-01-01T00:00:00", 5]
        "WyIyMDIwLTAxLTAxVDAwOjAwOjAwIiwgW11d",  # ["2020-01-01T00:00:00", []]
        "x" * 201,
    ],
)
@pytest.mark.parametrize("path", ["/api/accounts", "/api/jobs", "/api/accounts/{id}/positions"])
def test_a_cursor_this_api_did_not_give_is_refused_naming_it(
    client: TestClient, auth: Token, path: str, cursor: str
) -> None:
    account = new_account(client, auth, "Cursor")
    response = client.get(path.format(id=account["id"]), params={"cursor": cursor}, headers=auth())
    assert response.status_code == 422, response.text
    (problem,) = error_of(response)["details"]
    assert (problem["field"], problem["location"]) == ("cursor", "query")


def test_accounts_are_capped_saying_the_limit(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    client.get("/api/user", headers=auth())
    pg.execute(
        "INSERT INTO accounts (clerk_user_id, account_name, account_type)"
        " SELECT 'user_alice', 'Account ' || n, 'taxable' FROM generate_series(1, :n) AS n",
        {"n": MAX_ACCOUNTS_PER_USER - 1},
    )
    new_account(client, auth, "The last one")

    refused = client.post(
        "/api/accounts", headers=auth(), json={"account_name": "One more", "account_type": "hsa"}
    )

    assert refused.status_code == 409
    error = error_of(refused)
    assert error["code"] == "limit_reached"
    assert f"{MAX_ACCOUNTS_PER_USER} accounts" in error["message"]
    count = pg.fetch_one("SELECT count(*) AS n FROM accounts")
    assert count is not None and count["n"] == MAX_ACCOUNTS_PER_USER
    # Another user is not affected.
    assert new_account(client, lambda: auth("user_bob"), "Bob's")["account_name"] == "Bob's"


def test_positions_are_capped_saying_the_limit(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    account = new_account(client, auth, "Full")
    pg.execute(
        "INSERT INTO instruments (symbol, name)"
        " SELECT 'S' || n, 'Stock ' || n FROM generate_series(1, :n) AS n",
        {"n": MAX_POSITIONS_PER_USER},
    )
    pg.execute(
        "INSERT INTO positions (account_id, symbol, quantity)"
        " SELECT :account, 'S' || n, 1 FROM generate_series(1, :n) AS n",
        {"account": account["id"], "n": MAX_POSITIONS_PER_USER},
    )

    refused = client.post(
        "/api/positions",
        headers=auth(),
        json={"account_id": account["id"], "symbol": "VTI", "quantity": 1},
    )

    assert refused.status_code == 409
    error = error_of(refused)
    assert error["code"] == "limit_reached"
    assert f"{MAX_POSITIONS_PER_USER} positions" in error["message"]


def test_the_instrument_search_is_bounded(client: TestClient, auth: Token) -> None:
    listed = client.get("/api/instruments", params={"limit": MAX_PAGE_SIZE}, headers=auth())
    assert listed.status_code == 200 and len(listed.json()) <= MAX_PAGE_SIZE
    too_long = client.get("/api/instruments", params={"q": "x" * 101}, headers=auth())
    assert too_long.status_code == 422
    assert error_of(too_long)["details"][0]["field"] == "q"
