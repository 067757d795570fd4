"""Retirement Monte Carlo: will the portfolio pay the target income through retirement?

Model, per simulated path and year (all paths at once; only the years are a Python loop):
- each asset class's annual return is lognormal, drawn jointly with the others through the
  Cholesky factor of the correlation matrix (see `assumptions`), in antithetic pairs of paths;
  the portfolio is rebalanced to its current asset-class weights every year;
- until retirement, the contribution is added at the end of each year;
- in retirement, the income is withdrawn at the start of each year, before that year's return;
  a path fails in the first year its balance cannot pay the full income;
- contributions and income are in today's dollars and grow with inflation, and every balance
  reported is in today's dollars, so figures compare with what the user earns and spends now.
Value with no asset-class allocation is projected as equity (most unknown symbols are single
stocks), and the result says how much was treated so. The same inputs and seed give the same result.
"""

import math
from typing import Any, Literal, Self

import numpy as np
from pydantic import Field, model_validator

from shared.analytics.assumptions import DEFAULT_ASSUMPTIONS, CapitalMarketAssumptions, FloatArray
from shared.analytics.breakdowns import by_asset_class
from shared.analytics.results import Result
from shared.analytics.taxonomy import ASSET_CLASSES, UNCLASSIFIED
from shared.analytics.valuation import Valuation
from shared.schemas import AssetClass, User

WeightKey = AssetClass | Literal["unclassified"]
WEIGHT_KEYS: tuple[WeightKey, ...] = (*ASSET_CLASSES, UNCLASSIFIED)
PLAN_TO_AGE = 95
RETIREMENT_YEARS_WITHOUT_AGE = 30
SUSTAINABLE_SUCCESS = 0.90
PERCENTILES = (10, 25, 50, 75, 90)


class RetirementInputs(Result):
    current_value: float = Field(ge=0, description="Portfolio value today, in dollars.")
    asset_class_weights: dict[WeightKey, float] = Field(
        description="Share of value per asset class (any positive scale; 'unclassified' allowed)."
    )
    years_until_retirement: int = Field(ge=0, le=80)
    annual_contribution: float = Field(
        0, ge=0, description="Added each year until retirement, in today's dollars."
    )
    target_income: float = Field(ge=0, description="Annual income wanted, in today's dollars.")
    inflation: float = Field(
        0.025, ge=-0.05, le=0.25, description="Annual inflation (0.025 = 2.5%)."
    )
    current_age: int | None = Field(None, ge=16, le=110)
    retirement_years: int | None = Field(
        None,
        ge=1,
        le=80,
        description=f"Years of income; default: to age {PLAN_TO_AGE} if the "
        f"age is known, else {RETIREMENT_YEARS_WITHOUT_AGE}.",
    )
    paths: int = Field(10_000, ge=1, le=1_000_000)
    seed: int = Field(0, ge=0)
    assumptions: CapitalMarketAssumptions = DEFAULT_ASSUMPTIONS

    @model_validator(mode="after")
    def _weights_have_mass(self) -> Self:
        if any(w < 0 for w in self.asset_class_weights.values()):
            raise ValueError("asset-class weights must not be negative")
        if not sum(self.asset_class_weights.values()) > 0:
            raise ValueError("give at least one asset-class weight above 0")
        return self

    @property
    def years_in_retirement(self) -> int:
        if self.retirement_years is not None:
            return self.retirement_years
        if self.current_age is None:
            return RETIREMENT_YEARS_WITHOUT_AGE
        return max(PLAN_TO_AGE - self.current_age - self.years_until_retirement, 1)


class YearBand(Result):
    """Percentiles of the balance at the end of one year (year 0 is today), in today's dollars."""

    year: int
    age: int | None
    phase: Literal["accumulation", "retirement"]
    p10: float
    p25: float
    p50: float
    p75: float
    p90: float


class RetirementProjection(Result):
    success_probability: float = Field(
        ge=0, le=1, description="Share of paths that pay the full income every year of retirement."
    )
    target_income: float
    sustainable_income: float = Field(
        description=f"Highest annual income (today's dollars) paid in full in at least "
        f"{SUSTAINABLE_SUCCESS:.0%} of paths."
    )
    median_depletion_year: float | None = Field(
        description="Among failing paths, median years from now until the money runs out."
    )
    median_depletion_age: float | None
    years_until_retirement: int
    retirement_years: int
    retirement_age: int | None
    weights: dict[AssetClass, float] = Field(description="Asset-class weights simulated, in %.")
    paths: int
    seed: int
    bands: tuple[YearBand, ...] = Field(description="Fan-chart data, one entry per year.")
    notes: tuple[str, ...]
    assumptions: CapitalMarketAssumptions


def retirement_inputs(user: User, valuation: Valuation) -> RetirementInputs:
    """Inputs from the user's plan and portfolio; an empty portfolio is weighted by the targets."""
    values = {s.key: s.value for s in by_asset_class(valuation).slices}
    weights: dict[WeightKey, float] = {
        key: float(values[key]) for key in WEIGHT_KEYS if key in values
    } or {key: share for key, share in user.asset_class_targets.items()}
    return RetirementInputs(
        current_value=float(valuation.total),
        asset_class_weights=weights,
        years_until_retirement=user.years_until_retirement,
        annual_contribution=float(user.annual_contribution),
        target_income=float(user.target_retirement_income),
        current_age=user.current_age,
    )


def changed_plan(
    plan: RetirementInputs,
    retirement_delay_years: int = 0,
    target_income: float | None = None,
    annual_contribution: float | None = None,
) -> RetirementInputs:
    """The plan with some of its levers moved; anything not given stays as it is.

    Retiring later keeps the income planned to the same age (fewer years of it), and keeps the
    years simulated the same, so the variation sees the same simulated markets as the plan.
    """
    years = plan.years_until_retirement + retirement_delay_years
    if years < 0:
        raise ValueError(
            f"the plan retires in {plan.years_until_retirement} years: it cannot retire"
            f" {-retirement_delay_years} years earlier"
        )
    changed: dict[str, Any] = {"years_until_retirement": years}
    if plan.current_age is not None and plan.retirement_years is None:
        changed["retirement_years"] = max(plan.years_in_retirement - retirement_delay_years, 1)
    if target_income is not None:
        changed["target_income"] = target_income
    if annual_contribution is not None:
        changed["annual_contribution"] = annual_contribution
    return RetirementInputs.model_validate({**plan.model_dump(), **changed})


def project_retirement(inputs: RetirementInputs) -> RetirementProjection:
    weights, notes = _simulated_weights(inputs)
    saving_years = inputs.years_until_retirement
    retired_years = inputs.years_in_retirement
    years = saving_years + retired_years
    growth = _portfolio_growth(weights, inputs, years)
    price_level = (1 + inputs.inflation) ** np.arange(years + 1)

    balances = np.empty((years + 1, inputs.paths))
    balances[0] = inputs.current_value
    depleted_at = np.full(inputs.paths, -1)
    # Each withdrawal (per dollar of income) discounted by the path's own growth since retirement.
    # A year's withdrawal is paid iff the balance at retirement covers the discounted sum of it
    # and all before it; the sums only grow, so the last one decides: a path pays income w in
    # full exactly when w * discounted_withdrawals <= its balance at retirement.
    discounted_withdrawals = np.zeros(inputs.paths)
    compounded = np.ones(inputs.paths)
    for year in range(1, years + 1):
        start = balances[year - 1]
        if year <= saving_years:
            balances[year] = (
                start * growth[year - 1] + inputs.annual_contribution * price_level[year]
            )
            continue
        income = inputs.target_income * price_level[year - 1]
        depleted_at[(start < income) & (depleted_at < 0)] = year - 1
        balances[year] = np.where(start >= income, (start - income) * growth[year - 1], 0.0)
        discounted_withdrawals += price_level[year - 1] / compounded
        compounded *= growth[year - 1]

    failures = depleted_at[depleted_at >= 0]
    median_depletion = float(np.median(failures)) if failures.size else None
    age = inputs.current_age
    if age is not None:
        notes.append(f"Income is planned to age {age + years}.")
    return RetirementProjection(
        success_probability=round(1 - failures.size / inputs.paths, 4),
        target_income=inputs.target_income,
        sustainable_income=_sustainable_income(balances[saving_years], discounted_withdrawals),
        median_depletion_year=median_depletion,
        median_depletion_age=None
        if median_depletion is None or age is None
        else age + median_depletion,
        years_until_retirement=saving_years,
        retirement_years=retired_years,
        retirement_age=None if age is None else age + saving_years,
        weights={
            name: round(100 * float(w), 4)
            for name, w in zip(ASSET_CLASSES, weights, strict=True)
            if w
        },
        paths=inputs.paths,
        seed=inputs.seed,
        bands=_bands(balances / price_level[:, None], saving_years, age),
        notes=tuple(notes),
        assumptions=inputs.assumptions,
    )


def _simulated_weights(inputs: RetirementInputs) -> tuple[FloatArray, list[str]]:
    given = inputs.asset_class_weights
    total = sum(given.values())
    weights = np.array([given.get(name, 0.0) for name in ASSET_CLASSES]) / total
    notes = ["Balances and incomes are in today's dollars."]
    unclassified = given.get(UNCLASSIFIED, 0.0) / total
    if unclassified:
        weights[ASSET_CLASSES.index("equity")] += unclassified
        notes.append(
            f"{unclassified:.1%} of the portfolio has no asset-class allocation yet and is "
            "projected as equity."
        )
    return weights, notes


def _portfolio_growth(weights: FloatArray, inputs: RetirementInputs, years: int) -> FloatArray:
    """Gross annual portfolio returns, shape (years, paths), drawn for the classes held only.

    Paths come in antithetic pairs (the second half mirrors the first's shocks): half the draws,
    and less sampling noise in the mean.
    """
    held = np.flatnonzero(weights)
    log_mean, log_sd = (parameter[held] for parameter in inputs.assumptions.log_parameters())
    correlations = np.array(inputs.assumptions.correlations)[np.ix_(held, held)]
    factor = np.linalg.cholesky(correlations)
    rng = np.random.default_rng(inputs.seed)
    shocks = rng.standard_normal((years, (inputs.paths + 1) // 2, held.size))
    # In place where possible: at 10,000 paths over 60 years, allocating is half the cost.
    class_growth = shocks @ (factor.T * log_sd)
    class_growth += log_mean
    np.exp(class_growth, out=class_growth)
    first_half = class_growth @ weights[held]
    # The mirror path: exp(mean - sd * shock) = exp(2 * mean) / exp(mean + sd * shock).
    np.divide(np.exp(2 * log_mean), class_growth, out=class_growth)
    growth: FloatArray = np.concatenate([first_half, class_growth @ weights[held]], axis=1)
    return growth[:, : inputs.paths]


def _sustainable_income(at_retirement: FloatArray, discounted_withdrawals: FloatArray) -> float:
    """The largest income that the required share of paths pays in full, rounded down a cent."""
    affordable = np.sort(at_retirement / discounted_withdrawals)
    needed = math.ceil(SUSTAINABLE_SUCCESS * affordable.size)
    return math.floor(100 * float(affordable[affordable.size - needed])) / 100


def _bands(real_balances: FloatArray, saving_years: int, age: int | None) -> tuple[YearBand, ...]:
    p10, p25, p50, p75, p90 = np.percentile(real_balances, PERCENTILES, axis=1).round(2).tolist()
    return tuple(
        YearBand(
            year=year,
            age=None if age is None else age + year,
            phase="accumulation" if year < saving_years else "retirement",
            p10=p10[year],
            p25=p25[year],
            p50=p50[year],
            p75=p75[year],
            p90=p90[year],
        )
        for year in range(real_balances.shape[0])
    )
