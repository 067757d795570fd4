"""Prices over HTTP: the portfolio valued with each price's source and date, a user's own price
for a symbol no source prices (theirs alone, bad ones refused with the field named), and an
analysis of a portfolio with nothing valued refused with what to do."""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from local.api_server import local_app
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import seed_instruments
from shared.schemas import SEED_PRICES_AS_OF
from tests.api.conftest import Token, api_settings, error_of


def _holding(client: TestClient, headers: dict[str, str], symbol: str, cash: float = 0) -> Any:
    account = client.post(
        "/api/accounts",
        headers=headers,
        json={"account_name": "Taxable", "account_type": "taxable", "cash_balance": cash},
    ).json()
    created = client.post(
        "/api/positions",
        headers=headers,
        json={"account_id": account["id"], "symbol": symbol, "quantity": 10},
    )
    assert created.status_code == 201, created.text
    return account


def test_an_empty_portfolio_cannot_be_analysed_and_says_what_to_do(
    client: TestClient, auth: Token
) -> None:
    refused = client.post("/api/analyze", headers=auth())
    assert refused.status_code == 409
    assert error_of(refused)["code"] == "nothing_to_analyze"
    assert "add an account" in error_of(refused)["message"]
    assert client.get("/api/jobs", headers=auth()).json()["items"] == [], "no job was created"
    portfolio = client.get("/api/portfolio", headers=auth()).json()
    assert portfolio["analyzable"] is False and "add an account" in portfolio["reason"]


def test_an_all_unpriced_portfolio_is_refused_until_the_user_prices_it(
    client: TestClient, auth: Token
) -> None:
    _holding(client, auth(), "TSLA")
    refused = client.post("/api/analyze", headers=auth())
    assert refused.status_code == 409
    assert "TSLA has no price" in error_of(refused)["message"]

    entered = client.put("/api/prices/tsla", headers=auth(), json={"price": 250.5})
    assert entered.status_code == 200, entered.text
    assert entered.json()["used"] is True
    assert entered.json()["note"] == "Your price values your TSLA: no source prices it."
    portfolio = client.get("/api/portfolio", headers=auth()).json()
    (tsla,) = portfolio["valuation"]["holdings"]
    assert (tsla["value"], tsla["price_source"]) == (2505.0, "user")
    assert portfolio["analyzable"] is True and portfolio["reason"] is None
    assert portfolio["gaps"] == [
        "$2,505 (100.0% of the portfolio's value) is in holdings not yet classified (TSLA):"
        " it is shown as Unclassified, and drift against the targets is measured without it.",
        "Valued at prices you entered (no source prices them): TSLA.",
    ]
    # Now it starts (and fails only because the workflow here is unreachable).
    assert client.post("/api/analyze", headers=auth()).status_code == 503


def test_an_all_unpriced_portfolio_with_cash_is_refused_and_names_what_to_price(
    client: TestClient, auth: Token
) -> None:
    # Cash alone is no portfolio to measure against targets: the holdings' value is unknown.
    _holding(client, auth(), "TSLA", cash=100)
    refused = client.post("/api/analyze", headers=auth())
    assert refused.status_code == 409
    assert error_of(refused)["code"] == "nothing_to_analyze"
    assert "Enter a price for TSLA" in error_of(refused)["message"]
    portfolio = client.get("/api/portfolio", headers=auth()).json()
    assert portfolio["analyzable"] is False and "TSLA" in portfolio["reason"]
    assert client.get("/api/jobs", headers=auth()).json()["items"] == [], "no job was created"


def test_a_users_price_values_nobody_elses_positions(client: TestClient, auth: Token) -> None:
    alice, bob = auth("user_alice"), auth("user_bob")
    _holding(client, alice, "TSLA")
    _holding(client, bob, "TSLA", cash=100)
    assert client.put("/api/prices/TSLA", headers=alice, json={"price": 250}).status_code == 200
    bobs = client.get("/api/portfolio", headers=bob).json()
    assert bobs["valuation"]["unpriced"] == ["TSLA"] and bobs["valuation"]["total"] == 100.0
    assert "1 of 1 holdings (100.0% by count) have no price (TSLA)" in bobs["gaps"][0]
    assert client.get("/api/prices", headers=bob).json() == []


def test_only_a_held_symbol_can_be_priced(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    seed_instruments(pg)
    response = client.put("/api/prices/SPY", headers=auth(), json={"price": 1})
    assert response.status_code == 404
    assert "you hold no SPY" in error_of(response)["message"]


def test_bad_prices_are_refused_with_the_field_named(client: TestClient, auth: Token) -> None:
    _holding(client, auth(), "TSLA")
    for bad in (0, -1, "NaN", "Infinity", 1e9, "twelve"):
        response = client.put("/api/prices/TSLA", headers=auth(), json={"price": bad})
        assert response.status_code == 422, bad
        assert [d["field"] for d in error_of(response)["details"]] == ["price"], bad
    future = client.put(
        "/api/prices/TSLA", headers=auth(), json={"price": 1, "as_of_date": "2999-01-01"}
    )
    assert future.status_code == 422
    assert [d["field"] for d in error_of(future)["details"]] == ["as_of_date"]
    assert client.get("/api/prices", headers=auth()).json() == []


def test_a_seed_price_shows_its_fixed_sample_date_and_supersedes_what_is_entered(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    seed_instruments(pg)
    _holding(client, auth(), "SPY")
    (spy,) = client.get("/api/portfolio", headers=auth()).json()["valuation"]["holdings"]
    assert (spy["price_source"], spy["price_as_of"], spy["stale"]) == (
        "seed",
        SEED_PRICES_AS_OF.isoformat().replace("+00:00", "Z"),
        True,
    )
    entered = client.put("/api/prices/SPY", headers=auth(), json={"price": 1}).json()
    assert (entered["price"], entered["used"]) == (1.0, False)
    assert entered["note"] == (
        "Your price is saved but not used: SPY has a sample price shipped with Alex (not a"
        f" quote), ${spy['price']:,.2f} as of {SEED_PRICES_AS_OF:%Y-%m-%d}, and a source's price"
        " takes precedence over yours. Yours values your SPY only while no source prices it."
    )
    (spy,) = client.get("/api/portfolio", headers=auth()).json()["valuation"]["holdings"]
    assert (spy["price_source"], spy["superseded_user_price"]) == ("seed", 1.0)


@pytest.mark.parametrize(("model", "classifies"), [("offline", False), ("ollama/llama3", True)])
def test_the_portfolio_says_whether_the_next_analysis_can_classify(
    pg: PsycopgDriver,
    issuer_dir: Path,
    migrated_url: str,
    auth: Token,
    model: str,
    classifies: bool,
) -> None:
    app = local_app(api_settings(issuer_dir, migrated_url, ALEX_MODEL=model), db=pg)
    with TestClient(app) as client:
        answer = client.get("/api/portfolio", headers=auth())
        assert answer.json().get("classifies") is classifies, answer.text
