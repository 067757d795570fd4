"""The reporter writes its report from its tools, cites only their figures, labels offline text."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from agents.testing import ModelCall, ModelStep, ScriptedModel, assistant_message, function_call
from litellm.exceptions import RateLimitError

from functions.reporter.agent import (
    TOOLS,
    ReportContext,
    offline_model,
    reporter,
    validate_report,
)
from functions.reporter.handler import handler, write_report
from functions.reporter.templates import DISCLAIMER, SECTIONS, account_label
from runtime.agents import run_agent
from runtime.model_choice import OFFLINE_NOTICE
from runtime.model_factory import hosted_model
from shared.analytics import (
    all_breakdowns,
    plan_rebalance,
    project_retirement,
    retirement_inputs,
    risk_indicators,
)
from shared.analytics.analysis import base_words, report_analysis
from shared.analytics.prose import dollars, percent
from shared.db import Accounts, Instruments, Jobs, Positions
from shared.db.psycopg_driver import PsycopgDriver
from shared.errors import InvalidModelOutput, ModelThrottled
from shared.portfolio import Portfolio, load_portfolio
from shared.schemas import Job, PositionCreate, StepInput, User
from tests.functions.litellm_layer import BEDROCK_MODEL, LiteLLMRecorder, tool_call
from tests.support.lambda_context import lambda_context

pytestmark = pytest.mark.anyio

TOOL_NAMES = [tool.name for tool in TOOLS]


def request_for(job: Job) -> StepInput:
    return StepInput(job_id=job.id, user_id=job.clerk_user_id)


def call_all_tools() -> ModelStep:
    return ModelStep(
        output=[function_call(name, {}, call_id=f"call-{name}") for name in TOOL_NAMES]
    )


def tool_outputs(call: ModelCall) -> dict[str, dict[str, Any]]:
    """The tool results fed back to the model in this call, parsed, by tool name."""
    return {
        item["call_id"].removeprefix("call-"): json.loads(item["output"])
        for item in call.input
        if isinstance(item, dict) and item.get("type") == "function_call_output"
    }


def report(figures: str) -> str:
    """A well-formed report whose executive summary says `figures`."""
    body = "This section explains what the figures mean for you in plain words."
    sections = [f"## {SECTIONS[0]}\n\n{figures} {body}"]
    sections += [f"## {heading}\n\n{body}" for heading in SECTIONS[1:]]
    return "# Portfolio report\n\n" + "\n\n".join(sections)


def write_from_tools(call: ModelCall) -> ModelStep:
    """The model's answer: the report, citing what the tools returned (rounded as a model would)."""
    outputs = tool_outputs(call)
    summary, outlook = outputs["get_portfolio_summary"], outputs["get_retirement_outlook"]
    equity = outputs["get_breakdowns"]["asset_class"][0]
    text = report(
        f"Your portfolio is worth {dollars(summary['total_value'])}, about"
        f" ${round(summary['total_value'] / 1000)}k, with {equity['percentage']}% in"
        f" {equity['name']}; the plan succeeds in"
        f" {round(outlook['success_probability_percent'])}% of markets."
    )
    return ModelStep(output=[assistant_message(text)])


async def test_report_is_written_from_the_tools_and_stored_with_their_figures(
    seeded: PsycopgDriver, job: Job
) -> None:
    model = ScriptedModel([call_all_tools(), ModelStep.respond(write_from_tools)])

    result = await write_report(seeded, request_for(job), model)

    assert result == {"step": "report", "sections": 7, "characters": result["characters"]}
    first, second = model.calls
    assert [tool.name for tool in first.tools] == TOOL_NAMES
    # The real tools ran against the seeded portfolio, and their results reached the model.
    portfolio = load_portfolio(seeded, job.clerk_user_id)
    valuation = portfolio.valuation
    outputs = tool_outputs(second)
    assert set(outputs) == set(TOOL_NAMES)
    assert outputs["get_profile"]["name"] == "Test User"
    assert outputs["get_profile"]["target_retirement_income"] == 80000
    assert outputs["get_portfolio_summary"]["total_value"] == float(valuation.total)
    assert outputs["get_portfolio_summary"]["unclassified_symbols"] == ["AAPL", "NVDA"]
    asset_classes = all_breakdowns(valuation).asset_class
    assert [(s["name"], s["percentage"]) for s in outputs["get_breakdowns"]["asset_class"]] == [
        (s.name, float(s.percentage)) for s in asset_classes.slices
    ]
    plan = plan_rebalance(
        valuation, portfolio.user.asset_class_targets, portfolio.user.region_targets
    )
    trades = outputs["get_drift_and_rebalancing"]["trades"]
    assert [(t["symbol"], t["action"], t["amount"]) for t in trades] == [
        (t.symbol, t.action, float(t.amount)) for t in plan.trades
    ]
    # The same projection the retirement step stores: one set of figures across the analysis.
    projection = project_retirement(retirement_inputs(portfolio.user, valuation))
    outlook = outputs["get_retirement_outlook"]
    assert outlook["success_probability_percent"] == round(100 * projection.success_probability, 1)
    assert outlook["sustainable_income"] == projection.sustainable_income

    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    payload = stored.report_payload
    assert payload is not None
    assert payload["sections"] == list(SECTIONS)
    assert set(payload) == {"markdown", "sections", "analysis"}
    # The structured parts come from the analytics, whatever the model wrote.
    analysis = report_analysis(valuation, plan, risk_indicators(valuation))
    assert payload["analysis"] == analysis.model_dump(mode="json")
    assert stored.steps["report"].generated_by == "ScriptedModel"
    assert stored.steps["report"].notice is None
    assert dollars(valuation.total) in payload["markdown"]
    assert (
        f"{asset_classes.slices[0].percentage}% in {asset_classes.slices[0].name}"
        in (payload["markdown"])
    )
    assert stored.steps["report"].status == "succeeded"
    assert "reporter" in stored.usage


async def test_what_if_contribution_reaches_the_projection(seeded: PsycopgDriver, job: Job) -> None:
    model = ScriptedModel(
        [
            [
                function_call("get_retirement_outlook", {}, call_id="call-own"),
                function_call(
                    "get_retirement_outlook",
                    {"annual_contribution": 30000, "years_until_retirement": None},
                    call_id="call-more",
                ),
            ],
            ModelStep.respond(
                lambda call: [
                    assistant_message(
                        report(
                            f"Saving $30,000 a year lifts the chance to"
                            f" {tool_outputs(call)['more']['success_probability_percent']}%."
                        )
                    )
                ]
            ),
        ]
    )
    await write_report(seeded, request_for(job), model)
    outputs = tool_outputs(model.calls[1])
    own, more = outputs["own"], outputs["more"]
    assert (own["annual_contribution"], more["annual_contribution"]) == (20000, 30000)
    assert more["success_probability_percent"] > own["success_probability_percent"]


async def test_figure_no_tool_returned_is_re_asked_then_raises_and_stores_nothing(
    seeded: PsycopgDriver, job: Job
) -> None:
    invented = report("Your portfolio is worth $1,234,567.89 and 99.9% of it is equity.")
    model = ScriptedModel(
        [
            call_all_tools(),
            [assistant_message(invented)],
            [assistant_message(invented)],
        ]
    )
    with pytest.raises(InvalidModelOutput, match=r"Reporter gave invalid output twice"):
        await write_report(seeded, request_for(job), model)
    retry = model.calls[2]
    sent = json.dumps(retry.input)  # not str(): a name's quotes would change how it is escaped
    assert "could not be used: these figures are not among the tools' results:" in sent
    assert "$1,234,567.89, 99.9%" in str(retry.input)
    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    assert stored.report_payload is None
    assert stored.steps["report"].status == "failed"
    assert "InvalidModelOutput" in (stored.steps["report"].error or "")


async def test_missing_heading_is_re_asked_and_a_corrected_report_is_stored(
    seeded: PsycopgDriver, job: Job
) -> None:
    no_disclaimer = report("No figures yet.").split(f"## {SECTIONS[-1]}")[0]
    model = ScriptedModel(
        [
            [assistant_message(no_disclaimer)],
            call_all_tools(),
            ModelStep.respond(write_from_tools),
        ]
    )
    await write_report(seeded, request_for(job), model)
    assert "headings must be exactly, in this order" in str(model.calls[1].input)
    payload = Jobs(seeded).get(job.clerk_user_id, job.id).report_payload
    assert payload is not None and payload["sections"] == list(SECTIONS)


async def test_throttling_raises_model_throttled_and_marks_the_step_failed(
    seeded: PsycopgDriver, job: Job
) -> None:
    throttled = RateLimitError("Too many requests", "bedrock", "bedrock/x")
    model = ScriptedModel([ModelStep.raise_error(throttled)])
    with pytest.raises(ModelThrottled, match="throttled"):
        await write_report(seeded, request_for(job), model)
    step = Jobs(seeded).get(job.clerk_user_id, job.id).steps["report"]
    assert step.status == "failed" and "ModelThrottled" in (step.error or "")


async def test_offline_report_has_every_section_and_figures_from_the_tools(
    seeded: PsycopgDriver, job: Job
) -> None:
    model = offline_model()
    result = await write_report(seeded, request_for(job), model)

    assert result["sections"] == len(SECTIONS)
    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    payload = stored.report_payload
    assert payload is not None and set(payload) == {"markdown", "sections", "analysis"}
    assert stored.steps["report"].generated_by == "offline"
    # The step keeps the notice; the text does not repeat it (the job has one notice).
    assert stored.steps["report"].notice == OFFLINE_NOTICE
    markdown = payload["markdown"]
    assert OFFLINE_NOTICE not in markdown
    assert markdown.split("\n\n")[0] == "# Portfolio report for Test User"
    assert payload["sections"] == list(SECTIONS)
    portfolio = load_portfolio(seeded, job.clerk_user_id)
    plan = plan_rebalance(
        portfolio.valuation, portfolio.user.asset_class_targets, portfolio.user.region_targets
    )
    assert plan.trades, "the demo portfolio is outside its band: the report should trade"
    for trade in plan.trades:
        line = f"{trade.account_name}: {trade.action} {dollars(trade.amount)} of {trade.symbol}"
        assert line in markdown
    for name in ("AAPL", "NVDA"):
        assert name in markdown.split(f"## {SECTIONS[5]}")[1]
    # AAPL and NVDA are unclassified: each drift's base says its shares leave them out.
    for drift in plan.before:
        words = base_words(drift.base, unclassified=True)
        assert f"- {drift.name}: {percent(drift.actual)} {words} against a target" in markdown
    assert markdown.rstrip().endswith(DISCLAIMER)


async def test_an_unpriced_holding_is_advised_a_price_not_a_classification(
    seeded: PsycopgDriver, job: Job
) -> None:
    Instruments(seeded).ensure("TSLA")
    (account, *_) = Accounts(seeded).for_user(job.clerk_user_id)
    Positions(seeded).create(
        job.clerk_user_id, PositionCreate(account_id=account.id, symbol="TSLA", quantity=3)
    )
    await write_report(seeded, request_for(job), offline_model())

    payload = Jobs(seeded).get(job.clerk_user_id, job.id).report_payload
    assert payload is not None
    advice = payload["markdown"].split(f"## {SECTIONS[5]}")[1].split("## ")[0]
    assert "Enter a price for TSLA on the account page" in advice
    assert "Classify AAPL, NVDA so their value counts toward your targets" in advice


async def test_offline_report_of_an_empty_portfolio_still_has_every_section() -> None:
    now = datetime.now(UTC)
    user = User(clerk_user_id="new_user", created_at=now, updated_at=now)
    context = ReportContext(
        Portfolio(user=user, accounts=[], positions=[], instruments={}, user_prices=[])
    )
    outcome = await run_agent(
        reporter,
        "Write the report.",
        model=offline_model(),
        context=context,
        validate=lambda text: validate_report(text, context.outputs),
    )
    assert outcome.value.sections == list(SECTIONS)
    assert "your portfolio is worth $0 across 0 accounts" in outcome.value.markdown
    assert "No rebalancing trades are proposed." in outcome.value.markdown


async def test_running_twice_leaves_identical_job_rows(seeded: PsycopgDriver, job: Job) -> None:
    await write_report(seeded, request_for(job), offline_model())
    before = Jobs(seeded).get(job.clerk_user_id, job.id)
    result = await write_report(seeded, request_for(job), ScriptedModel([]))
    assert result == {"step": "report", "outcome": "already done"}
    assert Jobs(seeded).get(job.clerk_user_id, job.id) == before


def test_handler_runs_offline_from_a_workflow_event(
    seeded: PsycopgDriver, job: Job, monkeypatch: pytest.MonkeyPatch, migrated_url: str
) -> None:
    monkeypatch.setenv("ALEX_MODEL", "offline")
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    event = {"job_id": str(job.id), "user_id": job.clerk_user_id}
    assert handler(event, lambda_context())["sections"] == len(SECTIONS)
    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    assert stored.report_payload is not None and stored.steps["report"].generated_by == "offline"
    with pytest.raises(ValueError, match="job_id"):
        handler({"user_id": job.clerk_user_id}, lambda_context())


async def test_tools_and_their_schemas_reach_bedrock(
    seeded: PsycopgDriver, job: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = LiteLLMRecorder(
        monkeypatch,
        [
            {"mock_tool_calls": [tool_call("c1", "get_profile", "{}")], "mock_response": ""},
            {"mock_response": report("Your target income is $80,000 a year.")},
        ],
    )
    await write_report(seeded, request_for(job), hosted_model(BEDROCK_MODEL))

    first, second = recorder.requests
    assert first["model"] == BEDROCK_MODEL
    specs = {
        t["toolSpec"]["name"]: t["toolSpec"]
        for t in recorder.bedrock_request(0)["toolConfig"]["tools"]
    }
    assert list(specs) == TOOL_NAMES
    outlook = specs["get_retirement_outlook"]["inputSchema"]["json"]
    assert set(outlook["required"]) == {"annual_contribution", "years_until_retirement"}
    assert specs["get_profile"]["inputSchema"]["json"]["properties"] == {}
    assert all(spec["description"] for spec in specs.values())
    (fed_back,) = [m for m in second["messages"] if m["role"] == "tool"]
    assert json.loads(fed_back["content"])["target_retirement_income"] == 80000
    stored = Jobs(seeded).get(job.clerk_user_id, job.id)
    assert stored.report_payload is not None
    assert stored.steps["report"].generated_by == BEDROCK_MODEL


# --- The figure check, on its own ----------------------------------------------------------------

TOOL_OUTPUT = json.dumps(
    {
        "total_value": 123456.78,
        "equity": 45.24,
        "success_probability": 0.873,
        "notes": ["20.0% of the portfolio is projected as equity; trades of at least $100."],
        "account_id": "5e1b2c3d-0000-4000-8000-000000000042",
    }
)


@pytest.mark.parametrize(
    "cited",
    [
        "$123,456.78",
        "$123456.78",
        "$123,457",
        "$123,000",
        "$123k",
        "$123.5K",
        "$0.1 million",
        "45.24%",
        "45.2%",
        "45%",
        "45.24 percent",
        "-45.2%",
        "87.3%",
        "20%",
        "$100",
        "45 to 45.24%",
    ],
)
def test_figures_rounded_from_a_tool_figure_are_accepted(cited: str) -> None:
    assert validate_report(report(f"You hold {cited}."), [TOOL_OUTPUT]).sections == list(SECTIONS)


@pytest.mark.parametrize(
    "cited",
    ["$123,456.79", "$124,000", "$1.2 million", "45.3%", "46%", "42%", "40-45%", "$5", "$42"],
)
def test_figures_no_tool_returned_are_refused(cited: str) -> None:
    with pytest.raises(ValueError, match="not among the tools' results"):
        validate_report(report(f"You hold {cited}."), [TOOL_OUTPUT])


def test_headings_out_of_order_or_empty_sections_are_refused() -> None:
    swapped = (
        report("$100.")
        .replace(f"## {SECTIONS[1]}", "## swap")
        .replace(f"## {SECTIONS[2]}", f"## {SECTIONS[1]}")
        .replace("## swap", f"## {SECTIONS[2]}")
    )
    with pytest.raises(ValueError, match="headings must be exactly"):
        validate_report(swapped, [TOOL_OUTPUT])
    thin = report("$100.").replace(
        f"## {SECTIONS[3]}\n\nThis section explains what the figures mean for you in plain words.",
        f"## {SECTIONS[3]}\n\nTBD.",
    )
    with pytest.raises(ValueError, match=f"need real content.*: {SECTIONS[3]}$"):
        validate_report(thin, [TOOL_OUTPUT])
    with pytest.raises(ValueError, match="cites no figures"):
        validate_report(report("Nothing."), [TOOL_OUTPUT])


def test_a_report_in_a_markdown_fence_is_unwrapped() -> None:
    fenced = f"```markdown\n{report('$100.')}\n```"
    assert validate_report(fenced, [TOOL_OUTPUT]).markdown.startswith("# Portfolio report")


def test_prose_figures_are_read_by_the_validator_as_the_figures_returned() -> None:
    output = json.dumps({"value": 1234567.8, "share_percent": 45.25, "paths": 10000})
    text = report(f"{dollars(1234567.8)}, {percent(45.25)} and 10,000 markets.")
    assert dollars(Decimal("1234567.8")) == "$1,234,568"
    assert percent(45.25) == "45.2%"
    assert validate_report(text, [output]).markdown


def test_an_account_named_as_its_type_is_not_repeated() -> None:
    assert account_label("401k", "401(k)") == "401k"
    assert account_label("Roth IRA", "Roth IRA") == "Roth IRA"
    assert account_label("Taxable brokerage", "Taxable") == "Taxable brokerage"
    assert account_label("Work plan", "401(k)") == "Work plan (401(k))"
