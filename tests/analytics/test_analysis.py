from decimal import Decimal

import pytest

from shared.analytics import (
    RebalancePlan,
    Valuation,
    measure_drift,
    plan_rebalance,
    risk_indicators,
)
from shared.analytics.analysis import ReportAnalysis, base_words, report_analysis
from shared.analytics.breakdowns import by_region
from shared.analytics.prose import dollars, percent, points, whole
from tests.analytics.helpers import (
    BND,
    GLD,
    UNTAGGED,
    VTI,
    VXUS,
    account,
    instrument,
    position,
    valued,
)

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


def test_bases_in_whole_dollars_add_up_as_the_page_shows_them() -> None:
    # Each base rounded alone would read $1 + $1 + $1 = $4: apportioned, they add up to $3.
    taxable = account("Taxable", cash="1.40")
    cheap = instrument("CHEAP", "1.40", {"equity": 100})
    odd = instrument("ODD", "1.40", kind=None)
    valuation = valued(
        [taxable], [position(taxable, "CHEAP", "1"), position(taxable, "ODD", "1")], [cheap, odd]
    )
    plan = plan_rebalance(valuation, *TARGETS)
    bases = report_analysis(valuation, plan, risk_indicators(valuation)).bases
    assert dollars(valuation.total) == "$4"
    assert bases.invested + bases.cash == bases.total
    assert bases.total + bases.unclassified == 4
    assert all(isinstance(v, int) for v in (bases.invested, bases.cash, bases.unclassified))


def test_rows_say_whether_their_drift_is_beyond_the_band() -> None:
    _, plan, analysis = analysed()
    assert analysis.band == plan.band == 5.0
    rows = {(r.dimension, r.key): r for r in analysis.allocation}
    for drift in plan.before:
        assert rows[(drift.dimension, drift.key)].outside_band is drift.outside_band
    assert all(r.outside_band is None for r in analysis.allocation if r.dimension == "sector")


def test_international_names_every_region_it_counts_as_the_region_chart_does() -> None:
    taxable = account("Taxable")
    valuation = valued(
        [taxable],
        [
            position(taxable, "VTI", "4"),
            position(taxable, "VXUS", "10"),
            position(taxable, "GLD", "1"),
        ],
        [VTI, VXUS, GLD],
    )  # 1,000 North America, 600 VXUS (Europe, Asia-Pacific), 200 GLD (Global)
    plan = plan_rebalance(valuation, *TARGETS)
    rows = {
        r.key: r for r in report_analysis(valuation, plan, risk_indicators(valuation)).allocation
    }
    abroad = [s for s in by_region(valuation).slices if s.key != "north_america"]
    assert rows["international"].covers == tuple(s.name for s in abroad)
    assert "Global" in rows["international"].covers
    # The row is the sum of the chart's slices it names: 800 of 1,800.
    assert rows["international"].actual_pct == round(100 * 800 / 1_800, 1)
    assert rows["north_america"].covers == ()


def test_base_words_say_classified_only_while_something_is_not() -> None:
    assert base_words("total", unclassified=True) == "of classified holdings and cash"
    assert base_words("invested", unclassified=True) == "of classified holdings"
    assert base_words("total", unclassified=False) == "of holdings and cash"
    assert base_words("invested", unclassified=False) == "of holdings"


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
    assert analysis.findings[0].startswith(
        f"{worst.name} is {percent(worst.actual)} of classified holdings"
    )
    assert f"{points(worst.drift)} " in analysis.findings[0]
    # What is sold and what is bought, each summed (one total would read as money moved twice).
    sold = sum(t.amount for t in analysis.trades if t.action == "sell")
    bought = sum(t.amount for t in analysis.trades if t.action == "buy")
    assert sold and bought > sold  # cash pays for the rest, as the finding says
    said = (
        f"sell {dollars(sold)} and buy {dollars(bought)}, {dollars(bought - sold)} of it from cash"
    )
    assert any(f"within your accounts ({said})" in finding for finding in analysis.findings)
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
