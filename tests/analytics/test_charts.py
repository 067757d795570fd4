from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from pydantic import ValidationError

from shared.analytics import Chart, standard_charts
from shared.analytics.charts import asset_allocation, geographic_exposure, sector_breakdown
from shared.analytics.colors import HUES
from shared.schemas import Account, Instrument, Position
from tests.analytics.helpers import BND, GLD, UNTAGGED, VTI, VXUS, account, position, valued
from tests.analytics.strategies import portfolios


def chart(*points: tuple[str, float, float]) -> dict[str, Any]:
    return {
        "title": "Test chart",
        "description": "",
        "type": "pie",
        "data": [
            {"name": name, "value": value, "percentage": share, "color": "#0072B2"}
            for name, value, share in points
        ],
    }


def test_chart_accepts_percentages_summing_to_exactly_100() -> None:
    built = Chart.model_validate(chart(("A", 1, 33.4), ("B", 1, 33.3), ("C", 1, 33.3)))
    assert sum(p.percentage for p in built.data) == Decimal("100.0")


def test_chart_rejects_percentages_not_summing_to_100() -> None:
    with pytest.raises(ValidationError, match=r"percentages sum to 99\.9, not 100\.0"):
        Chart.model_validate(chart(("A", 1, 33.3), ("B", 1, 33.3), ("C", 1, 33.3)))


def test_chart_rejects_percentages_that_only_reach_100_before_rounding() -> None:
    # 33.33 + 33.33 + 33.34 = 100, but to one decimal they are 33.3 + 33.3 + 33.3 = 99.9.
    with pytest.raises(ValidationError, match=r"sum to 99\.9, not 100\.0"):
        Chart.model_validate(chart(("A", 1, 33.33), ("B", 1, 33.33), ("C", 1, 33.34)))


def test_chart_rejects_a_negative_value_naming_the_point() -> None:
    with pytest.raises(ValidationError, match="'Loan' has a negative value"):
        Chart.model_validate(chart(("Loan", -5, 50.0), ("B", 10, 50.0)))


def test_chart_rejects_an_empty_data_list() -> None:
    with pytest.raises(ValidationError, match="at least 1 item"):
        Chart.model_validate(chart())


def test_chart_json_has_the_shape_the_spa_draws() -> None:
    taxable = account("Taxable", cash="250")
    valuation = valued([taxable], [position(taxable, "VTI", "1")], [VTI])
    dumped = asset_allocation(valuation).model_dump(mode="json")
    assert set(dumped) == {"title", "description", "type", "data"}
    assert dumped["type"] == "donut"
    assert dumped["data"] == [
        {"name": "Equity", "value": 250.0, "percentage": 50.0, "color": "#0072B2"},
        {"name": "Cash", "value": 250.0, "percentage": 50.0, "color": "#BBBBBB"},
    ]


def test_same_category_gets_same_colour_in_every_chart_and_portfolio() -> None:
    taxable = account("Taxable", cash="10")
    # Two portfolios whose slices come in different orders.
    bonds_first = valued(
        [taxable], [position(taxable, "BND", "100"), position(taxable, "VXUS", "1")], [BND, VXUS]
    )
    stocks_first = valued(
        [taxable],
        [
            position(taxable, "VXUS", "100"),
            position(taxable, "BND", "1"),
            position(taxable, "GLD", "1"),
        ],
        [BND, VXUS, GLD],
    )

    def colours(c: Chart) -> dict[str, str]:
        return {p.name: p.color for p in c.data}

    for build in (asset_allocation, geographic_exposure, sector_breakdown):
        first, second = colours(build(bonds_first)), colours(build(stocks_first))
        assert all(second[name] == colour for name, colour in first.items())
    # Cash is the same grey in the asset-class, region and sector charts.
    assert {
        colours(build(bonds_first))["Cash"]
        for build in (asset_allocation, geographic_exposure, sector_breakdown)
    } == {"#BBBBBB"}


def test_distinct_categories_in_one_chart_get_distinct_colours() -> None:
    taxable = account("Taxable", cash="10")
    valuation = valued(
        [taxable],
        [position(taxable, s, "1") for s in ("VTI", "VXUS", "BND", "GLD", "XYZ")],
        [VTI, VXUS, BND, GLD, UNTAGGED],
    )
    for built in standard_charts(valuation).values():
        assert len({p.color for p in built.data}) == len(built.data)
        assert all(
            p.color in HUES or p.name in ("Cash", "Unclassified", "Other") for p in built.data
        )


def test_standard_charts_are_keyed_for_the_charter_and_skip_an_empty_portfolio() -> None:
    taxable = account("Taxable", cash="10")
    assert set(standard_charts(valued([taxable], [], []))) == {
        "asset_allocation",
        "geographic_exposure",
        "sector_breakdown",
        "account_types",
        "top_holdings",
    }
    assert standard_charts(valued([account("Empty")], [], [])) == {}


@settings(max_examples=100, deadline=None)
@given(portfolios())
def test_standard_charts_always_validate(
    portfolio: tuple[list[Account], list[Position], list[Instrument]],
) -> None:
    valuation = valued(*portfolio)
    charts = standard_charts(valuation)
    assert bool(charts) == bool(valuation.total)
    for built in charts.values():
        assert sum(p.percentage for p in built.data) == Decimal("100.0")
        assert sum(p.value for p in built.data) == valuation.total
