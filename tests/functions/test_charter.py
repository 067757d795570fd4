"""The charter lets the model choose and word 4-6 charts; every stored number is the analytics'."""

import json
from decimal import Decimal
from typing import Any, get_args

import pytest
from agents import Usage
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from litellm.exceptions import RateLimitError
from pydantic import ValidationError

from functions.charter.agent import chosen_charts, offline_model
from functions.charter.handler import NOTHING_TO_CHART, build_charts, handler
from functions.charter.templates import MAX_DESCRIPTION, offline_description
from runtime.model_choice import OFFLINE_NOTICE
from runtime.model_factory import hosted_model
from shared.analytics import Chart, ChartKey, coverage_gaps, standard_charts
from shared.db import Jobs, Users
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID
from shared.errors import InvalidModelOutput, ModelThrottled
from shared.portfolio import load_portfolio
from shared.schemas import Job, JobCreate, StepInput, UserCreate
from tests.functions.litellm_layer import BEDROCK_MODEL, LiteLLMRecorder, tool_call

pytestmark = pytest.mark.anyio

CHOICES: list[dict[str, Any]] = [
    {
        "key": "asset_allocation",
        "title": "Mostly stocks",
        "description": "Equity dominates the mix.",
        "type": "donut",
    },
    {
        "key": "sector_breakdown",
        "title": "Tech-heavy sectors",
        "description": "Technology is the largest sector.",
        "type": "horizontalBar",
    },
    {
        "key": "geographic_exposure",
        "title": "Home bias",
        "description": "Most money is in North America.",
        "type": "pie",
    },
    {
        "key": "top_holdings",
        "title": "Largest positions",
        "description": "A few funds carry the portfolio.",
        "type": "bar",
    },
]


def answer(charts: list[dict[str, Any]], **extra: Any) -> ModelStep:
    return ModelStep(output=[assistant_message(json.dumps({"charts": charts, **extra}))])


def step_input(job: Job) -> StepInput:
    return StepInput(job_id=job.id, user_id=job.clerk_user_id)


def analytics_charts(db: PsycopgDriver, user_id: str) -> dict[ChartKey, Chart]:
    return standard_charts(load_portfolio(db, user_id).valuation)


def stored_data(chart: Chart) -> list[dict[str, Any]]:
    return [point.model_dump(mode="json") for point in chart.data]


def assert_only_charts(payload: dict[str, Any]) -> None:
    """charts_payload holds charts keyed by name, and nothing else."""
    assert payload
    for key, value in payload.items():
        assert key in get_args(ChartKey), key
        Chart.model_validate(value)


def tool_outputs(model: ScriptedModel, call: int) -> dict[str, Any]:
    """The tool results fed back to the model in its `call`-th request, parsed, by call id."""
    return {
        item["call_id"]: json.loads(item["output"])
        for item in model.calls[call].input
        if item.get("type") == "function_call_output"
    }


async def test_chosen_charts_are_stored_with_the_models_words_and_the_analytics_rows(
    seeded: PsycopgDriver, job: Job
) -> None:
    expected = analytics_charts(seeded, job.clerk_user_id)
    model = ScriptedModel(
        [
            [function_call("list_chart_options", {}, call_id="options")],
            [
                function_call("get_chart_data", {"key": "asset_allocation"}, call_id="assets"),
                function_call("get_chart_data", {"key": "sector_breakdown"}, call_id="sectors"),
            ],
            ModelStep(
                output=[assistant_message(json.dumps({"charts": CHOICES}))],
                usage=Usage(requests=1, input_tokens=900, output_tokens=150, total_tokens=1050),
            ),
        ]
    )

    result = await build_charts(seeded, step_input(job), model)

    keys = [choice["key"] for choice in CHOICES]
    assert result == {"step": "charts", "charts": 4, "keys": keys}
    assert [tool.name for tool in model.calls[0].tools] == ["list_chart_options", "get_chart_data"]
    assert '<user_data name="display_name">"Test User"</user_data>' in str(model.calls[0].input)
    options = tool_outputs(model, 1)["options"]["charts"]
    assert [option["key"] for option in options] == list(expected)
    equity = expected["asset_allocation"].data[0]
    assert options[0]["largest"].startswith(f"{equity.name} {equity.percentage}%")
    fed_back = tool_outputs(model, 2)
    assert fed_back["assets"]["rows"][0] == {
        "name": equity.name,
        "value": float(equity.value),
        "percentage": float(equity.percentage),
    }
    assert len(fed_back["sectors"]["rows"]) == len(expected["sector_breakdown"].data)

    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    payload = stored.charts_payload
    assert payload is not None
    assert_only_charts(payload)
    assert set(payload) == set(keys)
    assert stored.steps["charts"].generated_by == "ScriptedModel"
    assert stored.steps["charts"].notice is None
    # What the charts cannot show is appended by code to whatever the model wrote.
    gaps = " ".join(coverage_gaps(load_portfolio(seeded, job.clerk_user_id).valuation))
    assert "(AAPL, NVDA)" in gaps
    for choice in CHOICES:
        chart = payload[choice["key"]]
        assert {k: chart[k] for k in ("title", "description", "type")} == {
            "title": choice["title"],
            "description": f"{choice['description']} {gaps}",
            "type": choice["type"],
        }
        assert chart["data"] == stored_data(expected[choice["key"]])
        assert sum(Decimal(str(p["percentage"])) for p in chart["data"]) == Decimal("100.0")
    assert stored.steps["charts"].status == "succeeded"
    assert stored.usage["charter"]["input_tokens"] == 900
    assert (stored.input_tokens, stored.output_tokens) == (900, 150)


async def test_numbers_the_model_types_are_ignored_and_the_analytics_rows_stored(
    seeded: PsycopgDriver, job: Job
) -> None:
    """Decision: extra fields are ignored, not refused, so a usable choice never costs a re-ask;
    the rows are always the analytics' own."""
    invented = [{"name": "Equity", "value": 1.0, "percentage": 100.0, "color": "#000000"}]
    charts = [{**choice, "data": invented, "percentage": 99} for choice in CHOICES]
    model = ScriptedModel([answer(charts, data={"asset_allocation": invented})])

    await build_charts(seeded, step_input(job), model)

    expected = analytics_charts(seeded, job.clerk_user_id)
    payload = Jobs(seeded).get(job.clerk_user_id, job.id).charts_payload
    assert payload is not None
    for choice in CHOICES:
        assert payload[choice["key"]]["data"] == stored_data(expected[choice["key"]])
        assert "percentage" not in payload[choice["key"]]
    assert "data" not in payload
    assert len(model.calls) == 1


@pytest.mark.parametrize(
    ("selection", "problem"),
    [
        ('{"charts": ' + json.dumps(CHOICES[:3]) + "}", "at least 4 items"),
        ('{"charts": ' + json.dumps(CHOICES * 2) + "}", "at most 6 items"),
        (
            '{"charts": ' + json.dumps([*CHOICES[:3], CHOICES[0]]) + "}",
            "repeated: asset_allocation",
        ),
        (
            '{"charts": ' + json.dumps([*CHOICES[:3], {**CHOICES[3], "key": "risk_gauge"}]) + "}",
            "'asset_allocation', 'geographic_exposure'",
        ),
        (
            '{"charts": ' + json.dumps([*CHOICES[:3], {**CHOICES[3], "type": "line"}]) + "}",
            "'pie', 'bar', 'donut' or 'horizontalBar'",
        ),
        (
            '{"charts": ' + json.dumps([*CHOICES[:3], {**CHOICES[3], "title": "  "}]) + "}",
            "at least 1 character",
        ),
        (
            '{"charts": '
            + json.dumps([*CHOICES[:3], {**CHOICES[3], "description": "x" * 401}])
            + "}",
            "at most 400 characters",
        ),
        ("Here are my charts: asset allocation and sectors.", "Invalid JSON"),
    ],
    ids=[
        "too-few",
        "too-many",
        "repeated-key",
        "unknown-key",
        "unknown-type",
        "blank-title",
        "long-description",
        "not-json",
    ],
)
async def test_selection_rules_refuse_with_the_problem_named(
    seeded: PsycopgDriver, selection: str, problem: str
) -> None:
    available = analytics_charts(seeded, TEST_USER_ID)
    with pytest.raises((ValueError, ValidationError), match=problem):
        chosen_charts(selection, available)


def test_a_chart_without_data_cannot_be_chosen(seeded: PsycopgDriver) -> None:
    available = dict(analytics_charts(seeded, TEST_USER_ID))
    del available["top_holdings"]
    with pytest.raises(ValueError, match="no data for top_holdings; choose among: asset_alloc"):
        chosen_charts(json.dumps({"charts": CHOICES}), available)


def test_a_fenced_json_answer_is_accepted(seeded: PsycopgDriver) -> None:
    available = analytics_charts(seeded, TEST_USER_ID)
    charts = chosen_charts(f"```json\n{json.dumps({'charts': CHOICES})}\n```", available)
    assert list(charts) == [choice["key"] for choice in CHOICES]


async def test_invalid_selection_is_re_asked_once_with_the_problem(
    seeded: PsycopgDriver, job: Job
) -> None:
    model = ScriptedModel([answer(CHOICES[:3]), answer(CHOICES)])
    assert (await build_charts(seeded, step_input(job), model))["charts"] == 4
    second = str(model.calls[1].input)
    assert "could not be used" in second and "List should have at least 4 items" in second


async def test_invalid_selection_twice_raises_and_stores_nothing(
    seeded: PsycopgDriver, job: Job
) -> None:
    model = ScriptedModel([answer(CHOICES[:3]), [assistant_message("no JSON here")]])
    with pytest.raises(InvalidModelOutput, match="Charter gave invalid output twice"):
        await build_charts(seeded, step_input(job), model)
    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    assert stored.charts_payload is None and "charter" not in stored.usage
    assert stored.steps["charts"].status == "failed"
    assert "InvalidModelOutput" in (stored.steps["charts"].error or "")


async def test_throttling_raises_model_throttled_and_fails_the_step(
    seeded: PsycopgDriver, job: Job
) -> None:
    throttled = RateLimitError("Too many requests", "bedrock", "bedrock/x")
    model = ScriptedModel([ModelStep.raise_error(throttled)])
    with pytest.raises(ModelThrottled, match="Charter: the model is throttled"):
        await build_charts(seeded, step_input(job), model)
    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    assert stored.steps["charts"].status == "failed"
    assert (stored.steps["charts"].error or "").startswith("ModelThrottled")
    assert stored.charts_payload is None


async def test_tools_and_their_schemas_reach_bedrock(
    seeded: PsycopgDriver, job: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = LiteLLMRecorder(
        monkeypatch,
        [
            {
                "mock_tool_calls": [tool_call("c1", "list_chart_options", "{}")],
                "mock_response": "",
            },
            {
                "mock_tool_calls": [tool_call("c2", "get_chart_data", '{"key": "account_types"}')],
                "mock_response": "",
            },
            {"mock_response": json.dumps({"charts": CHOICES})},
        ],
    )

    result = await build_charts(seeded, step_input(job), hosted_model(BEDROCK_MODEL))

    assert result["charts"] == 4
    assert len(recorder.requests) == 3
    specs = {
        tool["toolSpec"]["name"]: tool["toolSpec"]
        for tool in recorder.bedrock_request(0)["toolConfig"]["tools"]
    }
    assert set(specs) == {"list_chart_options", "get_chart_data"}
    key_schema = specs["get_chart_data"]["inputSchema"]["json"]
    assert key_schema["required"] == ["key"]
    assert set(key_schema["properties"]["key"]["enum"]) == set(
        analytics_charts(seeded, job.clerk_user_id)
    )
    assert specs["list_chart_options"]["inputSchema"]["json"].get("required", []) == []
    last = json.dumps(recorder.requests[2]["messages"])
    account_types = analytics_charts(seeded, job.clerk_user_id)["account_types"]
    assert account_types.data[0].name in last
    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    assert stored.charts_payload is not None
    assert_only_charts(stored.charts_payload)
    assert stored.steps["charts"].generated_by == BEDROCK_MODEL
    assert stored.steps["charts"].notice is None


async def test_offline_model_charts_every_standard_chart_with_one_notice_on_the_step(
    seeded: PsycopgDriver, job: Job
) -> None:
    result = await build_charts(seeded, step_input(job), offline_model())

    expected = analytics_charts(seeded, job.clerk_user_id)
    assert result["keys"] == list(expected)
    stored_job = Jobs(seeded).get(job.clerk_user_id, job.id)
    payload = stored_job.charts_payload
    assert payload is not None
    assert_only_charts(payload)
    assert set(payload) == set(expected)
    assert stored_job.steps["charts"].generated_by == "offline"
    assert stored_job.steps["charts"].notice == OFFLINE_NOTICE
    gaps = " ".join(coverage_gaps(load_portfolio(seeded, job.clerk_user_id).valuation))
    for key, chart in expected.items():
        stored = payload[key]
        # No per-chart "chosen without a language model": the job carries one notice.
        assert stored["description"] == f"{chart.description} {gaps}"
        assert (stored["title"], stored["type"]) == (chart.title, chart.type)
        assert stored["data"] == stored_data(chart)


def test_offline_description_stays_short() -> None:
    long = "Unclassified: " + ", ".join(f"SYM{i}" for i in range(200)) + "."
    text = offline_description(long)
    assert text.startswith("Unclassified: SYM0, SYM1") and text.endswith("…")
    assert len(text) <= MAX_DESCRIPTION


async def test_portfolio_worth_nothing_gets_no_charts_without_asking_a_model(
    seeded: PsycopgDriver,
) -> None:
    Users(seeded).get_or_create(UserCreate(clerk_user_id="empty_user"))
    job = Jobs(seeded).create("empty_user", JobCreate())
    result = await build_charts(seeded, step_input(job), ScriptedModel([]))
    assert result == {"step": "charts", "charts": 0, "keys": []}
    stored = Jobs(seeded).get("empty_user", job.id)
    assert stored.charts_payload == {}
    assert stored.steps["charts"].generated_by == "none"
    assert stored.steps["charts"].notice == NOTHING_TO_CHART
    assert stored.steps["charts"].status == "succeeded"


async def test_running_twice_leaves_identical_rows(seeded: PsycopgDriver, job: Job) -> None:
    await build_charts(seeded, step_input(job), ScriptedModel([answer(CHOICES)]))
    before = Jobs(seeded).get(job.clerk_user_id, job.id)
    again = await build_charts(seeded, step_input(job), ScriptedModel([]))
    assert again == {"step": "charts", "outcome": "already done"}
    assert Jobs(seeded).get(job.clerk_user_id, job.id) == before


@pytest.mark.usefixtures("offline_lambda_env")
def test_handler_runs_offline_from_a_workflow_event(seeded: PsycopgDriver, job: Job) -> None:
    result = handler({"job_id": str(job.id), "user_id": job.clerk_user_id}, None)
    assert result["charts"] == 5
    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    assert stored.charts_payload is not None
    assert_only_charts(stored.charts_payload)
    assert stored.steps["charts"].generated_by == "offline"
    with pytest.raises(ValidationError, match="job_id"):
        handler({"user_id": job.clerk_user_id}, None)
