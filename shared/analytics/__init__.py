"""Alex's analytics core: every number the product shows, computed by plain Python and NumPy.

Inputs are the schemas' models (`Account`, `Position`, `Instrument`, `User`); results are frozen
Pydantic models that serialise to JSON for agent tools and the SPA. Nothing here knows about
Lambda, HTTP, the database or the Agents SDK, and nothing calls a language model.

Assumptions, in one place (each module's docstring says more):
- Valuation: a holding is worth quantity x its price, to the cent: its instrument's (from a
  source, with its as-of time) or, for a symbol no source prices, the price its owner entered.
  A holding without a price has no value, is counted in no total and is named in
  `Valuation.unpriced`; no price is ever made up. A price older than the threshold is flagged
  stale. Account cash is valued at face. `coverage_gaps` says, in one set of sentences, what
  an analysis could not see.
- Allocation: funds are looked through by their allocation maps, each scaled by its own sum.
  Value without allocation data is an explicit "Unclassified" share (symbols in
  `Valuation.unclassified`). Cash is the `cash` asset class and a "Cash" row of its own in region
  and sector breakdowns (cash has no sector; calling it North American would inflate home bias).
- Rounding: values to the cent and percentages to one decimal, both by largest remainder, so a
  breakdown's values sum to the portfolio total and its percentages to exactly 100.0.
- Charts: one colour-blind-safe palette (Okabe-Ito, then Paul Tol's muted); a category keeps its
  colour in every chart; a `Chart` whose percentages do not sum to 100.0 cannot be built.
- Rebalancing: drift against the user's asset-class and region targets, a +/-5 point band and a
  greedy plan within accounts, cash first, with a $100 minimum trade, that never sells more than
  is held and leaves every drift between where it started and its target (`rebalancing`).
- Risk: concentration over invested value (funds count as one holding); home bias against North
  America's ~65% of global equity markets.
- Retirement: a lognormal, correlated Monte Carlo with annual rebalancing, in today's dollars,
  from documented capital-market assumptions (`assumptions`); unclassified value is projected as
  equity and the result says so; the same seed gives the same result.
"""

import importlib
from typing import TYPE_CHECKING, Any

from shared.analytics.breakdowns import (
    Breakdown,
    PortfolioBreakdowns,
    Slice,
    all_breakdowns,
    by_account,
    by_account_type,
    by_asset_class,
    by_region,
    by_sector,
    top_holdings,
)
from shared.analytics.charts import (
    STANDARD_CHARTS,
    Chart,
    ChartKey,
    ChartPoint,
    standard_charts,
)
from shared.analytics.coverage import coverage_gaps
from shared.analytics.risk import RiskIndicators, risk_indicators
from shared.analytics.valuation import AccountValue, HoldingValue, Valuation, value_portfolio

# NumPy's modules load on first use: the API values portfolios (valuation, coverage) without
# NumPy, which its Lambda layer leaves out.
if TYPE_CHECKING:
    from shared.analytics.assumptions import (
        DEFAULT_ASSUMPTIONS,
        CapitalMarketAssumptions,
        ClassAssumption,
    )
    from shared.analytics.montecarlo import (
        RetirementInputs,
        RetirementProjection,
        YearBand,
        project_retirement,
        retirement_inputs,
    )
    from shared.analytics.rebalancing import (
        Drift,
        RebalancePlan,
        Trade,
        measure_drift,
        plan_rebalance,
    )

_LAZY: dict[str, str] = {
    "DEFAULT_ASSUMPTIONS": "assumptions",
    "CapitalMarketAssumptions": "assumptions",
    "ClassAssumption": "assumptions",
    "RetirementInputs": "montecarlo",
    "RetirementProjection": "montecarlo",
    "YearBand": "montecarlo",
    "project_retirement": "montecarlo",
    "retirement_inputs": "montecarlo",
    "Drift": "rebalancing",
    "RebalancePlan": "rebalancing",
    "Trade": "rebalancing",
    "measure_drift": "rebalancing",
    "plan_rebalance": "rebalancing",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"shared.analytics.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_ASSUMPTIONS",
    "STANDARD_CHARTS",
    "AccountValue",
    "Breakdown",
    "CapitalMarketAssumptions",
    "Chart",
    "ChartKey",
    "ChartPoint",
    "ClassAssumption",
    "Drift",
    "HoldingValue",
    "PortfolioBreakdowns",
    "RebalancePlan",
    "RetirementInputs",
    "RetirementProjection",
    "RiskIndicators",
    "Slice",
    "Trade",
    "Valuation",
    "YearBand",
    "all_breakdowns",
    "by_account",
    "by_account_type",
    "by_asset_class",
    "by_region",
    "by_sector",
    "coverage_gaps",
    "measure_drift",
    "plan_rebalance",
    "project_retirement",
    "retirement_inputs",
    "risk_indicators",
    "standard_charts",
    "top_holdings",
    "value_portfolio",
]
