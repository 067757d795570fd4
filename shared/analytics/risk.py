"""Concentration and risk: how much rides on one holding, one kind of security, one region.

Concentration is measured over invested value (cash excluded), with a symbol held in several
accounts counted once. A fund counts as one holding: the Herfindahl index does not look through
funds, so it overstates concentration for a portfolio of a few broad index funds; the single-stock
share says which case applies.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from pydantic import Field

from shared.analytics.breakdowns import Breakdown, build_breakdown, by_region
from shared.analytics.results import Dollars, Percent, Points, Result
from shared.analytics.taxonomy import CASH, UNCLASSIFIED, Vehicle
from shared.analytics.valuation import Valuation
from shared.schemas import InstrumentType

# North America's weight in global equity markets, used as the neutral, no-home-bias share:
# roughly the United States (about 63%) plus Canada (about 3%) in a global all-cap index such as
# MSCI ACWI IMI, 2024-2025. Rounded, because the figure moves by a few points over the years.
GLOBAL_NORTH_AMERICA_SHARE = Decimal("65.0")

_VEHICLES: dict[InstrumentType, Vehicle] = {
    "stock": "single_stocks",
    "reit": "single_stocks",
    "etf": "funds",
    "mutual_fund": "funds",
    "bond_fund": "funds",
    "money_market": "funds",
    "bond": "other_securities",
    "commodity": "other_securities",
}


class RiskIndicators(Result):
    invested: Dollars = Field(description="Value of priced holdings, the base of every share here.")
    largest_holding: str | None = Field(description="Symbol of the largest holding.")
    largest_holding_weight: Percent = Field(description="Its share of invested value.")
    herfindahl: float = Field(
        ge=0, le=1, description="Sum of squared holding weights: 1 is one holding, near 0 many."
    )
    effective_holdings: float = Field(
        description="1 / Herfindahl: the number of equal holdings with the same concentration."
    )
    vehicles: Breakdown = Field(
        description="Invested value in single stocks (and REITs), funds and other securities; "
        "a holding of unknown type counts as other."
    )
    north_america_share: Percent | None = Field(
        description="North America's share of invested, classified value (none if there is none)."
    )
    global_north_america_share: Percent = Field(
        description="North America's share of global equity markets, the neutral reference."
    )
    home_bias: Points | None = Field(
        description="North America share minus the global reference: above 0 leans home."
    )


def risk_indicators(valuation: Valuation) -> RiskIndicators:
    by_symbol: dict[str, Decimal] = defaultdict(Decimal)
    by_vehicle: dict[str, Decimal] = defaultdict(Decimal)
    for holding in valuation.holdings:
        if holding.value:
            by_symbol[holding.symbol] += holding.value
            kind = holding.instrument_type
            by_vehicle[_VEHICLES[kind] if kind else "other_securities"] += holding.value
    invested = valuation.invested
    weights = [float(value / invested) for value in by_symbol.values()] if invested else []
    herfindahl = sum(weight * weight for weight in weights)
    largest = max(by_symbol, key=lambda symbol: (by_symbol[symbol], symbol), default=None)
    north_america = _north_america_share(by_region(valuation))
    return RiskIndicators(
        invested=invested,
        largest_holding=largest,
        largest_holding_weight=_percent(by_symbol[largest] / invested) if largest else Decimal(0),
        herfindahl=round(herfindahl, 4),
        effective_holdings=round(1 / herfindahl, 1) if herfindahl else 0.0,
        vehicles=build_breakdown("vehicle", by_vehicle, invested),
        north_america_share=north_america,
        global_north_america_share=GLOBAL_NORTH_AMERICA_SHARE,
        home_bias=None if north_america is None else north_america - GLOBAL_NORTH_AMERICA_SHARE,
    )


def _north_america_share(regions: Breakdown) -> Decimal | None:
    classified = sum(
        (s.value for s in regions.slices if s.key not in (CASH, UNCLASSIFIED)), Decimal(0)
    )
    if not classified:
        return None
    north_america = next((s.value for s in regions.slices if s.key == "north_america"), Decimal(0))
    return _percent(north_america / classified)


def _percent(fraction: Decimal) -> Decimal:
    return (fraction * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
