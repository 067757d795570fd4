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

from shared.analytics.breakdowns import by_region, by_sector
from shared.analytics.prose import dollars, percent, points
from shared.analytics.rebalancing import DriftBase, RebalancePlan
from shared.analytics.results import Result
from shared.analytics.risk import RiskIndicators
from shared.analytics.rounding import apportion, percentages, to_cents
from shared.analytics.taxonomy import CASH, UNCLASSIFIED
from shared.analytics.valuation import Valuation

AllocationDimension = Literal["asset_class", "region", "sector"]


def base_words(base: DriftBase, unclassified: bool) -> str:
    """How prose names a base, as the SPA's `baseWords` does: "of holdings and cash", or "of
    classified holdings and cash" while some holdings are `unclassified` (so in no share)."""
    holdings = "classified holdings" if unclassified else "holdings"
    return f"of {holdings} and cash" if base == "total" else f"of {holdings}"


class AllocationRow(Result):
    dimension: AllocationDimension
    key: str
    label: str
    actual_pct: float = Field(description="Share of `base`, %, one decimal.")
    target_pct: float | None = Field(description="The user's target, % of the same base.")
    drift_pct: float | None = Field(description="actual_pct - target_pct, points.")
    outside_band: bool | None = Field(
        description="The drift is beyond the plan's band, so trades correct it (no target: None)."
    )
    base: DriftBase
    covers: tuple[str, ...] = Field(
        default=(),
        description="For 'international': the regions held that it counts, largest first.",
    )


class Bases(Result):
    """What each base is, in whole dollars apportioned so that they add up: invested + cash is
    total, and total + unclassified the portfolio's value, each as the page shows it."""

    invested: int = Field(description="Classified holdings.")
    cash: int
    total: int = Field(description="Classified holdings plus cash.")
    unclassified: int = Field(description="Holdings without allocation data: in no share.")


class TradeRow(Result):
    account_name: str | None
    symbol: str
    action: Literal["buy", "sell"]
    amount: int = Field(description="Whole dollars.")


class ReportAnalysis(Result):
    allocation: tuple[AllocationRow, ...]
    band: float = Field(description="Drift within this many points of a target needs no trade.")
    bases: Bases
    trades: tuple[TradeRow, ...]
    findings: tuple[str, ...] = Field(description="The main findings, 2 to 4 sentences.")


def report_analysis(
    valuation: Valuation, plan: RebalancePlan, risk: RiskIndicators
) -> ReportAnalysis:
    classified = valuation.invested - valuation.unclassified_value
    invested, cash, unclassified = apportion(
        [classified, valuation.cash, valuation.unclassified_value], whole_dollars(valuation.total)
    )
    bases = Bases(invested=invested, cash=cash, total=invested + cash, unclassified=unclassified)
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
        allocation=(*_drift_rows(valuation, plan), *_sector_rows(valuation)),
        band=plan.band,
        bases=bases,
        trades=trades,
        findings=tuple(_findings(valuation, plan, risk, trades)),
    )


def whole_dollars(amount: Decimal) -> int:
    """Rounded as `prose.dollars` rounds it, so a sentence and the table show the same amount."""
    return round(float(amount))


def _drift_rows(valuation: Valuation, plan: RebalancePlan) -> list[AllocationRow]:
    # A target of "international" counts every region outside North America: name them, so
    # the row adds up with the region chart's slices (Global, a gold fund's, included).
    abroad = tuple(
        s.name
        for s in by_region(valuation).slices
        if s.key not in ("north_america", CASH, UNCLASSIFIED) and s.value > 0
    )
    return [
        AllocationRow(
            dimension=d.dimension,
            key=d.key,
            label=d.name,
            actual_pct=float(d.actual),
            target_pct=float(d.target),
            drift_pct=float(d.drift),
            outside_band=d.outside_band,
            base=d.base,
            covers=abroad if d.key == "international" else (),
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
            outside_band=None,
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
                f"{worst.name} is {percent(worst.actual)}"
                f" {base_words(worst.base, valuation.unclassified_value > 0)} against a"
                f" target of {percent(worst.target)}: {points(worst.drift)} {side}, the largest"
                " drift from your targets."
            )
        else:
            findings.append(f"Every share is within {plan.band:g} points of its target.")
    if trades:
        sold = sum(t.amount for t in trades if t.action == "sell")
        bought = sum(t.amount for t in trades if t.action == "buy")
        moves = " and ".join(
            f"{word} {dollars(amount)}"
            for word, amount in (("sell", sold), ("buy", bought))
            if amount
        )
        # Whatever buys and sales do not match is cash: say so, so the two add up.
        rest = (
            f", {dollars(bought - sold)} of it from cash"
            if sold and bought > sold
            else f", keeping {dollars(sold - bought)} as cash"
            if sold > bought
            else ""
        )
        findings.append(
            f"{len(trades)} trade{'s' if len(trades) != 1 else ''} within your accounts"
            f" ({moves}{rest}) bring the allocation back toward its targets."
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
