"""The retirement planner stores the analytics' projection and variations, and a narrative that
cites only figures its tools returned."""

import json
import re
from decimal import Decimal
from typing import Any

import litellm
import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from pydantic import ValidationError

from functions.retirement.agent import (
    Changes,
    RetirementContext,
    Variation,
    check_narrative,
    offline_model,
)
from functions.retirement.handler import handler, project
from runtime.model_choice import OFFLINE_NOTICE
from runtime.model_factory import hosted_model
from shared.analytics import RetirementInputs, RetirementProjection, project_retirement
from shared.analytics import retirement_inputs as plan_inputs
from shared.analytics.outlook import improvements, verdict
from shared.db import Accounts, Instruments, Jobs, Positions, UserPrices
from shared.db.psycopg_driver import PsycopgDriver
from shared.errors import InvalidModelOutput, ModelThrottled
from shared.portfolio import load_portfolio
from shared.schemas import (
    MAX_USER_PRICE,
    AccountUpdate,
    Job,
    PositionCreate,
    StepInput,
    UserPriceSet,
)
from tests.functions.litellm_layer import BEDROCK_MODEL, LiteLLMRecorder, tool_call
from tests.support.lambda_context import lambda_context

pytestmark = pytest.mark.anyio

LATER = {"retirement_delay_years": 3, "target_income": None, "annual_contribution": None}
FILLER = " The projection is an estimate from simulated markets, not a guarantee." * 3


def step_input(job: Job) -> StepInput:
    return StepInput(job_id=job.id, user_id=job.clerk_user_id)


def baseline_inputs(db: PsycopgDriver, job: Job) -> RetirementInputs:
    portfolio = load_portfolio(db, job.clerk_user_id)
    return plan_inputs(portfolio.user, portfolio.valuation)


def three_years_later(inputs: RetirementInputs) -> RetirementProjection:
    """Retiring 3 years later, computed directly: income still planned to the same age."""
    return project_retirement(
        inputs.model_copy(
            update={
                "years_until_retirement": inputs.years_until_retirement + 3,
                "retirement_years": inputs.years_in_retirement - 3,
            }
        )
    )


def narrative(baseline: RetirementProjection, later: RetirementProjection) -> str:
    at_retirement = baseline.bands[baseline.years_until_retirement]
    return (
        "## Your retirement\n\n"
        f"The plan succeeds in {100 * baseline.success_probability:.0f}% of simulated markets."
        f" At retirement the balance ranges from ${at_retirement.p10 / 1e6:.1f} million (p10)"
        f" to ${at_retirement.p90:,.0f} (p90). At 90% success the plan pays"
        f" ${baseline.sustainable_income:,.0f} a year. Retiring 3 years later lifts success to"
        f" {100 * later.success_probability:.1f}%." + FILLER
    )


def tool_steps() -> list[Any]:
    return [
        [function_call("project_current_plan", {}, call_id="c1")],
        [function_call("project_variation", LATER, call_id="c2")],
    ]


def tool_outputs(input_items: Any) -> dict[str, str]:
    """The tool results fed back to the model, by call id."""
    return {
        item["call_id"]: item["output"]
        for item in input_items
        if isinstance(item, dict) and item.get("type") == "function_call_output"
    }


async def test_projection_variations_and_narrative_are_stored_with_the_analytics_numbers(
    seeded: PsycopgDriver, job: Job
) -> None:
    inputs = baseline_inputs(seeded, job)
    baseline, later = project_retirement(inputs), three_years_later(inputs)
    text = narrative(baseline, later)
    model = ScriptedModel([*tool_steps(), [assistant_message(text)]])

    result = await project(seeded, step_input(job), model)

    assert result == {
        "step": "retirement",
        "success_probability": baseline.success_probability,
        "variations": 1,
    }
    first, _, last = model.calls
    assert {tool.name for tool in first.tools} == {"project_current_plan", "project_variation"}
    fed_back = {call: json.loads(output) for call, output in tool_outputs(last.input).items()}
    assert fed_back["c1"]["success_probability_percent"] == round(
        100 * baseline.success_probability, 2
    )
    assert fed_back["c1"]["sustainable_income"] == baseline.sustainable_income
    assert fed_back["c2"]["plan"] == "Retire 3 years later"
    assert (
        fed_back["c2"]["retirement_age"] == inputs.current_age + inputs.years_until_retirement + 3
    )
    assert fed_back["c2"]["sustainable_income"] == later.sustainable_income

    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    payload = stored.retirement_payload
    assert payload is not None
    assert payload["projection"] == baseline.model_dump(mode="json")
    assert payload["inputs"]["years_until_retirement"] == 25
    assert payload["inputs"]["target_income"] == 80_000
    bands = payload["projection"]["bands"]
    assert (bands[0]["age"], bands[-1]["age"]) == (40, 95)
    assert {"p10", "p25", "p50", "p75", "p90"} <= bands[0].keys()
    # The demo portfolio holds untagged AAPL and NVDA: the projection says how it treated them.
    assert any("projected as equity" in note for note in payload["projection"]["notes"])
    (variation,) = payload["variations"]
    assert variation["label"] == "Retire 3 years later"
    assert variation["changes"] == {"retirement_delay_years": 3}
    assert variation["success_probability"] == later.success_probability
    assert variation["sustainable_income"] == later.sustainable_income
    assert payload["narrative"] == text.strip()
    assert set(payload) == {
        "inputs",
        "projection",
        "verdict",
        "improvements",
        "variations",
        "narrative",
    }
    assert payload["verdict"] == verdict(baseline.success_probability).model_dump(mode="json")
    assert payload["improvements"] == [
        i.model_dump(mode="json") for i in improvements(inputs, baseline)
    ]
    assert stored.steps["retirement"].generated_by == "ScriptedModel"
    assert stored.steps["retirement"].notice is None
    assert stored.steps["retirement"].status == "succeeded"
    assert "retirement" in stored.usage


async def test_invented_figure_is_re_asked_once_naming_it(seeded: PsycopgDriver, job: Job) -> None:
    inputs = baseline_inputs(seeded, job)
    good = narrative(project_retirement(inputs), three_years_later(inputs))
    invented = good + " You will need $9,876,543 in savings."
    model = ScriptedModel([*tool_steps(), [assistant_message(invented)], [assistant_message(good)]])

    assert (await project(seeded, step_input(job), model))["variations"] == 1

    re_ask = str(model.calls[3].input)
    assert "could not be used: the narrative cites $9,876,543, which no tool returned" in re_ask
    payload = Jobs(seeded).get(job.clerk_user_id, job.id).retirement_payload
    assert payload is not None and payload["narrative"] == good.strip()


async def test_invalid_narrative_twice_raises_fails_the_step_and_stores_nothing(
    seeded: PsycopgDriver, job: Job
) -> None:
    model = ScriptedModel(
        [*tool_steps(), [assistant_message("Too short.")], [assistant_message("")]]
    )
    with pytest.raises(InvalidModelOutput, match="Retirement planner gave invalid output twice"):
        await project(seeded, step_input(job), model)
    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    assert stored.retirement_payload is None
    assert stored.steps["retirement"].status == "failed"
    assert "too short" in (stored.steps["retirement"].error or "")


async def test_narrative_without_any_variation_is_refused(seeded: PsycopgDriver, job: Job) -> None:
    text = "The plan is fine." + FILLER
    model = ScriptedModel(
        [
            [function_call("project_current_plan", {}, call_id="c1")],
            [assistant_message(text)],
            [assistant_message(text)],
        ]
    )
    with pytest.raises(InvalidModelOutput, match="call project_variation at least once"):
        await project(seeded, step_input(job), model)


async def test_out_of_bounds_variation_is_explained_to_the_model(
    seeded: PsycopgDriver, job: Job
) -> None:
    inputs = baseline_inputs(seeded, job)
    text = narrative(project_retirement(inputs), three_years_later(inputs))
    too_late = {**LATER, "retirement_delay_years": 40}
    too_early = {**LATER, "retirement_delay_years": -10}
    nothing = {**LATER, "retirement_delay_years": 0}
    model = ScriptedModel(
        [
            [
                function_call("project_current_plan", {}, call_id="c1"),
                function_call("project_variation", too_late, call_id="late"),
                function_call("project_variation", nothing, call_id="none"),
                function_call("project_variation", LATER, call_id="c2"),
            ],
            [assistant_message(text)],
        ]
    )
    assert inputs.years_until_retirement == 25
    await project(seeded, step_input(job), model)

    outputs = tool_outputs(model.calls[1].input)
    assert outputs["late"].startswith("The tool could not run")
    assert "less than or equal to 15" in outputs["late"]
    assert "must change something" in outputs["none"]
    payload = Jobs(seeded).get(job.clerk_user_id, job.id).retirement_payload
    assert payload is not None and len(payload["variations"]) == 1
    with pytest.raises(ValueError, match="retires in 5 years: it cannot retire 10 years earlier"):
        Changes(retirement_delay_years=-10).applied_to(
            inputs.model_copy(update={"years_until_retirement": 5})
        )
    assert Changes(**too_early).applied_to(inputs).years_until_retirement == 15


async def test_throttling_raises_model_throttled_and_fails_the_step(
    seeded: PsycopgDriver, job: Job
) -> None:
    throttled = litellm.RateLimitError("Too many requests", "bedrock", "bedrock/x")
    model = ScriptedModel([ModelStep.raise_error(throttled)])
    with pytest.raises(ModelThrottled, match="throttled"):
        await project(seeded, step_input(job), model)
    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    assert stored.steps["retirement"].status == "failed"
    assert "ModelThrottled" in (stored.steps["retirement"].error or "")
    assert stored.retirement_payload is None


async def test_tools_and_their_schemas_reach_bedrock(
    seeded: PsycopgDriver, job: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = baseline_inputs(seeded, job)
    text = narrative(project_retirement(inputs), three_years_later(inputs))
    recorder = LiteLLMRecorder(
        monkeypatch,
        [
            {
                "mock_tool_calls": [tool_call("c1", "project_current_plan", "{}")],
                "mock_response": "",
            },
            {
                "mock_tool_calls": [tool_call("c2", "project_variation", json.dumps(LATER))],
                "mock_response": "",
            },
            {"mock_response": text},
        ],
    )

    result = await project(seeded, step_input(job), hosted_model(BEDROCK_MODEL))

    assert result["variations"] == 1
    assert len(recorder.requests) == 3
    specs = {
        tool["toolSpec"]["name"]: tool["toolSpec"]
        for tool in recorder.bedrock_request(0)["toolConfig"]["tools"]
    }
    assert set(specs) == {"project_current_plan", "project_variation"}
    schema = specs["project_variation"]["inputSchema"]["json"]
    assert set(schema["required"]) == set(LATER)
    assert "from -10 to 15" in schema["properties"]["retirement_delay_years"]["description"]
    # The tool results went back to the model as tool messages.
    assert any(m["role"] == "tool" for m in recorder.requests[2]["messages"])
    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    assert stored.retirement_payload is not None
    assert stored.steps["retirement"].generated_by == BEDROCK_MODEL


async def test_offline_model_projects_one_variation_and_notices_it_on_the_step_only(
    seeded: PsycopgDriver, job: Job
) -> None:
    inputs = baseline_inputs(seeded, job)
    await project(seeded, step_input(job), offline_model())

    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    payload = stored.retirement_payload
    assert payload is not None
    assert stored.steps["retirement"].generated_by == "offline"
    assert stored.steps["retirement"].notice == OFFLINE_NOTICE
    # One notice for the whole result (the summary's produced_by): none inside the narrative.
    assert OFFLINE_NOTICE not in payload["narrative"]
    baseline = project_retirement(inputs)
    assert payload["projection"] == baseline.model_dump(mode="json")
    (variation,) = payload["variations"]
    assert variation["success_probability"] == three_years_later(inputs).success_probability
    narrative = payload["narrative"]
    assert f"{100 * baseline.success_probability:.1f}%" in narrative
    assert payload["verdict"]["chance_words"] in narrative
    for improvement in payload["improvements"]:
        assert improvement["label"] in narrative
    # The fixed variation is titled as one more step tried, with its age, not as a rival plan.
    assert f"### Also tried: Retire 3 years later, at {variation['retirement_age']}" in narrative


async def test_offline_narrative_writes_whole_dollars_integer_ages_and_separators(
    seeded: PsycopgDriver, job: Job
) -> None:
    await project(seeded, step_input(job), offline_model())
    payload = Jobs(seeded).get(job.clerk_user_id, job.id).retirement_payload
    assert payload is not None
    narrative = payload["narrative"]
    assert "10,000 simulated markets" in narrative
    assert not re.search(r"\$[\d,]+\.\d", narrative), "dollars in prose are whole"
    assert not re.search(r"\d\.\d{2,}%", narrative), "percentages have one decimal"
    assert not re.search(r"\b\d{5,}\b", narrative), "large numbers have separators"
    assert not re.search(r"age(?: of)? \d+\.\d", narrative), "ages are whole numbers"
    # The demo user's age is known: by age, four columns, as the SPA's bands table.
    assert "| Age | Weak markets | Typical markets | Strong markets |" in narrative


async def test_the_largest_portfolio_the_api_accepts_is_projected_with_checked_figures(
    seeded: PsycopgDriver, job: Job
) -> None:
    # Every field at its limit: about $10 quintillion, far above 2**53 dollars, where a float's
    # JSON text and its printed binary digits part.
    largest = Decimal("999999999999.99999999")
    Instruments(seeded).ensure("ZZQ")
    for account in Accounts(seeded).for_user(job.clerk_user_id):
        Accounts(seeded).update(
            job.clerk_user_id, account.id, AccountUpdate(cash_balance=Decimal("99999999999999.99"))
        )
        Positions(seeded).create(
            job.clerk_user_id, PositionCreate(account_id=account.id, symbol="ZZQ", quantity=largest)
        )
    UserPrices(seeded).set(job.clerk_user_id, "ZZQ", UserPriceSet(price=MAX_USER_PRICE))
    inputs = baseline_inputs(seeded, job)
    assert inputs.current_value > 2**63

    await project(seeded, step_input(job), offline_model())

    payload = Jobs(seeded).get(job.clerk_user_id, job.id).retirement_payload
    assert payload is not None
    p90 = payload["projection"]["bands"][-1]["p90"]
    assert f"${Decimal(str(p90)):,.0f}" in payload["narrative"]


async def test_running_twice_leaves_identical_rows(seeded: PsycopgDriver, job: Job) -> None:
    await project(seeded, step_input(job), offline_model())
    before = Jobs(seeded).get(job.clerk_user_id, job.id)
    result = await project(seeded, step_input(job), ScriptedModel([]))
    assert result == {"step": "retirement", "outcome": "already done"}
    assert Jobs(seeded).get(job.clerk_user_id, job.id) == before


@pytest.mark.usefixtures("offline_lambda_env")
def test_handler_runs_offline_from_a_workflow_event(seeded: PsycopgDriver, job: Job) -> None:
    event = {"job_id": str(job.id), "user_id": job.clerk_user_id}
    assert handler(event, lambda_context()) == {
        "step": "retirement",
        "success_probability": project_retirement(baseline_inputs(seeded, job)).success_probability,
        "variations": 1,
    }
    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    assert stored.retirement_payload is not None
    assert stored.steps["retirement"].generated_by == "offline"
    with pytest.raises(ValidationError, match="job_id"):
        handler({"user_id": job.clerk_user_id}, lambda_context())


# --- The narrative's figures -------------------------------------------------------------------

PLAN = RetirementInputs(
    current_value=500_000,
    asset_class_weights={"equity": 60, "fixed_income": 40},
    years_until_retirement=20,
    annual_contribution=10_000,
    target_income=60_000,
    current_age=45,
    paths=1_000,
)


@pytest.fixture(scope="module")
def context() -> RetirementContext:
    """A context whose tools returned 1,234,567.89 dollars and 87.34 percent, among others."""
    context = RetirementContext.for_plan(PLAN)
    context.returned({"sustainable_income": 1_234_567.89, "success_probability_percent": 87.34})
    context.returned({"notes": ["12.5% of the portfolio is projected as equity."]})
    context.returned({"years_until_retirement": 42})
    context.variations["later"] = Variation.model_construct(label="later")
    return context


@pytest.mark.parametrize(
    "cited",
    [
        "$1,234,567.89",
        "$1,234,568",
        "$1.2 million",
        "$1.23M",
        "$1,235k",
        "87.34%",
        "87.3%",
        "87%",
        "87 percent",
        "12.5%",
        "-$1.2 million",
    ],
)
def test_figures_the_tools_returned_may_be_cited_rounded(
    context: RetirementContext, cited: str
) -> None:
    assert cited in check_narrative(f"The figure is {cited}." + FILLER, context)


@pytest.mark.parametrize(
    "cited",
    ["$1,234,567", "$1.3 million", "$1 million", "88%", "87.4%", "$87", "42%", "$12.5"],
)
def test_figures_no_tool_returned_or_rounded_too_far_are_refused(
    context: RetirementContext, cited: str
) -> None:
    with pytest.raises(ValueError, match="which no tool returned"):
        check_narrative(f"The figure is {cited}." + FILLER, context)
