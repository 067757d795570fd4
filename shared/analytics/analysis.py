"""The report's structured parts, as data: allocation against target, the bases of its shares,
the rebalancing trades in whole dollars and the main findings in a few sentences.

Every share here is of one of two bases, named on each row, and both leave out value without
allocation data (its class, region and sector are unknown; `unclassified` says how much):
- "total": classified holdings plus cash: the base of asset-class shares (cash is a class);
- "invested": classified holdings: the base of region and sector shares (cash has neither).
Asset-class and region rows are the rebalancing plan's own drift (`rebalancing.Drift`), so the
table, the trades and the prose agree; sector rows have no target.
"""

from decimal import Decimal
from typing import Literal

from pydantic import Field

from shared.analytics.breakdowns import by_sector
from shared.analytics.prose import dollars, percent, points
from shared.analytics.rebalancing import DriftBase, RebalancePlan
from shared.analytics.results import Dollars, Result
from shared.analytics.risk import RiskIndicators
from shared.analytics.rounding import percentages, to_cents
from shared.analytics.taxonomy import CASH, UNCLASSIFIED
from shared.analytics.valuation import Valuation

AllocationDimension = Literal["asset_class", "region", "sector"]
# How prose names each base, as the SPA labels it.
BASE_WORDS: dict[DriftBase, str] = {"total": "of total incl. cash", "invested": "of invested"}


class AllocationRow(Result):
    dimension: AllocationDimension
    key: str
    label: str
    actual_pct: float = Field(description="Share of `base`, %, one decimal.")
    target_pct: float | None = Field(description="The user's target, % of the same base.")
    drift_pct: float | None = Field(description="actual_pct - target_pct, points.")
    base: DriftBase


class Bases(Result):
    """What each base is, in dollars; total + unclassified is the portfolio's value."""

    invested: Dollars = Field(description="Classified holdings.")
    cash: Dollars
    total: Dollars = Field(description="Classified holdings plus cash.")
    unclassified: Dollars = Field(description="Holdings without allocation data: in no share.")


class TradeRow(Result):
    account_name: str | None
    symbol: str
    action: Literal["buy", "sell"]
    amount: int = Field(description="Whole dollars.")


class ReportAnalysis(Result):
    allocation: tuple[AllocationRow, ...]
    bases: Bases
    trades: tuple[TradeRow, ...]
    findings: tuple[str, ...] = Field(description="The main findings, 2 to 4 sentences.")


def report_analysis(
    valuation: Valuation, plan: RebalancePlan, risk: RiskIndicators
) -> ReportAnalysis:
    invested = valuation.invested - valuation.unclassified_value
    bases = Bases(
        invested=invested,
        cash=valuation.cash,
        total=invested + valuation.cash,
        unclassified=valuation.unclassified_value,
    )
    trades = tuple(
        TradeRow(
            account_name=t.account_name,
            symbol=t.symbol,
            action=t.action,
            amount=whole_dollars(t.amount),
        )
        for t in plan.trades
    )
    return ReportAnalysis(
        allocation=(*_drift_rows(plan), *_sector_rows(valuation)),
        bases=bases,
        trades=trades,
        findings=tuple(_findings(valuation, plan, risk, trades)),
    )


def whole_dollars(amount: Decimal) -> int:
    """Rounded as `prose.dollars` rounds it, so a sentence and the table show the same amount."""
    return round(float(amount))


def _drift_rows(plan: RebalancePlan) -> list[AllocationRow]:
    return [
        AllocationRow(
            dimension=d.dimension,
            key=d.key,
            label=d.name,
            actual_pct=float(d.actual),
            target_pct=float(d.target),
            drift_pct=float(d.drift),
            base=d.base,
        )
        for d in plan.before
    ]


def _sector_rows(valuation: Valuation) -> list[AllocationRow]:
    """Sectors as shares of classified holdings: the breakdown without its cash and
    unclassified rows, apportioned again so the shares sum to 100.0."""
    slices = [s for s in by_sector(valuation).slices if s.key not in (CASH, UNCLASSIFIED)]
    shares = percentages([to_cents(s.value) for s in slices])
    return [
        AllocationRow(
            dimension="sector",
            key=s.key,
            label=s.name,
            actual_pct=float(share),
            target_pct=None,
            drift_pct=None,
            base="invested",
        )
        for s, share in zip(slices, shares, strict=True)
    ]


def _findings(
    valuation: Valuation,
    plan: RebalancePlan,
    risk: RiskIndicators,
    trades: tuple[TradeRow, ...],
) -> list[str]:
    findings = []
    if plan.before:
        worst = max(plan.before, key=lambda d: (abs(d.drift), d.dimension == "asset_class"))
        if worst.outside_band:
            side = "over" if worst.drift > 0 else "under"
            findings.append(
                f"{worst.name} is {percent(worst.actual)} {BASE_WORDS[worst.base]} against a"
                f" target of {percent(worst.target)}: {points(worst.drift)} {side}, the largest"
                " drift from your targets."
            )
        else:
            findings.append(f"Every share is within {plan.band:g} points of its target.")
    if trades:
        total = sum(t.amount for t in trades)
        findings.append(
            f"{len(trades)} trade{'s' if len(trades) != 1 else ''} within your accounts,"
            f" {dollars(total)} in all, bring the allocation back toward its targets."
        )
    elif not plan.within_band_before:
        findings.append(
            "No trade within one account moves the allocation closer to its targets without"
            " pushing another share further off."
        )
    if risk.largest_holding:
        findings.append(
            f"{risk.largest_holding} is your largest holding:"
            f" {percent(risk.largest_holding_weight)} of all your holdings, which are worth"
            f" {dollars(risk.invested)} together."
        )
    if valuation.unclassified:
        one = len(valuation.unclassified) == 1
        findings.append(
            f"{', '.join(valuation.unclassified)} ({dollars(valuation.unclassified_value)})"
            f" {'has' if one else 'have'} no allocation data yet, so the allocation shares leave"
            f" {'it' if one else 'them'} out."
        )
    return findings[:4]
