"""Chart payloads for the SPA, built from breakdowns: what the charter agent chooses among.

A `Chart` validates itself: values are dollars and never negative, percentages are rounded to one
decimal and must sum to exactly 100.0, so a chart that reaches the SPA always adds up.
"""

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal, Self

from pydantic import Field, field_validator, model_validator

from shared.analytics.breakdowns import (
    Breakdown,
    by_account_type,
    by_asset_class,
    by_region,
    by_sector,
    top_holdings,
)
from shared.analytics.colors import color_for
from shared.analytics.prose import dollars
from shared.analytics.results import Result
from shared.analytics.valuation import Valuation
from shared.schemas import JsonNumber

ChartType = Literal["pie", "bar", "donut", "horizontalBar"]
ChartKey = Literal[
    "asset_allocation", "geographic_exposure", "sector_breakdown", "account_types", "top_holdings"
]
_TENTH = Decimal("0.1")
_HUNDRED = Decimal("100.0")


class ChartPoint(Result):
    name: str = Field(min_length=1, description="Label of the slice or bar.")
    value: Annotated[Decimal, JsonNumber] = Field(description="Dollar value, at least 0.")
    percentage: Annotated[Decimal, JsonNumber] = Field(
        description="Share of the chart's total, to one decimal place."
    )
    color: str = Field(pattern=r"^#[0-9A-F]{6}$", description="Hex colour, e.g. '#0072B2'.")

    @field_validator("percentage")
    @classmethod
    def _one_decimal(cls, percentage: Decimal) -> Decimal:
        return percentage.quantize(_TENTH, rounding=ROUND_HALF_UP)

    @model_validator(mode="after")
    def _not_negative(self) -> Self:
        if self.value < 0:
            raise ValueError(
                f"'{self.name}' has a negative value ({self.value}): chart values are dollar "
                "amounts of 0 or more"
            )
        if self.percentage < 0:
            raise ValueError(f"'{self.name}' has a negative percentage ({self.percentage})")
        return self


class Chart(Result):
    """One chart as the SPA draws it (`type` picks the Recharts component)."""

    title: str = Field(min_length=1)
    description: str
    type: ChartType
    data: tuple[ChartPoint, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _sums_to_100(self) -> Self:
        total = sum((point.percentage for point in self.data), Decimal(0))
        if total != _HUNDRED:
            raise ValueError(
                f"chart '{self.title}': percentages sum to {total}, not 100.0 (after rounding "
                "each to one decimal); apportion them by largest remainder"
            )
        return self


def chart_from_breakdown(
    breakdown: Breakdown, title: str, description: str, chart_type: ChartType
) -> Chart:
    if not breakdown.slices:
        raise ValueError(f"nothing to chart for '{title}': the portfolio has no value yet")
    return Chart(
        title=title,
        description=description,
        type=chart_type,
        data=tuple(
            ChartPoint(
                name=piece.name,
                value=piece.value,
                percentage=piece.percentage,
                color=color_for(breakdown.dimension, piece.key, rank),
            )
            for rank, piece in enumerate(breakdown.slices)
        ),
    )


def asset_allocation(valuation: Valuation) -> Chart:
    breakdown = by_asset_class(valuation)
    return chart_from_breakdown(
        breakdown,
        "Asset allocation",
        f"How the {dollars(valuation.total)} portfolio splits across asset classes, cash included.",
        "donut",
    )


def geographic_exposure(valuation: Valuation) -> Chart:
    breakdown = by_region(valuation)
    return chart_from_breakdown(
        breakdown,
        "Geographic exposure",
        "Where the portfolio's money is invested, by region, looking through each fund; "
        "uninvested cash is shown on its own.",
        "pie",
    )


def sector_breakdown(valuation: Valuation) -> Chart:
    breakdown = by_sector(valuation)
    return chart_from_breakdown(
        breakdown,
        "Sector breakdown",
        "Exposure to each economic sector (bonds and commodities by kind), looking through each "
        "fund, so real estate here includes what stock funds hold; uninvested cash is shown on "
        "its own.",
        "horizontalBar",
    )


def account_types(valuation: Valuation) -> Chart:
    return chart_from_breakdown(
        by_account_type(valuation),
        "Account types",
        "How the portfolio's value, cash included, is spread across kinds of account.",
        "pie",
    )


def top_holdings_chart(valuation: Valuation) -> Chart:
    return chart_from_breakdown(
        top_holdings(valuation),
        "Top holdings",
        "The largest positions by value (summed across accounts), then any smaller ones"
        " together, and cash.",
        "horizontalBar",
    )


STANDARD_CHARTS: dict[ChartKey, Callable[[Valuation], Chart]] = {
    "asset_allocation": asset_allocation,
    "geographic_exposure": geographic_exposure,
    "sector_breakdown": sector_breakdown,
    "account_types": account_types,
    "top_holdings": top_holdings_chart,
}


def standard_charts(valuation: Valuation) -> dict[ChartKey, Chart]:
    """Every standard chart, keyed as in `charts_payload`; none for a portfolio worth nothing."""
    if valuation.total == 0:
        return {}
    return {key: build(valuation) for key, build in STANDARD_CHARTS.items()}
