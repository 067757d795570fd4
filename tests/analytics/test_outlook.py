import pytest

from shared.analytics import RetirementInputs, project_retirement
from shared.analytics.montecarlo import changed_plan
from shared.analytics.outlook import (
    AT_RISK,
    ON_TRACK,
    chance_in_words,
    improvements,
    verdict,
)

PATHS = 2_000


def plan(**changes: object) -> RetirementInputs:
    base: dict[str, object] = {
        "current_value": 300_000,
        "asset_class_weights": {"equity": 70, "fixed_income": 30},
        "years_until_retirement": 25,
        "annual_contribution": 20_000,
        "target_income": 80_000,
        "current_age": 40,
        "paths": PATHS,
        "seed": 3,
    }
    return RetirementInputs.model_validate(base | changes)


@pytest.mark.parametrize(
    ("probability", "level"),
    [
        (1.0, "on_track"),
        (ON_TRACK, "on_track"),
        (0.7999, "at_risk"),
        (AT_RISK, "at_risk"),
        (0.4999, "off_track"),
        (0.0, "off_track"),
    ],
)
def test_verdict_thresholds_are_80_and_50_percent(probability: float, level: str) -> None:
    assert verdict(probability).level == level
    assert verdict(probability).success_probability == probability


@pytest.mark.parametrize(
    ("probability", "words"),
    [
        (0.194, "about 1 in 5"),
        (0.5, "about 1 in 2"),
        (0.62, "about 3 in 5"),
        (0.88, "about 9 in 10"),
        (0.3, "about 3 in 10"),
        (0.12, "about 1 in 8"),
        (0.97, "more than 19 in 20"),
        (0.02, "less than 1 in 20"),
    ],
)
def test_chance_is_said_in_words(probability: float, words: str) -> None:
    assert chance_in_words(probability) == words


def test_improvements_are_real_reruns_that_improve_ranked_best_first() -> None:
    current = plan()
    baseline = project_retirement(current)
    assert baseline.success_probability < AT_RISK  # an off-track plan: every lever helps

    found = improvements(current, baseline)

    assert {i.kind for i in found} == {"retire_later", "contribute_more", "lower_income"}
    chances = [i.success_probability for i in found]
    assert chances == sorted(chances, reverse=True)
    assert all(chance > baseline.success_probability for chance in chances)
    # Each figure is the Monte Carlo run again with one lever moved, on the same markets.
    by_kind = {i.kind: i for i in found}
    later = by_kind["retire_later"]
    years = int(later.label.split()[1])
    assert later.label == f"Retire {years} years later, at {40 + 25 + years}"
    # Income is still planned to the plan's last age (95), so it says that age, not "the same".
    assert later.detail.startswith(f"{later.label.replace('Retire', 'Retiring')}, still planning")
    assert "still planning income to age 95, raises" in later.detail
    rerun = project_retirement(changed_plan(current, retirement_delay_years=years))
    assert later.success_probability == rerun.success_probability
    more = by_kind["contribute_more"]
    extra = float(more.label.split()[1].lstrip("$").replace(",", ""))
    rerun = project_retirement(changed_plan(current, annual_contribution=20_000 + extra))
    assert more.success_probability == rerun.success_probability
    assert f"from {100 * baseline.success_probability:.1f}%" in more.detail
    assert f"to {100 * more.success_probability:.1f}%" in more.detail


def test_retiring_later_without_an_age_keeps_the_years_of_income() -> None:
    current = plan(current_age=None)
    later = next(
        i for i in improvements(current, project_retirement(current)) if i.kind == "retire_later"
    )
    years = current.years_in_retirement
    assert f"later, with the same {years} years of income, raises" in later.detail
    assert changed_plan(current, retirement_delay_years=2).years_in_retirement == years


def test_improvements_are_deterministic() -> None:
    current = plan()
    baseline = project_retirement(current)
    assert improvements(current, baseline) == improvements(current, baseline)


def test_a_lever_stops_at_the_first_step_that_puts_the_plan_on_track() -> None:
    current = plan(target_income=30_000, annual_contribution=5_000)
    baseline = project_retirement(current)
    found = {i.kind: i for i in improvements(current, baseline)}
    more = found["contribute_more"]
    # The first step (+$5,000) is on track already: the larger ones are not offered.
    assert more.label == "Contribute $5,000 more a year"
    assert more.success_probability >= ON_TRACK
    assert verdict(more.success_probability).level == "on_track"


def test_a_certain_plan_has_nothing_to_improve() -> None:
    current = plan(current_value=5_000_000, target_income=20_000)
    baseline = project_retirement(current)
    assert baseline.success_probability == 1.0
    assert improvements(current, baseline) == []
    assert verdict(baseline.success_probability).chance_words == "more than 19 in 20"


def test_retiring_later_stops_before_the_age_the_income_is_planned_to() -> None:
    current = plan(
        current_age=88,
        years_until_retirement=3,
        current_value=300_000,
        annual_contribution=0,
        target_income=120_000,
    )
    baseline = project_retirement(current)
    # Income is planned to 95 from 91: 2 or 3 years later leave a year or more of it, 5 none.
    later = next(i for i in improvements(current, baseline) if i.kind == "retire_later")
    assert later.label in ("Retire 2 years later, at 93", "Retire 3 years later, at 94")
