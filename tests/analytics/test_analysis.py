from decimal import Decimal

import pytest

from shared.analytics import (
    RebalancePlan,
    Valuation,
    measure_drift,
    plan_rebalance,
    risk_indicators,
)
from shared.analytics.analysis import ReportAnalysis, report_analysis
from shared.analytics.prose import dollars, percent, points, whole
from tests.analytics.helpers import BND, UNTAGGED, VTI, VXUS, account, position, valued

TARGETS = ({"equity": 50.0, "fixed_income": 50.0}, {"north_america": 60.0, "international": 40.0})


def demo() -> Valuation:
    taxable = account("Taxable", cash="1000")
    return valued(
        [taxable],
        [
            position(taxable, "VTI", "32"),  # 8,000
            position(taxable, "BND", "20"),  # 1,500
            position(taxable, "VXUS", "10"),  # 600
            position(taxable, "XYZ", "10"),  # 100, unclassified
        ],
        [VTI, BND, VXUS, UNTAGGED],
    )


def analysed() -> tuple[Valuation, RebalancePlan, ReportAnalysis]:
    valuation = demo()
    plan = plan_rebalance(valuation, *TARGETS)
    return valuation, plan, report_analysis(valuation, plan, risk_indicators(valuation))


def test_allocation_rows_are_the_drift_of_the_plan_on_named_bases() -> None:
    valuation, _, analysis = analysed()
    rows = {(r.dimension, r.key): r for r in analysis.allocation}
    for drift in measure_drift(valuation, *TARGETS):
        row = rows[(drift.dimension, drift.key)]
        assert (row.actual_pct, row.target_pct, row.drift_pct) == (
            float(drift.actual),
            float(drift.target),
            float(drift.drift),
        )
        assert row.base == ("total" if drift.dimension == "asset_class" else "invested")
        # The three figures of a row agree to the decimal shown.
        assert row.drift_pct == pytest.approx(row.actual_pct - row.target_pct, abs=1e-9)


def test_shares_agree_with_their_base_in_dollars() -> None:
    valuation, _, analysis = analysed()
    bases = analysis.bases
    classified = valuation.invested - valuation.unclassified_value
    assert (bases.invested, bases.cash, bases.total) == (
        classified,
        valuation.cash,
        classified + valuation.cash,
    )
    assert bases.unclassified == valuation.unclassified_value > 0
    assert bases.total + bases.unclassified == valuation.total
    rows = {(r.dimension, r.key): r for r in analysis.allocation}
    # Equity: VTI and VXUS, 8,600 of the 11,100 classified value incl. cash (not of 11,200).
    assert rows[("asset_class", "equity")].actual_pct == round(100 * 8_600 / 11_100, 1)
    # Cash is a share of the total base, and never of the invested base.
    assert rows[("asset_class", "cash")].actual_pct == round(100 * 1_000 / 11_100, 1)
    assert ("region", "cash") not in rows


def test_sector_shares_are_of_classified_holdings_and_sum_to_100() -> None:
    _, _, analysis = analysed()
    sectors = [r for r in analysis.allocation if r.dimension == "sector"]
    assert sectors and all(r.base == "invested" and r.target_pct is None for r in sectors)
    assert sum(Decimal(str(r.actual_pct)) for r in sectors) == Decimal("100.0")
    assert not {r.key for r in sectors} & {"cash", "unclassified"}


def test_trades_are_the_plans_in_whole_dollars() -> None:
    _, plan, analysis = analysed()
    assert plan.trades
    assert [(t.account_name, t.symbol, t.action) for t in analysis.trades] == [
        (t.account_name, t.symbol, t.action) for t in plan.trades
    ]
    for row, trade in zip(analysis.trades, plan.trades, strict=True):
        assert isinstance(row.amount, int)
        assert abs(row.amount - trade.amount) <= Decimal("0.5")
        assert dollars(trade.amount) == dollars(row.amount)


def test_findings_are_a_few_sentences_naming_their_bases() -> None:
    valuation, plan, analysis = analysed()
    assert 2 <= len(analysis.findings) <= 4
    worst = max(plan.before, key=lambda d: abs(d.drift))
    assert analysis.findings[0].startswith(f"{worst.name} is {percent(worst.actual)} of ")
    assert f"{points(worst.drift)} " in analysis.findings[0]
    total = sum(t.amount for t in analysis.trades)
    assert any(f"{dollars(total)} in all" in finding for finding in analysis.findings)
    assert analysis.findings[-1] == (
        f"XYZ ({dollars(valuation.unclassified_value)}) has no allocation data yet, so the"
        " allocation shares leave it out."
    )
    assert all(finding.endswith(".") for finding in analysis.findings)


def test_a_portfolio_on_target_says_so_and_trades_nothing() -> None:
    taxable = account("Taxable")
    valuation = valued(
        [taxable], [position(taxable, "VTI", "11"), position(taxable, "BND", "37")], [VTI, BND]
    )  # 2,750 / 2,775: 49.8% equity
    plan = plan_rebalance(valuation, {"equity": 50, "fixed_income": 50}, {"north_america": 100})
    analysis = report_analysis(valuation, plan, risk_indicators(valuation))
    assert analysis.trades == ()
    assert analysis.findings[0] == "Every share is within 5 points of its target."
    assert analysis.bases.unclassified == 0


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (dollars(Decimal("33605.64")), "$33,606"),
        (dollars(-1200.4), "-$1,200"),
        (dollars(0), "$0"),
        (percent(74.44), "74.4%"),
        (percent(Decimal("70")), "70.0%"),
        (points(-4.44), "4.4 points"),
        (whole(78.0), "78"),
        (whole(10000), "10,000"),
    ],
)
def test_prose_writes_one_precision_per_kind(written: str, expected: str) -> None:
    assert written == expected
