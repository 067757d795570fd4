"""The retirement planner: explains a Monte Carlo projection of the user's plan and its what-ifs.

The baseline projection is computed by code before the agent runs (`RetirementContext.for_plan`);
the tools show it to the model and run variations of it with the same paths and seed, so every
figure is reproducible. Each tool output is kept on the context, and the narrative may cite only
numbers found in those outputs (`check_narrative`, with the rules of `runtime.figures`).
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from agents import Agent, RunContextWrapper
from pydantic import BaseModel, Field, ValidationError, model_validator

from functions.retirement.templates import INSTRUCTIONS
from runtime.agents import BadToolArguments, tool
from runtime.figures import unreturned
from runtime.model_factory import OfflineModel
from shared.analytics import RetirementInputs, RetirementProjection, project_retirement
from shared.analytics.montecarlo import PERCENTILES, SUSTAINABLE_SUCCESS, changed_plan
from shared.analytics.outlook import Improvement, Verdict, improvements, verdict
from shared.analytics.prose import dollars, percent, whole

YEARS_INTO_RETIREMENT_SHOWN = 10
MAX_YEARS_EARLIER, MAX_YEARS_LATER = 10, 15
MAX_INCOME = MAX_CONTRIBUTION = 1_000_000.0
NARRATIVE_CHARS = (200, 12_000)


class Changes(BaseModel):
    """What a variation changes in the user's plan; anything not given stays as it is."""

    # Bounded here rather than in the tool's signature: the SDK hides argument errors from the
    # model, while `BadToolArguments` raised by the tool reaches it.
    retirement_delay_years: int = Field(0, ge=-MAX_YEARS_EARLIER, le=MAX_YEARS_LATER)
    target_income: float | None = Field(None, ge=0, le=MAX_INCOME)
    annual_contribution: float | None = Field(None, ge=0, le=MAX_CONTRIBUTION)

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.model_dump(exclude_defaults=True):
            raise ValueError("a variation must change something: give at least one change")
        return self

    def applied_to(self, plan: RetirementInputs) -> RetirementInputs:
        try:
            return changed_plan(plan, **self.model_dump())
        except ValueError as error:
            raise BadToolArguments(str(error)) from error

    @property
    def label(self) -> str:
        parts = []
        if self.retirement_delay_years:
            years = abs(self.retirement_delay_years)
            when = "later" if self.retirement_delay_years > 0 else "earlier"
            parts.append(f"Retire {years} year{'s' if years > 1 else ''} {when}")
        if self.target_income is not None:
            parts.append(f"target income {dollars(self.target_income)} a year")
        if self.annual_contribution is not None:
            parts.append(f"contribute {dollars(self.annual_contribution)} a year")
        text = "; ".join(parts)
        return text[0].upper() + text[1:]


class Variation(BaseModel):
    """One what-if the planner ran, as stored in the payload."""

    label: str
    changes: dict[str, Any]
    years_until_retirement: int
    retirement_age: int | None
    retirement_years: int
    target_income: float
    annual_contribution: float
    success_probability: float
    sustainable_income: float
    median_depletion_year: float | None
    median_depletion_age: float | None


@dataclass
class RetirementContext:
    """One run's plan, its baseline projection, and what the tools returned (for validation)."""

    plan: RetirementInputs
    baseline: RetirementProjection
    verdict: Verdict
    improvements: list[Improvement]
    outputs: list[str] = field(default_factory=list)
    variations: dict[str, Variation] = field(default_factory=dict)

    @classmethod
    def for_plan(cls, plan: RetirementInputs) -> "RetirementContext":
        """The plan's projection, verdict and improvements, all computed before the agent runs."""
        baseline = project_retirement(plan)
        return cls(
            plan=plan,
            baseline=baseline,
            verdict=verdict(baseline.success_probability),
            improvements=improvements(plan, baseline),
        )

    def returned(self, result: dict[str, Any]) -> str:
        text = json.dumps(result)
        self.outputs.append(text)
        return text


def _percent(fraction: float) -> float:
    return round(100 * fraction, 2)


def _summary(plan: RetirementInputs, projection: RetirementProjection) -> dict[str, Any]:
    """What a tool shows of a projection. Keys ending in `_percent` hold percentages."""
    saving = projection.years_until_retirement
    final = saving + projection.retirement_years
    milestones = sorted({0, saving, min(saving + YEARS_INTO_RETIREMENT_SHOWN, final), final})
    return {
        "years_until_retirement": saving,
        "current_age": plan.current_age,
        "retirement_age": projection.retirement_age,
        "retirement_years": projection.retirement_years,
        "current_value": plan.current_value,
        "annual_contribution": plan.annual_contribution,
        "target_income": projection.target_income,
        "success_probability_percent": _percent(projection.success_probability),
        "sustainable_income": projection.sustainable_income,
        "sustainable_income_success_percent": _percent(SUSTAINABLE_SUCCESS),
        "median_depletion_years_from_now": projection.median_depletion_year,
        "median_depletion_age": projection.median_depletion_age,
        "percentile_levels_percent": list(PERCENTILES),
        "balance_percentiles": [
            band.model_dump(mode="json") for band in projection.bands if band.year in milestones
        ],
    }


def _project_current_plan(context: RetirementContext) -> str:
    plan, baseline = context.plan, context.baseline
    held = baseline.weights
    return context.returned(
        {
            "plan": "current plan",
            **_summary(plan, baseline),
            "inflation_percent": _percent(plan.inflation),
            "asset_class_weights_percent": held,
            "assumptions_percent": {
                name: {
                    "expected_return": _percent(assumption.expected_return),
                    "volatility": _percent(assumption.volatility),
                }
                for name, assumption in baseline.assumptions.classes.items()
                if name in held
            },
            "simulation": {"paths": baseline.paths, "seed": baseline.seed},
            "notes": list(baseline.notes),
            "verdict": context.verdict.level.replace("_", " "),
            "chance_in_words": context.verdict.chance_words,
            "changes_that_help_most": [
                {
                    "change": improvement.label,
                    "success_probability_percent": _percent(improvement.success_probability),
                }
                for improvement in context.improvements
            ],
        }
    )


def _project_variation(context: RetirementContext, changes: Changes) -> str:
    label = changes.label
    plan = changes.applied_to(context.plan)
    projection = project_retirement(plan)
    baseline = context.baseline
    context.variations[label] = Variation(
        label=label,
        changes=changes.model_dump(exclude_defaults=True),
        years_until_retirement=projection.years_until_retirement,
        retirement_age=projection.retirement_age,
        retirement_years=projection.retirement_years,
        target_income=plan.target_income,
        annual_contribution=plan.annual_contribution,
        success_probability=projection.success_probability,
        sustainable_income=projection.sustainable_income,
        median_depletion_year=projection.median_depletion_year,
        median_depletion_age=projection.median_depletion_age,
    )
    return context.returned(
        {
            "plan": label,
            **_summary(plan, projection),
            "compared_with_current_plan": {
                "success_probability_change_percentage_points": round(
                    _percent(projection.success_probability)
                    - _percent(baseline.success_probability),
                    2,
                ),
                "sustainable_income_change": round(
                    projection.sustainable_income - baseline.sustainable_income, 2
                ),
            },
        }
    )


@tool
def project_current_plan(wrapper: RunContextWrapper[RetirementContext]) -> str:
    """Monte Carlo projection of the user's retirement plan as it stands (10,000 paths).

    Returns JSON: the plan (ages, years, current value, contribution, target income), the
    success probability in percent, the sustainable income at 90% success, the median age at
    which failing paths run out of money, balance percentiles (p10 to p90) at milestone years,
    inflation, asset-class weights, return assumptions and notes. Amounts are in today's dollars.
    """
    return _project_current_plan(wrapper.context)


@tool
def project_variation(
    wrapper: RunContextWrapper[RetirementContext],
    retirement_delay_years: int = 0,
    target_income: float | None = None,
    annual_contribution: float | None = None,
) -> str:
    """Monte Carlo projection of a what-if: the user's plan with one or more changes.

    Uses the same simulated markets as the current plan, so the difference comes from the
    changes alone. Returns JSON like project_current_plan's, plus the change in success
    probability (in percentage points) and in sustainable income from the current plan.

    Args:
        retirement_delay_years: Years to move retirement, from -10 to 15: 3 retires 3 years
            later, -2 two years earlier, 0 keeps the planned date. Income is still planned to
            the same age.
        target_income: Annual retirement income wanted, in today's dollars, from 0 to
            1,000,000; null keeps the user's target.
        annual_contribution: Dollars added each year until retirement, in today's dollars, from
            0 to 1,000,000; null keeps the user's contribution.
    """
    try:
        changes = Changes(
            retirement_delay_years=retirement_delay_years,
            target_income=target_income,
            annual_contribution=annual_contribution,
        )
    except ValidationError as error:
        raise BadToolArguments(str(error)) from error
    return _project_variation(wrapper.context, changes)


retirement_planner = Agent[RetirementContext](
    name="Retirement planner",
    instructions=INSTRUCTIONS,
    tools=[project_current_plan, project_variation],
)


# --- Validation ------------------------------------------------------------------------------


def check_narrative(text: str, context: RetirementContext) -> str:
    """The narrative, stripped, if it is usable; ValueError naming the problem otherwise."""
    narrative = text.strip() if isinstance(text, str) else ""
    shortest, longest = NARRATIVE_CHARS
    if len(narrative) < shortest:
        raise ValueError(f"the narrative is empty or too short (under {shortest} characters)")
    if len(narrative) > longest:
        raise ValueError(f"the narrative is too long (over {longest} characters): shorten it")
    if not context.variations:
        raise ValueError("no variation was tried: call project_variation at least once")
    invented = unreturned(narrative, context.outputs)
    if invented:
        raise ValueError(
            f"the narrative cites {', '.join(invented)}, which no tool returned;"
            " cite only figures from project_current_plan and project_variation (rounding them"
            " is fine) and do not compute new ones"
        )
    return narrative


def narrative_validator(context: RetirementContext) -> Callable[[Any], str]:
    return lambda output: check_narrative(output, context)


# --- Offline plan ------------------------------------------------------------------------------

OFFLINE_VARIATION = Changes(retirement_delay_years=3)


def offline_model() -> OfflineModel:
    """The current plan and one fixed variation (retiring 3 years later), in a plain template.

    One variation only: the offline model hands its writer one result per tool name.
    """
    return OfflineModel(
        calls=[
            ("project_current_plan", {}),
            ("project_variation", OFFLINE_VARIATION.model_dump(exclude_defaults=True)),
        ],
        writer=write_offline_narrative,
    )


def write_offline_narrative(results: Mapping[str, Any]) -> str:
    """The plain narrative: the verdict, the changes that help most, the percentiles and the
    variation. It carries no offline label: the job's one notice says how it was written."""
    plan = json.loads(results["project_current_plan"])
    variation = json.loads(results["project_variation"])
    verdict = plan["verdict"].capitalize()
    lines = ["## Retirement projection", ""]
    lines.append(
        f"**{verdict}.** The target income of {dollars(plan['target_income'])} a year lasts"
        f" through retirement in {percent(plan['success_probability_percent'])} of"
        f" {whole(plan['simulation']['paths'])} simulated markets: {plan['chance_in_words']}."
        + (
            f" Retirement starts at age {whole(plan['retirement_age'])}."
            if plan["retirement_age"] is not None
            else f" Retirement starts in {whole(plan['years_until_retirement'])} years."
        )
    )
    lines.append(
        f"The highest income that lasts in {percent(plan['sustainable_income_success_percent'])}"
        f" of them is {dollars(plan['sustainable_income'])} a year."
    )
    if plan["median_depletion_age"] is not None:
        lines.append(
            f"In the simulated markets where the money runs out, it does so at a median age of"
            f" {whole(plan['median_depletion_age'])}."
        )
    helps = plan["changes_that_help_most"]
    if helps:
        lines += ["", "### What would help most", ""]
        lines += [
            f"- {change['change']}: the income lasts in"
            f" {percent(change['success_probability_percent'])} of simulated markets."
            for change in helps
        ]
    lines += [
        "",
        "### Balance in weak, typical and strong markets (today's dollars)",
        "",
        "Weak, typical and strong markets are the 10th, 50th and 90th percentiles of the"
        " simulated balances.",
        "",
    ]
    # By age when the age is known (a phone fits four columns), else by year.
    bands = plan["balance_percentiles"]
    by_age = all(band["age"] is not None for band in bands)
    lines += [
        f"| {'Age' if by_age else 'Year'} | Weak markets | Typical markets | Strong markets |",
        "|---:|---:|---:|---:|",
    ]
    for band in bands:
        when = whole(band["age"] if by_age else band["year"])
        lines.append(
            f"| {when} | {dollars(band['p10'])} | {dollars(band['p50'])} | {dollars(band['p90'])} |"
        )
    change = variation["compared_with_current_plan"]
    points = change["success_probability_change_percentage_points"]
    age = variation["retirement_age"]
    lines += [
        "",
        # Titled as one more step tried, so it does not read as a rival to the changes above.
        f"### Also tried: {variation['plan']}{'' if age is None else f', at {whole(age)}'}",
        "",
        f"The income lasts in {percent(variation['success_probability_percent'])} of simulated"
        f" markets ({abs(points):.1f} percentage points {'more' if points >= 0 else 'fewer'}"
        f" than the current plan); the highest income that lasts in"
        f" {percent(plan['sustainable_income_success_percent'])} of them is"
        f" {dollars(variation['sustainable_income'])} a year.",
        "",
        *(f"- {note}" for note in plan["notes"]),
        "",
        "This projection is an estimate from simulated markets, not a guarantee.",
    ]
    return "\n".join(lines)
