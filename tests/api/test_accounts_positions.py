"""Accounts and positions through HTTP: the CRUD the SPA's accounts page uses."""

from typing import Any

from fastapi.testclient import TestClient

from shared.db import Instruments
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import seed_instruments
from tests.api.conftest import Token, error_of


def create_account(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"account_name": "Roth IRA", "account_type": "roth_ira", **fields}
    response = client.post("/api/accounts", headers=headers, json=body)
    assert response.status_code == 201, response.text
    account: dict[str, Any] = response.json()
    return account


def test_accounts_are_created_listed_updated_and_deleted(client: TestClient, auth: Token) -> None:
    first = create_account(client, auth(), cash_balance=1500.25, cash_interest=0.045)
    second = create_account(client, auth(), account_name="401k", account_type="401k")
    assert (first["cash_balance"], first["cash_interest"]) == (1500.25, 0.045)

    listed = client.get("/api/accounts", headers=auth()).json()["items"]
    assert [a["id"] for a in listed] == [first["id"], second["id"]]

    updated = client.put(
        f"/api/accounts/{first['id']}", headers=auth(), json={"account_purpose": "Retirement"}
    )
    assert updated.status_code == 200
    assert updated.json()["account_purpose"] == "Retirement"
    assert updated.json()["account_name"] == "Roth IRA"

    deleted = client.delete(f"/api/accounts/{first['id']}", headers=auth())
    assert deleted.status_code == 204 and deleted.content == b""
    assert [a["id"] for a in client.get("/api/accounts", headers=auth()).json()["items"]] == [
        second["id"]
    ]
    gone = client.delete(f"/api/accounts/{first['id']}", headers=auth())
    assert gone.status_code == 404 and error_of(gone)["code"] == "not_found"


def test_deleting_an_account_deletes_its_positions(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    seed_instruments(pg)
    account = create_account(client, auth())
    client.post(
        "/api/positions",
        headers=auth(),
        json={"account_id": account["id"], "symbol": "VTI", "quantity": 3},
    )
    client.delete(f"/api/accounts/{account['id']}", headers=auth())
    assert pg.fetch_one("SELECT count(*) AS n FROM positions")["n"] == 0  # type: ignore[index]


def test_positions_are_created_listed_updated_and_deleted(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    seed_instruments(pg)
    account = create_account(client, auth())
    created = client.post(
        "/api/positions",
        headers=auth(),
        json={"account_id": account["id"], "symbol": "vti", "quantity": 10.5},
    )
    assert created.status_code == 201, created.text
    position = created.json()
    assert (position["symbol"], position["quantity"]) == ("VTI", 10.5)

    listed = client.get(f"/api/accounts/{account['id']}/positions", headers=auth()).json()["items"]
    assert [p["id"] for p in listed] == [position["id"]]

    updated = client.put(
        f"/api/positions/{position['id']}",
        headers=auth(),
        json={"quantity": 12.25, "as_of_date": "2026-01-02"},
    )
    assert updated.status_code == 200
    assert (updated.json()["quantity"], updated.json()["as_of_date"]) == (12.25, "2026-01-02")

    assert client.delete(f"/api/positions/{position['id']}", headers=auth()).status_code == 204
    positions = client.get(f"/api/accounts/{account['id']}/positions", headers=auth())
    assert positions.json() == {"items": [], "next_cursor": None}


def test_an_unknown_symbol_becomes_an_instrument_to_be_tagged(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    account = create_account(client, auth())
    response = client.post(
        "/api/positions",
        headers=auth(),
        json={"account_id": account["id"], "symbol": "NEWCO", "quantity": 1},
    )

    assert response.status_code == 201, response.text
    assert Instruments(pg).untagged(["NEWCO"]) == ["NEWCO"]


def test_holding_the_same_symbol_twice_is_a_conflict(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    seed_instruments(pg)
    account = create_account(client, auth())
    body = {"account_id": account["id"], "symbol": "SPY", "quantity": 1}
    client.post("/api/positions", headers=auth(), json=body)
    again = client.post("/api/positions", headers=auth(), json=body)

    assert again.status_code == 409
    assert "update that position instead" in error_of(again)["message"]


def test_a_quantity_that_is_not_positive_is_refused_naming_the_field(
    client: TestClient, auth: Token
) -> None:
    account = create_account(client, auth())
    response = client.post(
        "/api/positions",
        headers=auth(),
        json={"account_id": account["id"], "symbol": "SPY", "quantity": 0},
    )

    assert response.status_code == 422
    assert [d["field"] for d in error_of(response)["details"]] == ["quantity"]


def test_a_quantity_or_cash_past_what_can_be_stored_is_refused_naming_the_field(
    client: TestClient, auth: Token
) -> None:
    # The largest accepted (999,999,999,999.99999999 shares, $99,999,999,999,999.99 of cash) is
    # analysed like any other: tests/functions/test_retirement.py projects it.
    account = create_account(client, auth())
    too_many = client.post(
        "/api/positions",
        headers=auth(),
        json={"account_id": account["id"], "symbol": "SPY", "quantity": 1e12},
    )
    assert too_many.status_code == 422
    assert [d["field"] for d in error_of(too_many)["details"]] == ["quantity"]
    too_rich = client.put(
        f"/api/accounts/{account['id']}", headers=auth(), json={"cash_balance": 1e14}
    )
    assert too_rich.status_code == 422
    assert [d["field"] for d in error_of(too_rich)["details"]] == ["cash_balance"]


def test_instruments_are_searched_for_autocomplete(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    seed_instruments(pg)
    by_symbol = client.get("/api/instruments", params={"q": "vt"}, headers=auth()).json()
    assert by_symbol[0]["symbol"] in {"VTI", "VTV"}
    assert all(i["symbol"].startswith("VT") for i in by_symbol[:2])
    by_name = client.get("/api/instruments", params={"q": "gold"}, headers=auth()).json()
    assert "GLD" in [i["symbol"] for i in by_name]
    limited = client.get("/api/instruments", params={"limit": 5}, headers=auth()).json()
    assert len(limited) == 5
    assert client.get("/api/instruments", params={"q": "%_"}, headers=auth()).json() == []
