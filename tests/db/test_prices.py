"""Prices: every stored price has a source and an as-of time; a user's own price values only
their own positions, only while no source prices the symbol; bad prices are refused."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from shared.db import Accounts, Database, Instruments, Positions, UserPrices, Users
from shared.db.instruments import Quote
from shared.errors import ConstraintViolation, NotFound
from shared.portfolio import load_portfolio
from shared.schemas import (
    SEED_PRICES_AS_OF,
    AccountCreate,
    InstrumentCreate,
    PositionCreate,
    UserCreate,
    UserPriceSet,
)


@pytest.fixture
def holders(db: Database) -> Database:
    """user_a and user_b both hold TSLA, which no source prices, and SPY, seed-priced."""
    Instruments(db).upsert(InstrumentCreate(symbol="SPY", name="SPY", current_price=Decimal("500")))
    Instruments(db).ensure("TSLA")
    for user_id in ("user_a", "user_b"):
        Users(db).get_or_create(UserCreate(clerk_user_id=user_id))
        account = Accounts(db).create(
            user_id, AccountCreate(account_name="Taxable", account_type="taxable")
        )
        for symbol in ("SPY", "TSLA"):
            Positions(db).create(
                user_id, PositionCreate(account_id=account.id, symbol=symbol, quantity=Decimal(2))
            )
    return db


def test_a_stored_price_carries_its_source_and_as_of_time(holders: Database) -> None:
    spy = Instruments(holders).get("SPY")
    assert spy.price_source == "seed"
    assert spy.price_as_of is not None
    assert Instruments(holders).get("TSLA").price_source is None


def test_a_price_without_its_source_cannot_be_stored(holders: Database) -> None:
    with pytest.raises(ConstraintViolation) as refused:
        holders.execute("UPDATE instruments SET price_source = NULL WHERE symbol = 'SPY'")
    assert refused.value.constraint == "instruments_price_provenance"


def test_a_users_price_values_only_their_own_positions(holders: Database) -> None:
    UserPrices(holders).set("user_a", "TSLA", UserPriceSet(price=Decimal("250")))
    mine = load_portfolio(holders, "user_a").valuation
    theirs = load_portfolio(holders, "user_b").valuation
    tsla = next(h for h in mine.holdings if h.symbol == "TSLA")
    assert (tsla.value, tsla.price_source) == (Decimal("500.00"), "user")
    assert mine.user_priced == ("TSLA",) and mine.unpriced == ()
    assert theirs.unpriced == ("TSLA",) and theirs.total == Decimal("1000.00")


def test_a_user_may_price_only_a_symbol_they_hold(holders: Database) -> None:
    Instruments(holders).ensure("GME")
    with pytest.raises(NotFound, match="you hold no GME"):
        UserPrices(holders).set("user_a", "GME", UserPriceSet(price=Decimal("20")))
    assert UserPrices(holders).for_user("user_a") == []


def test_a_source_price_supersedes_the_users_and_they_see_which(holders: Database) -> None:
    UserPrices(holders).set("user_a", "TSLA", UserPriceSet(price=Decimal("250")))
    now = datetime.now(UTC)
    changed = Instruments(holders).set_prices([Quote("TSLA", Decimal("300"), now)], "massive")
    assert changed == 1
    tsla = next(
        h for h in load_portfolio(holders, "user_a").valuation.holdings if h.symbol == "TSLA"
    )
    assert (tsla.price, tsla.price_source) == (Decimal("300"), "massive")
    assert tsla.superseded_user_price == Decimal("250")


def test_an_older_quote_does_not_replace_a_newer_one_but_replaces_a_seed_price(
    holders: Database,
) -> None:
    friday = datetime.now(UTC) - timedelta(days=1)
    # A seed price is as of when it was stored, not when the market traded at it.
    assert Instruments(holders).set_prices([Quote("SPY", Decimal("510"), friday)], "massive") == 1
    older = Quote("SPY", Decimal("1"), friday - timedelta(days=1))
    assert Instruments(holders).set_prices([older], "massive") == 0
    assert Instruments(holders).get("SPY").current_price == Decimal("510")


@pytest.mark.parametrize(
    "price", ["0", "-5", "NaN", "Infinity", "10000001", "1e12", "abc"], ids=str
)
def test_bad_prices_are_refused_with_the_field_named(price: str) -> None:
    with pytest.raises(ValidationError) as refused:
        UserPriceSet.model_validate({"price": price})
    assert [error["loc"] for error in refused.value.errors()] == [("price",)]


def test_a_price_as_of_a_future_day_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        UserPriceSet(price=Decimal(10), as_of_date=date.today() + timedelta(days=7))
    assert refused.value.errors()[0]["loc"] == ("as_of_date",)


def test_the_database_refuses_a_bad_price_even_past_the_schema(holders: Database) -> None:
    with pytest.raises(ConstraintViolation):
        holders.execute(
            "INSERT INTO user_prices (clerk_user_id, symbol, price, as_of_date)"
            " VALUES ('user_a', 'TSLA', 0, current_date)"
        )


def test_a_stale_price_is_flagged(holders: Database) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=30)
    holders.execute(
        "UPDATE instruments SET price_as_of = :when WHERE symbol = 'SPY'", {"when": long_ago}
    )
    valuation = load_portfolio(holders, "user_a").valuation
    assert valuation.stale == ("SPY",)
    assert next(h for h in valuation.holdings if h.symbol == "SPY").stale


def test_reseeding_neither_hides_a_quote_nor_freshens_a_sample_price(holders: Database) -> None:
    # As migration 0003 dated the prices stored before it: when the row last changed.
    holders.execute("UPDATE instruments SET price_as_of = now() WHERE symbol = 'SPY'")
    Instruments(holders).ensure("QQQ")
    quoted_at = datetime.now(UTC) - timedelta(hours=3)
    Instruments(holders).set_prices([Quote("QQQ", Decimal("480"), quoted_at)], "massive")

    Instruments(holders).upsert(
        InstrumentCreate(symbol="SPY", name="SPY", current_price=Decimal("500"))
    )
    Instruments(holders).upsert(
        InstrumentCreate(symbol="QQQ", name="QQQ", current_price=Decimal("1"))
    )

    spy = Instruments(holders).get("SPY")
    assert (spy.price_source, spy.price_as_of) == ("seed", SEED_PRICES_AS_OF)
    qqq = Instruments(holders).get("QQQ")
    assert (qqq.current_price, qqq.price_source, qqq.price_as_of) == (
        Decimal("480"),
        "massive",
        quoted_at,
    )


def test_a_sample_price_is_as_of_the_day_it_was_written_down_and_shows_its_age(
    holders: Database,
) -> None:
    assert Instruments(holders).get("SPY").price_as_of == SEED_PRICES_AS_OF
    spy = next(h for h in load_portfolio(holders, "user_a").valuation.holdings if h.symbol == "SPY")
    assert (spy.price_source, spy.price_as_of, spy.stale) == ("seed", SEED_PRICES_AS_OF, True)
