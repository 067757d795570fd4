"""The reporter: a markdown report written from tools over the analytics, and its checks.

Numbers come from code, words from the model: each tool returns computed figures as JSON and
records its output on the run's `ReportContext`; `validate_report` then refuses a report whose
sections are missing or thin, or that cites a number no tool returned this run
(`runtime.figures` holds the rules).
"""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from agents import Agent, RunContextWrapper
from pydantic import BaseModel

from functions.reporter.templates import INSTRUCTIONS, SECTIONS, offline_report
from runtime.agents import tool
from runtime.figures import cited_figures, unreturned
from runtime.model_factory import OfflineModel
from shared.analytics import (
    Breakdown,
    PortfolioBreakdowns,
    RebalancePlan,
    RetirementInputs,
    RiskIndicators,
    YearBand,
    all_breakdowns,
    coverage_gaps,
    plan_rebalance,
    project_retirement,
    retirement_inputs,
    risk_indicators,
)
from shared.analytics.analysis import ReportAnalysis, base_words, report_analysis
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

    @cached_property
    def plan(self) -> RebalancePlan:
        user = self.portfolio.user
        return plan_rebalance(
            self.portfolio.valuation, user.asset_class_targets, user.region_targets
        )

    @cached_property
    def risk(self) -> RiskIndicators:
        return risk_indicators(self.portfolio.valuation)

    @cached_property
    def analysis(self) -> ReportAnalysis:
        """The report's structured parts, from the same analytics as the tools' figures."""
        return report_analysis(self.portfolio.valuation, self.plan, self.risk)

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
    """The portfolio at market value: total, invested and cash dollars; how many accounts and
    symbols are held; each account with its type, cash, holdings, total and share of the
    portfolio (percent) and cash interest rate (percent a year); value per account type; symbols
    held without a price (not valued: the person must enter a price first) and priced ones
    without allocation data (unclassified); each symbol's price with its source ('seed':
    approximate sample price, 'massive': market data, 'user': entered by the user) and as-of
    date, and whether it is stale; and `gaps`, the sentences saying what this analysis could
    not see, to repeat in the report."""
    portfolio = context.context.portfolio
    valuation = portfolio.valuation
    shares = {s.key: s.percentage for s in context.context.breakdowns.account.slices}
    interest = {a.id: a.cash_interest for a in portfolio.accounts}
    unpriced = set(valuation.unpriced)
    return context.context.record(
        {
            "total_value": float(valuation.total),
            "invested": float(valuation.invested),
            "cash": float(valuation.cash),
            "account_count": len(valuation.accounts),
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
            # A symbol without a price needs one before its classification matters.
            "unclassified_symbols": [s for s in valuation.unclassified if s not in unpriced],
            "prices": [
                {
                    "symbol": symbol,
                    "price": float(h.price) if h.price is not None else None,
                    "source": h.price_source,
                    "as_of": h.price_as_of.date().isoformat() if h.price_as_of else None,
                    "stale": h.stale,
                }
                for symbol, h in sorted({h.symbol: h for h in valuation.holdings}.items())
            ],
            "gaps": coverage_gaps(valuation),
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
    sell, symbol, dollars, shares, price), the total traded, notes on what the plan could
    not do, and `base_words`: how to name each drift row's `base` after its percentage."""
    plan = context.context.plan
    result = plan.model_dump(mode="json", exclude={"trades": {"__all__": {"account_id"}}})
    result["total_traded"] = float(sum((t.amount for t in plan.trades), Decimal(0)))
    unclassified = context.context.portfolio.valuation.unclassified_value > 0
    result["base_words"] = {
        "total": base_words("total", unclassified),
        "invested": base_words("invested", unclassified),
    }
    return context.context.record(result)


@tool
def get_risk_indicators(context: RunContextWrapper[ReportContext]) -> str:
    """Concentration and risk over invested value: the largest holding and its weight (percent),
    the Herfindahl index and effective number of holdings, value in single stocks versus funds,
    and North America's share against its share of global equity markets (home bias, points)."""
    return context.context.record(context.context.risk.model_dump(mode="json"))


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
        writer=offline_report,
    )


# --- Validation --------------------------------------------------------------------------------


class Report(BaseModel):
    markdown: str
    sections: list[str]


_FENCE = re.compile(r"^```(?:markdown|md)?\s*\n(.*)\n```\s*$", re.DOTALL)
_HEADING = re.compile(r"^##[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


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
    if not cited_figures(markdown):
        raise ValueError("the report cites no figures: call the tools and cite their figures")
    unknown = unreturned(markdown, outputs)
    if unknown:
        raise ValueError(
            f"these figures are not among the tools' results: {', '.join(unknown[:12])}."
            " Cite only figures the tools returned (rounding is fine), or describe them in words"
        )
    return Report(markdown=markdown, sections=list(SECTIONS))


def _words(body: str) -> int:
    return len(re.findall(r"[A-Za-z0-9$%]+", body))
