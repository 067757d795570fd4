from collections import defaultdict
from decimal import Decimal
from typing import get_args

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.analytics import Drift, measure_drift, plan_rebalance
from shared.schemas import Account, AssetClass, Instrument, Position, Region, RegionTarget
from tests.analytics.helpers import (
    BND,
    GLD,
    UNTAGGED,
    VTI,
    VXUS,
    account,
    apply_plan,
    position,
    valued,
)
from tests.analytics.strategies import allocation, portfolios

NORTH_AMERICA_ONLY: dict[RegionTarget, float] = {"north_america": 100}


def drifts(found: tuple[Drift, ...]) -> dict[str, str]:
    return {d.key: str(d.drift) for d in found}


def test_drift_is_actual_minus_target_with_international_pooled() -> None:
    taxable = account("Taxable", cash="1000")
    valuation = valued(
        [taxable],
        [position(taxable, "VTI", "24"), position(taxable, "VXUS", "50")],  # 6,000 + 3,000
        [VTI, VXUS],
    )
    found = measure_drift(
        valuation, {"equity": 70, "fixed_income": 30}, {"north_america": 50, "international": 50}
    )
    # Asset classes over 10,000: equity 90 - 70, fixed income 0 - 30, cash 10 - 0.
    # Regions over the 9,000 invested: North America 66.7 - 50, international 33.3 - 50.
    assert drifts(found) == {
        "equity": "20.0",
        "fixed_income": "-30.0",
        "cash": "10.0",
        "north_america": "16.7",
        "international": "-16.7",
    }
    assert {d.key: d.base for d in found} == {
        "equity": "total",
        "fixed_income": "total",
        "cash": "total",
        "north_america": "invested",
        "international": "invested",
    }
    assert all(d.outside_band for d in found)


def test_portfolio_within_band_needs_no_trades() -> None:
    taxable = account("Taxable")
    valuation = valued(
        [taxable], [position(taxable, "VTI", "11"), position(taxable, "BND", "15")], [VTI, BND]
    )  # 2,750 / 1,125: 70.97% equity
    plan = plan_rebalance(valuation, {"equity": 70, "fixed_income": 30}, NORTH_AMERICA_ONLY)
    assert plan.within_band_before and plan.within_band_after
    assert plan.trades == ()


def test_overweight_equity_is_sold_into_bonds() -> None:
    taxable = account("Taxable")
    valuation = valued(
        [taxable], [position(taxable, "VTI", "32"), position(taxable, "BND", "40")], [VTI, BND]
    )  # 8,000 equity + 3,000 bonds = 11,000: equity 72.7% against 50%
    plan = plan_rebalance(valuation, {"equity": 50, "fixed_income": 50}, NORTH_AMERICA_ONLY)
    sell, buy = plan.trades
    # Back to target: 5,500 each, so sell 8,000 - 5,500 = 2,500 of VTI (10 shares at $250) and
    # buy 2,500 of BND (33.33333333 shares at $75, rounded down).
    assert (sell.action, sell.symbol, buy.action, buy.symbol) == ("sell", "VTI", "buy", "BND")
    assert sell.amount == buy.amount == Decimal("2500.00")
    assert (sell.quantity, buy.quantity) == (Decimal("10"), Decimal("33.33333333"))
    assert plan.within_band_after and not plan.within_band_before


def test_cash_is_spent_before_anything_is_sold() -> None:
    taxable = account("Taxable", cash="2000")
    valuation = valued(
        [taxable], [position(taxable, "VTI", "28"), position(taxable, "BND", "13.3333")], [VTI, BND]
    )  # 7,000 equity, ~1,000 bonds, 2,000 cash
    plan = plan_rebalance(valuation, {"equity": 70, "fixed_income": 30}, NORTH_AMERICA_ONLY)
    assert [(t.action, t.symbol) for t in plan.trades] == [("buy", "BND")]
    assert plan.trades[0].amount <= Decimal("2000")
    assert plan.within_band_after


def test_region_drift_is_fixed_with_an_instrument_held_in_another_account() -> None:
    taxable, roth = account("Taxable"), account("Roth IRA", "roth_ira")
    valuation = valued(
        [taxable, roth],
        [position(taxable, "VTI", "40"), position(roth, "VXUS", "1")],  # 10,000 NA, 60 intl
        [VTI, VXUS],
    )
    plan = plan_rebalance(valuation, {"equity": 100}, {"north_america": 50, "international": 50})
    assert {(t.account_name, t.action, t.symbol) for t in plan.trades} == {
        ("Taxable", "sell", "VTI"),
        ("Taxable", "buy", "VXUS"),
    }
    assert plan.within_band_after


def test_trade_below_the_minimum_is_not_proposed() -> None:
    taxable = account("Taxable")
    valuation = valued(
        [taxable], [position(taxable, "VTI", "3"), position(taxable, "BND", "2")], [VTI, BND]
    )  # 750 + 150 = 900: equity 83.3% against 75%; the fix is about $30
    plan = plan_rebalance(valuation, {"equity": 75, "fixed_income": 25}, NORTH_AMERICA_ONLY)
    assert plan.trades == ()
    assert not plan.within_band_after
    assert any("Equity stays 8.3 points over target" in note for note in plan.notes)


def test_no_trade_pushes_another_drift_past_where_it_started() -> None:
    taxable = account("Taxable")
    valuation = valued(
        [taxable], [position(taxable, "VTI", "20"), position(taxable, "GLD", "25")], [VTI, GLD]
    )  # 5,000 equity, 5,000 commodities; no instrument held offers bonds
    plan = plan_rebalance(valuation, {"equity": 50, "fixed_income": 50}, NORTH_AMERICA_ONLY)
    # Selling gold for VTI would lower commodities but push equity past its target.
    assert plan.trades == ()
    assert any("Fixed income stays 50.0 points under" in note for note in plan.notes)


def test_unclassified_holding_is_never_traded_and_is_named() -> None:
    taxable = account("Taxable")
    valuation = valued(
        [taxable],
        [position(taxable, "VTI", "40"), position(taxable, "XYZ", "5000")],
        [VTI, UNTAGGED],
    )
    plan = plan_rebalance(valuation, {"equity": 50, "fixed_income": 50}, NORTH_AMERICA_ONLY)
    assert all(t.symbol != "XYZ" for t in plan.trades)
    assert any(note.startswith("XYZ: no allocation data") for note in plan.notes)


def test_selling_a_whole_holding_sells_exactly_the_quantity_held() -> None:
    taxable = account("Taxable")
    valuation = valued(
        [taxable],
        [position(taxable, "GLD", "3.12345678"), position(taxable, "BND", "100")],
        [GLD, BND],
    )
    plan = plan_rebalance(valuation, {"fixed_income": 100}, NORTH_AMERICA_ONLY)
    sell = next(t for t in plan.trades if t.action == "sell")
    assert sell.quantity == Decimal("3.12345678")
    assert sell.amount == Decimal("624.69")  # 3.12345678 * 200, to the cent


@st.composite
def targets(draw: st.DrawFn) -> tuple[dict[AssetClass, float], dict[RegionTarget, float]]:
    asset_classes = draw(allocation(get_args(AssetClass)))
    if draw(st.booleans()):
        home = draw(st.integers(0, 100))
        return asset_classes, {"north_america": home, "international": 100 - home}
    regions: dict[Region, float] = draw(allocation(get_args(Region)))
    return asset_classes, dict(regions)  # type: ignore[arg-type]  # Region is within RegionTarget


@settings(max_examples=120, deadline=None)
@given(portfolios(priced=True), targets())
def test_plan_never_oversells_and_moves_every_drift_toward_target(
    portfolio: tuple[list[Account], list[Position], list[Instrument]],
    goal: tuple[dict[AssetClass, float], dict[RegionTarget, float]],
) -> None:
    accounts, positions, instruments = portfolio
    valuation = valued(accounts, positions, instruments)
    plan = plan_rebalance(valuation, *goal)

    held = {(h.account_id, h.symbol): h for h in valuation.holdings}
    spent: dict[object, Decimal] = defaultdict(Decimal)
    for trade in plan.trades:
        assert trade.amount >= Decimal("100")
        sign = 1 if trade.action == "buy" else -1
        spent[trade.account_id] += sign * trade.amount
        if trade.action == "sell":
            holding = held[(trade.account_id, trade.symbol)]
            assert trade.quantity <= holding.quantity
            assert holding.value is not None and trade.amount <= holding.value
    for holder in accounts:
        assert spent[holder.id] <= holder.cash_balance  # buys are paid for by cash and sales

    before = {d.key: d.drift for d in measure_drift(valuation, *goal)}
    after_accounts, after_positions = apply_plan(accounts, positions, plan)
    after = measure_drift(valued(after_accounts, after_positions, instruments), *goal)
    slack = Decimal("0.02")  # trades are rounded down to the cent and the share
    for drift in after:
        start = before.get(drift.key, Decimal(0))
        assert abs(drift.drift) <= abs(start) + slack, drift.key
        assert drift.drift * start >= -slack * abs(start) or abs(drift.drift) <= slack, drift.key
