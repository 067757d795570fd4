"""The reporter: a markdown report written from tools over the analytics, and its figure check.

Numbers come from code, words from the model: each tool returns computed figures as JSON and
records its output on the run's `ReportContext`; `validate_report` then refuses a report that
cites a dollar amount or percentage no tool returned this run.

Figures match after normalisation: "$12,345.67", "$12345.67" and 12345.67 are one figure, as are
"45.2%", "45.2 percent" and 45.2. A cited figure may be a tool's figure rounded to the precision
written ("$12,346" or "45%"), to whole thousands ("$123,000", "$123k") or, with a suffix, to the
digits written ("$1.2 million"). A percentage may also be a tool's fraction times 100 (a tool's
0.025 is 2.5%). Signs are ignored ("-3.2%" and "3.2%" cite the same drift), and numbers inside
the tools' text (their notes) count as returned.
"""

import json
import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from agents import Agent, RunContextWrapper
from pydantic import BaseModel

from functions.reporter.templates import INSTRUCTIONS, SECTIONS, offline_report
from runtime.agents import tool
from runtime.model_factory import OFFLINE_NOTICE, OfflineModel
from shared.analytics import (
    Breakdown,
    PortfolioBreakdowns,
    RetirementInputs,
    YearBand,
    all_breakdowns,
    plan_rebalance,
    project_retirement,
    retirement_inputs,
    risk_indicators,
)
from shared.analytics.taxonomy import display_name
from shared.portfolio import Portfolio

MIN_SECTION_WORDS = 8


@dataclass
class ReportContext:
    """One run's portfolio, and every tool output the model was given (the validator's figures)."""

    portfolio: Portfolio
    outputs: list[str] = field(default_factory=list)

    @cached_property
    def breakdowns(self) -> PortfolioBreakdowns:
        return all_breakdowns(self.portfolio.valuation)

    def record(self, result: dict[str, Any]) -> str:
        output = json.dumps(result)
        self.outputs.append(output)
        return output


def _slices(breakdown: Breakdown) -> list[dict[str, Any]]:
    return [s.model_dump(mode="json", exclude={"key"}) for s in breakdown.slices]


# --- Tools -------------------------------------------------------------------------------------


@tool
def get_profile(context: RunContextWrapper[ReportContext]) -> str:
    """The person's plan: name, age, years to retirement, target retirement income (a year, in
    today's dollars), yearly contribution and their asset-class and region targets (percent)."""
    user = context.context.portfolio.user
    return context.context.record(
        {
            "name": user.display_name,
            "age": user.current_age,
            "years_until_retirement": user.years_until_retirement,
            "retirement_age": None
            if user.current_age is None
            else user.current_age + user.years_until_retirement,
            "target_retirement_income": float(user.target_retirement_income),
            "annual_contribution": float(user.annual_contribution),
            "asset_class_targets": user.asset_class_targets,
            "region_targets": user.region_targets,
        }
    )


@tool
def get_portfolio_summary(context: RunContextWrapper[ReportContext]) -> str:
    """The portfolio at market value: total, invested and cash dollars; each account with its
    type, cash, holdings, total and share of the portfolio (percent) and cash interest rate
    (percent a year); value per account type; symbols held without a price (not valued) and
    without allocation data (unclassified)."""
    portfolio = context.context.portfolio
    valuation = portfolio.valuation
    shares = {s.key: s.percentage for s in context.context.breakdowns.account.slices}
    interest = {a.id: a.cash_interest for a in portfolio.accounts}
    return context.context.record(
        {
            "total_value": float(valuation.total),
            "invested": float(valuation.invested),
            "cash": float(valuation.cash),
            "holdings_count": len({h.symbol for h in valuation.holdings}),
            "accounts": [
                {
                    "name": a.account_name,
                    "type": display_name(a.account_type),
                    "cash": float(a.cash),
                    "holdings": float(a.holdings),
                    "total": float(a.total),
                    "percentage": float(shares.get(str(a.account_id), 0)),
                    "cash_interest_percent": float(interest[a.account_id] * 100),
                }
                for a in valuation.accounts
            ],
            "account_types": _slices(context.context.breakdowns.account_type),
            "unpriced_symbols": list(valuation.unpriced),
            "unclassified_symbols": list(valuation.unclassified),
        }
    )


@tool
def get_breakdowns(context: RunContextWrapper[ReportContext]) -> str:
    """Where the money is: dollars and percent of the total by asset class, region and sector
    (funds looked through; cash and unclassified value as rows of their own), and the top
    holdings by symbol across accounts."""
    breakdowns = context.context.breakdowns
    return context.context.record(
        {
            "total": float(breakdowns.asset_class.total),
            "asset_class": _slices(breakdowns.asset_class),
            "region": _slices(breakdowns.region),
            "sector": _slices(breakdowns.sector),
            "top_holdings": _slices(breakdowns.top_holdings),
        }
    )


@tool
def get_drift_and_rebalancing(context: RunContextWrapper[ReportContext]) -> str:
    """Drift from the person's asset-class and region targets (actual and target percent, drift
    in points, whether outside the tolerance band), before and after a plan of trades within
    each account that brings drift back within the band, the trades themselves (account, buy or
    sell, symbol, dollars, shares, price), the total traded, and notes on what the plan could
    not do."""
    portfolio = context.context.portfolio
    plan = plan_rebalance(
        portfolio.valuation,
        portfolio.user.asset_class_targets,
        portfolio.user.region_targets,
    )
    result = plan.model_dump(mode="json", exclude={"trades": {"__all__": {"account_id"}}})
    result["total_traded"] = float(sum((t.amount for t in plan.trades), Decimal(0)))
    return context.context.record(result)


@tool
def get_risk_indicators(context: RunContextWrapper[ReportContext]) -> str:
    """Concentration and risk over invested value: the largest holding and its weight (percent),
    the Herfindahl index and effective number of holdings, value in single stocks versus funds,
    and North America's share against its share of global equity markets (home bias, points)."""
    return context.context.record(
        risk_indicators(context.context.portfolio.valuation).model_dump(mode="json")
    )


@tool
def get_retirement_outlook(
    context: RunContextWrapper[ReportContext],
    annual_contribution: float | None = None,
    years_until_retirement: int | None = None,
) -> str:
    """A Monte Carlo projection of the portfolio to and through retirement, in today's dollars:
    the chance the target income is paid in full every year (percent), the income paid in full
    in nine markets out of ten, the balance at retirement and at the end (10th, 50th and 90th
    percentiles), the age money runs out where it does, and the expected return and volatility
    assumed for each asset class held (percent a year).

    Args:
        annual_contribution: Dollars added each year until retirement, to show the effect of a
            change; leave null for the person's own contribution.
        years_until_retirement: Years until retirement, to show the effect of retiring earlier
            or later; leave null for the person's own plan.
    """
    portfolio = context.context.portfolio
    # The analytics' default paths and seed: the same figures as the retirement step's projection.
    changes: dict[str, Any] = {}
    if annual_contribution is not None:
        changes["annual_contribution"] = max(annual_contribution, 0.0)
    if years_until_retirement is not None:
        changes["years_until_retirement"] = min(max(years_until_retirement, 0), 80)
    own = retirement_inputs(portfolio.user, portfolio.valuation)
    inputs = RetirementInputs.model_validate({**own.model_dump(), **changes})
    projection = project_retirement(inputs)
    at_retirement = projection.bands[projection.years_until_retirement]
    at_end = projection.bands[-1]

    def band(year: YearBand) -> dict[str, float]:
        return {p: round(getattr(year, p)) for p in ("p10", "p50", "p90")}

    return context.context.record(
        {
            "paths": projection.paths,
            "current_value": inputs.current_value,
            "annual_contribution": inputs.annual_contribution,
            "years_until_retirement": projection.years_until_retirement,
            "retirement_age": projection.retirement_age,
            "retirement_years": projection.retirement_years,
            "target_income": projection.target_income,
            "inflation_percent": round(inputs.inflation * 100, 2),
            "success_probability_percent": round(projection.success_probability * 100, 1),
            "sustainable_income": projection.sustainable_income,
            "median_depletion_age": projection.median_depletion_age,
            "balance_at_retirement": band(at_retirement),
            "balance_at_end": {"age": at_end.age, **band(at_end)},
            "asset_class_weights_percent": {k: round(v, 1) for k, v in projection.weights.items()},
            "assumptions_percent": {
                name: {
                    "expected_return": round(c.expected_return * 100, 2),
                    "volatility": round(c.volatility * 100, 2),
                }
                for name, c in inputs.assumptions.classes.items()
                if name in projection.weights
            },
            "notes": list(projection.notes),
        }
    )


TOOLS = [
    get_profile,
    get_portfolio_summary,
    get_breakdowns,
    get_drift_and_rebalancing,
    get_risk_indicators,
    get_retirement_outlook,
]

reporter = Agent[ReportContext](name="Reporter", instructions=INSTRUCTIONS, tools=list(TOOLS))


def offline_model() -> OfflineModel:
    """Every tool once, with the person's own plan, then the plain templated report."""
    return OfflineModel(
        calls=[(tool.name, {}) for tool in TOOLS],
        writer=lambda results: offline_report(results, OFFLINE_NOTICE),
    )


# --- Validation --------------------------------------------------------------------------------


class Report(BaseModel):
    markdown: str
    sections: list[str]


_FENCE = re.compile(r"^```(?:markdown|md)?\s*\n(.*)\n```\s*$", re.DOTALL)
_HEADING = re.compile(r"^##[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_SCALES = {"k": 3, "thousand": 3, "m": 6, "mn": 6, "million": 6, "b": 9, "bn": 9, "billion": 9}
_DOLLARS = re.compile(
    rf"\$\s?({_NUMBER})(?:\s?(k|thousand|mn|million|m|bn|billion|b)\b)?", re.IGNORECASE
)
# "45.2%", "45.2 percent", and both ends of a range such as "60-70%" or "60 to 70%".
_PERCENTS = re.compile(
    rf"({_NUMBER})(?:\s?(?:-|\u2013|to)\s?({_NUMBER}))?\s?(?:%|per ?cent\b)", re.IGNORECASE
)


@dataclass(frozen=True)
class Cited:
    """A figure as written: its value, and the unit it was rounded to."""

    text: str
    value: Decimal
    quantum: Decimal


def validate_report(text: Any, outputs: Sequence[str]) -> Report:
    """The report if its headings, content and figures are sound; ValueError saying what is not."""
    if not isinstance(text, str):
        raise ValueError("answer with the markdown report as text")
    markdown = text.strip()
    fenced = _FENCE.match(markdown)
    if fenced:
        markdown = fenced.group(1).strip()
    headings = [h.strip() for h in _HEADING.findall(markdown)]
    if [h.casefold() for h in headings] != [s.casefold() for s in SECTIONS]:
        raise ValueError(
            f"the report's '##' headings must be exactly, in this order: {', '.join(SECTIONS)}"
            f" (found: {', '.join(headings) or 'none'})"
        )
    bodies = _HEADING.split(markdown)[2::2]
    thin = [h for h, body in zip(SECTIONS, bodies, strict=True) if _words(body) < MIN_SECTION_WORDS]
    if thin:
        raise ValueError(
            f"these sections need real content (a few sentences each): {', '.join(thin)}"
        )
    known = sorted(_tool_figures(outputs))
    cited = list(_cited_figures(markdown))
    if not cited:
        raise ValueError("the report cites no figures: call the tools and cite their figures")
    unknown = [c.text for c in cited if not _matches(c, known)]
    if unknown:
        raise ValueError(
            "these figures are not among the tools' results: "
            f"{', '.join(list(dict.fromkeys(unknown))[:12])}. Cite only figures the tools returned"
            " (rounding is fine), or describe them in words"
        )
    return Report(markdown=markdown, sections=list(SECTIONS))


def _words(body: str) -> int:
    return len(re.findall(r"[A-Za-z0-9$%]+", body))


def _cited_figures(markdown: str) -> Iterator[Cited]:
    for match in _DOLLARS.finditer(markdown):
        scale = _SCALES.get((match.group(2) or "").lower(), 0)
        yield _cited(match.group(0), match.group(1), scale, thousands=True)
    for match in _PERCENTS.finditer(markdown):
        for number in filter(None, match.group(1, 2)):
            yield _cited(match.group(0), number, 0, thousands=False)


def _cited(text: str, number: str, scale: int, *, thousands: bool) -> Cited:
    digits = number.replace(",", "")
    value = Decimal(digits).scaleb(scale)
    decimals = len(digits.partition(".")[2])
    quantum = Decimal(1).scaleb(scale - decimals)
    if thousands and not scale and not decimals and value and value % 1000 == 0:
        quantum = Decimal(1000)  # "$123,000" may be a figure rounded to whole thousands
    return Cited(text.strip(), value, quantum)


def _matches(cited: Cited, known: Sequence[Decimal]) -> bool:
    """Whether some tool figure rounds to the cited one at the precision it was written."""
    half = cited.quantum / 2
    start = bisect_left(known, cited.value - half)
    return start < len(known) and known[start] <= cited.value + half


def _tool_figures(outputs: Sequence[str]) -> set[Decimal]:
    figures: set[Decimal] = set()
    for output in outputs:
        for number in _numbers(json.loads(output)):
            figures.add(abs(number))
            if abs(number) <= 1:
                figures.add(abs(number) * 100)  # a fraction cited as a percentage
    return figures


def _numbers(value: Any, key: str = "") -> Iterator[Decimal]:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        yield Decimal(str(value))
    elif isinstance(value, str) and not (key == "id" or key.endswith("_id")):
        for number in re.findall(_NUMBER, value):
            yield Decimal(number.replace(",", ""))
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _numbers(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item, key)
