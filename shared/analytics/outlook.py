"""The retirement outlook in plain words: a verdict on the plan, and the changes that help most.

The verdict reads the success probability (the share of simulated markets in which the target
income lasts) against two thresholds: at least 80% is on track, at least 50% at risk, below that
off track. 80% rather than the 90% of the sustainable income leaves room for a plan a person can
still adjust as markets go; below 50% the income fails in most simulated markets.

Each improvement moves one lever of the plan up a short ladder of steps and runs the Monte Carlo
again with the same paths and seed, so the difference comes from the change alone; a lever stops
at the first step that puts the plan on track, else at its last step. Improvements are ranked by
the success probability they reach, best first; a lever that does not help is left out.
"""

import math
from dataclasses import dataclass
from typing import Literal

from shared.analytics.montecarlo import (
    RetirementInputs,
    RetirementProjection,
    changed_plan,
    project_retirement,
)
from shared.analytics.prose import dollars, percent
from shared.analytics.results import Result

VerdictLevel = Literal["on_track", "at_risk", "off_track"]
ImprovementKind = Literal["retire_later", "contribute_more", "lower_income"]

ON_TRACK, AT_RISK = 0.80, 0.50
# The ladders: a few years later, a few thousand dollars more a year, a tenth less income.
YEARS_LATER = (2, 3, 5)
MORE_CONTRIBUTION = (5_000, 10_000, 20_000)
LOWER_INCOME_BY = (0.10, 0.20, 0.30)
INCOME_STEP = 1_000  # a lower target income is rounded down to whole thousands


class Verdict(Result):
    level: VerdictLevel
    success_probability: float
    chance_words: str


class Improvement(Result):
    kind: ImprovementKind
    label: str
    detail: str
    success_probability: float


def verdict(success_probability: float) -> Verdict:
    level: VerdictLevel = (
        "on_track"
        if success_probability >= ON_TRACK
        else "at_risk"
        if success_probability >= AT_RISK
        else "off_track"
    )
    return Verdict(
        level=level,
        success_probability=success_probability,
        chance_words=chance_in_words(success_probability),
    )


def chance_in_words(probability: float) -> str:
    """The chance in words, "about 1 in 5" or "about 9 in 10": tenths in lowest terms, and
    one in N below 15%, with the ends said as more than 19 or less than 1 in 20."""
    if probability >= 0.95:
        return "more than 19 in 20"
    if probability < 0.05:
        return "less than 1 in 20"
    if probability < 0.15:
        return f"about 1 in {round(1 / probability)}"
    tenths = round(10 * probability)
    common = math.gcd(tenths, 10)
    return f"about {tenths // common} in {10 // common}"


def improvements(
    plan: RetirementInputs, baseline: RetirementProjection, most: int = 3
) -> list[Improvement]:
    """Up to `most` one-lever changes that raise the success probability, best first."""
    found = [
        best
        for lever in (_retire_later(plan), _contribute_more(plan), _lower_income(plan))
        if (best := _climb(lever, baseline)) is not None
        and best.success_probability > baseline.success_probability
    ]
    found.sort(
        key=lambda improvement: -improvement.success_probability
    )  # stable: ties keep lever order
    return found[:most]


@dataclass(frozen=True)
class _Step:
    """One step up a lever: the changed plan, a short label, and the change as a phrase."""

    kind: ImprovementKind
    plan: RetirementInputs
    label: str
    change: str


def _climb(steps: list[_Step], baseline: RetirementProjection) -> Improvement | None:
    best = None
    for step in steps:
        reached = project_retirement(step.plan).success_probability
        best = Improvement(
            kind=step.kind,
            label=step.label,
            detail=f"{step.change} raises the chance the income lasts from"
            f" {percent(100 * baseline.success_probability)} to {percent(100 * reached)}"
            f" ({chance_in_words(reached)}).",
            success_probability=reached,
        )
        if reached >= ON_TRACK:
            break
    return best


def _retire_later(plan: RetirementInputs) -> list[_Step]:
    steps = []
    for years in YEARS_LATER:
        if plan.retirement_years is None and plan.years_in_retirement - years < 1:
            break  # no year of income would be left before the age it is planned to
        changed = changed_plan(plan, retirement_delay_years=years)
        age = plan.current_age
        at = "" if age is None else f", at {age + changed.years_until_retirement}"
        # What stays as planned: the age income is planned to, or (without an age, or with
        # the years of retirement given) how many years of it.
        if age is not None and plan.retirement_years is None:
            end = age + plan.years_until_retirement + plan.years_in_retirement
            keeps = f"still planning income to age {end}"
        else:
            keeps = f"with the same {plan.years_in_retirement} years of income"
        steps.append(
            _Step(
                "retire_later",
                changed,
                f"Retire {years} years later{at}",
                f"Retiring {years} years later{at}, {keeps},",
            )
        )
    return steps


def _contribute_more(plan: RetirementInputs) -> list[_Step]:
    if plan.years_until_retirement == 0:
        return []
    return [
        _Step(
            "contribute_more",
            changed_plan(plan, annual_contribution=plan.annual_contribution + more),
            f"Contribute {dollars(more)} more a year",
            f"Contributing {dollars(plan.annual_contribution + more)} a year instead of"
            f" {dollars(plan.annual_contribution)} until retirement",
        )
        for more in MORE_CONTRIBUTION
    ]


def _lower_income(plan: RetirementInputs) -> list[_Step]:
    incomes = [
        INCOME_STEP * math.floor(plan.target_income * (1 - cut) / INCOME_STEP)
        for cut in LOWER_INCOME_BY
    ]
    return [
        _Step(
            "lower_income",
            changed_plan(plan, target_income=income),
            f"Aim for {dollars(income)} a year",
            f"Planning on {dollars(income)} a year instead of {dollars(plan.target_income)}",
        )
        for income in incomes
        if 0 < income < plan.target_income
    ]
