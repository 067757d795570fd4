import numpy as np
import pytest

from shared.analytics import (
    DEFAULT_ASSUMPTIONS,
    RetirementInputs,
    RetirementProjection,
    project_retirement,
    retirement_inputs,
)
from shared.analytics.assumptions import CapitalMarketAssumptions
from tests.analytics.helpers import BND, UNTAGGED, VTI, account, position, user, valued

PATHS = 2_000


def inputs(**changes: object) -> RetirementInputs:
    base: dict[str, object] = {
        "current_value": 250_000,
        "asset_class_weights": {"equity": 60, "fixed_income": 40},
        "years_until_retirement": 20,
        "annual_contribution": 10_000,
        "target_income": 45_000,
        "retirement_years": 30,
        "paths": PATHS,
        "seed": 7,
    }
    return RetirementInputs.model_validate(base | changes)


def test_same_seed_gives_the_same_projection() -> None:
    assert project_retirement(inputs()) == project_retirement(inputs())
    assert project_retirement(inputs(seed=8)) != project_retirement(inputs())


@pytest.mark.parametrize("income", [10_000.0, 30_000.0])  # lasts; runs out in year 18
def test_zero_volatility_follows_the_closed_form_path(income: float) -> None:
    calm = DEFAULT_ASSUMPTIONS.without_volatility()
    r, i = calm.classes["equity"].expected_return, 0.02  # all equity: 7% a year, 2% inflation
    value, saving, contribution, retired = 100_000.0, 10, 5_000.0, 25
    projection = project_retirement(
        inputs(
            current_value=value,
            asset_class_weights={"equity": 100},
            years_until_retirement=saving,
            annual_contribution=contribution,
            target_income=income,
            inflation=i,
            retirement_years=retired,
            assumptions=calm,
        )
    )
    q = (1 + i) / (1 + r)
    # Saving: B_R = V (1+r)^R + c * sum_{t=1..R} (1+i)^t (1+r)^(R-t), a geometric series in q.
    at_retirement = value * (1 + r) ** saving + contribution * (1 + r) ** saving * q * (
        1 - q**saving
    ) / (1 - q)

    def nominal(year: int) -> float:
        if year <= saving:
            years_saved = year
            return value * (1 + r) ** years_saved + contribution * (1 + r) ** years_saved * q * (
                1 - q**years_saved
            ) / (1 - q)
        # Retired k years: B = (1+r)^k (B_R - w (1+i)^R sum_{j<k} q^j), withdrawals at the start.
        k = year - saving
        return (1 + r) ** k * (at_retirement - income * (1 + i) ** saving * (1 - q**k) / (1 - q))

    for band in projection.bands:
        # In today's dollars; a path that runs out stays at 0 where the formula goes negative.
        expected = max(nominal(band.year), 0.0) / (1 + i) ** band.year
        assert band.p10 == band.p90 == pytest.approx(expected, rel=1e-9, abs=0.01)
    # Highest income that lasts: w (1+i)^R (1 - q^N) / (1 - q) = B_R.
    sustainable = at_retirement / ((1 + i) ** saving * (1 - q**retired) / (1 - q))
    assert projection.sustainable_income == pytest.approx(sustainable, abs=0.01)
    assert projection.success_probability == (1.0 if income <= sustainable else 0.0)


def test_zero_volatility_failure_depletes_in_the_closed_form_year() -> None:
    calm = DEFAULT_ASSUMPTIONS.without_volatility()
    r = calm.classes["cash"].expected_return  # 3%, no inflation: withdrawals stay level
    projection = project_retirement(
        inputs(
            current_value=100_000,
            asset_class_weights={"cash": 100},
            years_until_retirement=0,
            annual_contribution=0,
            target_income=20_000,
            inflation=0,
            current_age=70,
            assumptions=calm,
        )
    )
    # Balance before year k's withdrawal: (1+r)^k (100,000 - 20,000 * sum_{j<k} (1+r)^-j).
    # It stays above 20,000 for k = 0..4 and falls short at k = 5 (5 withdrawals were paid).
    before = [
        (1 + r) ** k * (100_000 - 20_000 * sum((1 + r) ** -j for j in range(k))) for k in range(7)
    ]
    first_short = next(k for k, balance in enumerate(before) if balance < 20_000)
    assert first_short == 5
    assert projection.success_probability == 0.0
    assert projection.median_depletion_year == first_short
    assert projection.median_depletion_age == 70 + first_short


def test_success_falls_as_the_target_income_rises() -> None:
    chances = [
        project_retirement(inputs(target_income=w)).success_probability
        for w in (20_000, 40_000, 60_000, 80_000)
    ]
    assert chances == sorted(chances, reverse=True)
    assert chances[0] > chances[-1]


def test_success_rises_with_contributions() -> None:
    chances = [
        project_retirement(inputs(annual_contribution=c)).success_probability
        for c in (0, 10_000, 30_000)
    ]
    assert chances == sorted(chances)
    assert chances[0] < chances[-1]


def test_percentile_bands_are_ordered_in_every_year() -> None:
    projection = project_retirement(inputs(current_age=45))
    assert len(projection.bands) == 20 + 30 + 1
    for band in projection.bands:
        assert band.p10 <= band.p25 <= band.p50 <= band.p75 <= band.p90
    assert projection.bands[0].p50 == 250_000  # year 0 is today's balance
    assert [b.age for b in projection.bands[:2]] == [45, 46]
    assert (
        projection.bands[19].phase == "accumulation" and projection.bands[20].phase == "retirement"
    )


def test_sustainable_income_succeeds_in_at_least_90_percent_of_paths() -> None:
    sustainable = project_retirement(inputs()).sustainable_income
    assert project_retirement(inputs(target_income=sustainable)).success_probability >= 0.9
    assert project_retirement(inputs(target_income=sustainable * 1.05)).success_probability < 0.9


def test_unclassified_weight_is_projected_as_equity_and_said_so() -> None:
    unknown = project_retirement(
        inputs(asset_class_weights={"unclassified": 25, "equity": 35, "fixed_income": 40})
    )
    known = project_retirement(inputs(asset_class_weights={"equity": 60, "fixed_income": 40}))
    assert unknown.weights == {"equity": 60.0, "fixed_income": 40.0}
    assert unknown.bands == known.bands
    assert any("25.0% of the portfolio has no asset-class allocation" in n for n in unknown.notes)


def test_retirement_lasts_to_95_when_age_is_known_else_30_years() -> None:
    assert (
        project_retirement(
            inputs(retirement_years=None, current_age=50, years_until_retirement=10)
        ).retirement_years
        == 35
    )
    assert project_retirement(inputs(retirement_years=None)).retirement_years == 30


def test_inputs_come_from_the_user_and_the_portfolio() -> None:
    taxable = account("Taxable", cash="1000")
    valuation = valued(
        [taxable],
        [
            position(taxable, "VTI", "24"),
            position(taxable, "BND", "40"),
            position(taxable, "XYZ", "100"),
        ],
        [VTI, BND, UNTAGGED],
    )  # 6,000 equity, 3,000 bonds, 1,000 cash, 1,000 unclassified
    planner = user(
        current_age=40,
        years_until_retirement=25,
        annual_contribution="12000",
        target_retirement_income="55000",
    )
    made = retirement_inputs(planner, valuation)
    assert made.current_value == 11_000
    assert made.asset_class_weights == {
        "equity": 6000,
        "fixed_income": 3000,
        "cash": 1000,
        "unclassified": 1000,
    }
    assert (
        made.years_until_retirement,
        made.annual_contribution,
        made.target_income,
        made.current_age,
    ) == (25, 12_000, 55_000, 40)


def test_empty_portfolio_is_projected_with_the_target_allocation() -> None:
    made = retirement_inputs(
        user({"equity": 80, "fixed_income": 20}), valued([account("New")], [], [])
    )
    assert made.current_value == 0 and made.asset_class_weights == {
        "equity": 80,
        "fixed_income": 20,
    }


def test_correlation_matrix_that_is_not_positive_definite_is_refused() -> None:
    broken = np.array(DEFAULT_ASSUMPTIONS.correlations)
    broken[0, 1] = broken[1, 0] = -0.99
    broken[0, 2] = broken[2, 0] = 0.99
    broken[1, 2] = broken[2, 1] = 0.99
    with pytest.raises(ValueError, match="positive definite"):
        CapitalMarketAssumptions(
            classes=DEFAULT_ASSUMPTIONS.classes,
            correlations=tuple(map(tuple, broken.tolist())),
            source="test",
        )


def test_projection_serialises_to_json() -> None:
    dumped = RetirementProjection.model_validate_json(
        project_retirement(inputs(paths=10)).model_dump_json()
    )
    assert dumped.paths == 10
