"""Start job and Finalize job, and the whole analysis run through its handlers, offline."""

import asyncio
from decimal import Decimal

import pytest

from functions.charter.agent import offline_model as charter_offline
from functions.charter.handler import build_charts
from functions.finalize_job.handler import finalize_job, produced_by
from functions.finalize_job.handler import handler as finalize_handler
from functions.reporter.agent import offline_model as reporter_offline
from functions.reporter.handler import write_report
from functions.retirement.agent import offline_model as retirement_offline
from functions.retirement.handler import project
from functions.start_job.handler import handler as start_handler
from functions.start_job.handler import start_job
from functions.tagger.handler import tag
from runtime.model_choice import OFFLINE_NOTICE
from shared.analytics import coverage_gaps
from shared.db import Instruments, Jobs, Positions
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID
from shared.errors import NotFound
from shared.portfolio import load_portfolio
from shared.schemas import InstrumentClassification, Job, PositionCreate, StepInput
from tests.functions.conftest import tag_input
from tests.support.lambda_context import lambda_context


def step_input(job: Job) -> StepInput:
    return StepInput(job_id=job.id, user_id=job.clerk_user_id)


def test_start_lists_the_held_instruments_that_need_tagging(
    seeded: PsycopgDriver, job: Job
) -> None:
    result = start_job(seeded, step_input(job), None)
    holdings = {p.symbol for p in Positions(seeded).for_user(TEST_USER_ID)}
    assert result == {
        "job_id": str(job.id),
        "user_id": TEST_USER_ID,
        "symbols": ["AAPL", "NVDA"],
        "holdings": len(holdings),
    }
    steps = Jobs(seeded).get(TEST_USER_ID, job.id).steps
    assert (steps["start"].status, steps["tagging"].status, steps["tagging"].total) == (
        "succeeded",
        "running",
        2,
    )


def test_start_again_gives_the_same_items_and_changes_nothing(
    seeded: PsycopgDriver, job: Job
) -> None:
    first = start_job(seeded, step_input(job), None)
    rows = Jobs(seeded).get(TEST_USER_ID, job.id)
    assert start_job(seeded, step_input(job), None) == first
    assert Jobs(seeded).get(TEST_USER_ID, job.id) == rows


def test_nothing_to_tag_finishes_the_tagging_step_at_once(seeded: PsycopgDriver, job: Job) -> None:
    tagged = InstrumentClassification(
        instrument_type="stock",
        allocation_asset_class={"equity": 100},
        allocation_regions={"north_america": 100},
        allocation_sectors={"technology": 100},
    )
    for symbol in ("AAPL", "NVDA"):
        Instruments(seeded).classify(symbol, tagged)
    assert start_job(seeded, step_input(job), None)["symbols"] == []
    tagging = Jobs(seeded).get(TEST_USER_ID, job.id).steps["tagging"]
    assert (tagging.status, tagging.total) == ("succeeded", 0)


def test_start_for_someone_elses_job_is_not_found(seeded: PsycopgDriver, job: Job) -> None:
    with pytest.raises(NotFound):
        start_job(seeded, StepInput(job_id=job.id, user_id="someone_else"), None)


@pytest.mark.anyio
async def test_the_whole_analysis_completes_offline_in_workflow_order(
    seeded: PsycopgDriver, job: Job
) -> None:
    request = step_input(job)
    items = start_job(seeded, request, None)["symbols"]
    for symbol in items:
        await tag(seeded, tag_input(job, symbol), None)
    await asyncio.gather(
        write_report(seeded, request, reporter_offline()),
        build_charts(seeded, request, charter_offline()),
        project(seeded, request, retirement_offline()),
    )
    assert await finalize_job(seeded, request) == {"step": "finalize", "charts": 5}

    done = Jobs(seeded).get(TEST_USER_ID, job.id)
    assert done.status == "completed" and done.completed_at is not None
    # Offline, tagging is skipped (AAPL and NVDA stay unclassified), not succeeded.
    assert {name: step.status for name, step in done.steps.items()} == {
        **dict.fromkeys(done.steps, "succeeded"),
        "tagging": "skipped",
    }
    summary = done.summary_payload
    assert summary is not None and done.retirement_payload is not None
    assert (
        summary["success_probability"]
        == done.retirement_payload["projection"]["success_probability"]
    )
    assert summary["verdict"] == done.retirement_payload["verdict"]
    # The settings it was computed from: the SPA says when they have changed since.
    user = load_portfolio(seeded, TEST_USER_ID).user
    assert summary["settings"] == {
        "years_until_retirement": user.years_until_retirement,
        "target_retirement_income": float(user.target_retirement_income),
        "annual_contribution": float(user.annual_contribution),
        "current_age": user.current_age,
        "asset_class_targets": user.asset_class_targets,
        "region_targets": user.region_targets,
    }
    assert summary["helps_most"] == done.retirement_payload["improvements"][0]["label"]
    assert summary["unclassified"] == ["AAPL", "NVDA"]
    assert summary["generated_by"] == dict.fromkeys(("report", "charts", "retirement"), "offline")
    assert {name: done.steps[name].generated_by for name in summary["generated_by"]} == (
        summary["generated_by"]
    )
    assert "is in holdings not yet classified (AAPL, NVDA)" in summary["text"]
    assert summary["gaps"] == coverage_gaps(load_portfolio(seeded, TEST_USER_ID).valuation)
    assert "No market-data source is configured" in summary["text"]
    # One notice for the whole result, in words a user can act on; none inside the texts.
    assert summary["produced_by"] == {
        "mode": "offline",
        "model": None,
        "message": OFFLINE_NOTICE,
    }
    assert "ALEX_MODEL" in OFFLINE_NOTICE and "Configure a model" not in OFFLINE_NOTICE
    assert done.report_payload is not None and done.charts_payload is not None
    assert OFFLINE_NOTICE not in done.report_payload["markdown"]
    assert OFFLINE_NOTICE not in done.retirement_payload["narrative"]
    assert not any(
        "without a language model" in chart["description"] for chart in done.charts_payload.values()
    )
    # The headline in whole dollars and the chance in words, without counting charts.
    total = load_portfolio(seeded, TEST_USER_ID).valuation.total
    assert summary["text"].startswith(f"Portfolio value: ${total:,.0f}. Chance the target")
    assert f"({done.retirement_payload['verdict']['chance_words']})" in summary["text"]
    assert "charts and a" not in summary["text"]
    rows = Jobs(seeded).get(TEST_USER_ID, job.id)
    await finalize_job(seeded, request)
    assert Jobs(seeded).get(TEST_USER_ID, job.id) == rows


@pytest.mark.anyio
async def test_finalize_completes_a_redriven_job_before_job_events_marks_it_running(
    seeded: PsycopgDriver, job: Job
) -> None:
    jobs = Jobs(seeded)
    jobs.set_status(TEST_USER_ID, job.id, "failed", error="Crash", failed_step="charts")

    await finalize_job(seeded, step_input(job))

    done = jobs.get(TEST_USER_ID, job.id)
    assert (done.status, done.redrive_count, done.error_message) == ("completed", 1, None)


@pytest.mark.usefixtures("offline_lambda_env")
def test_lambda_entries_take_workflow_events(seeded: PsycopgDriver, job: Job) -> None:
    event = {"job_id": str(job.id), "user_id": TEST_USER_ID}
    assert start_handler(event, lambda_context())["symbols"] == ["AAPL", "NVDA"]
    with pytest.raises(ValueError, match="job_id"):
        finalize_handler({"user_id": TEST_USER_ID}, lambda_context())


@pytest.mark.anyio
async def test_a_half_unpriced_portfolio_says_so_in_summary_report_and_charts(
    seeded: PsycopgDriver, job: Job
) -> None:
    account = Positions(seeded).for_user(TEST_USER_ID)[0].account_id
    Instruments(seeded).ensure("TSLQ")
    Positions(seeded).create(
        TEST_USER_ID, PositionCreate(account_id=account, symbol="TSLQ", quantity=Decimal(7))
    )
    holdings = len(Positions(seeded).for_user(TEST_USER_ID))
    request = step_input(job)
    for symbol in start_job(seeded, request, None)["symbols"]:
        await tag(seeded, tag_input(job, symbol), None)
    await asyncio.gather(
        write_report(seeded, request, reporter_offline()),
        build_charts(seeded, request, charter_offline()),
        project(seeded, request, retirement_offline()),
    )
    await finalize_job(seeded, request)

    done = Jobs(seeded).get(TEST_USER_ID, job.id)
    share = f"{100 / holdings:.1f}%"
    said = f"1 of {holdings} holdings ({share} by count) have no price (TSLQ)"
    assert done.summary_payload is not None and said in done.summary_payload["text"]
    assert done.summary_payload["unpriced"] == ["TSLQ"]
    assert done.report_payload is not None and said in done.report_payload["markdown"]
    assert done.charts_payload
    for chart in done.charts_payload.values():
        assert said in chart["description"]


def test_one_notice_names_the_model_that_wrote_the_result() -> None:
    model = "bedrock/openai.gpt-oss-120b-1:0"
    notice = produced_by([model, model, model])
    assert (notice["mode"], notice["model"]) == ("model", model)
    assert notice["message"].startswith(f"Written by the language model {model}")
    # Charts with nothing to chart ("none") do not change who wrote the rest.
    assert produced_by([model, "none", model])["model"] == model


def test_any_part_written_offline_makes_the_notice_offline() -> None:
    assert produced_by(["offline", "offline", "offline"])["mode"] == "offline"
    assert produced_by(["bedrock/x", "offline", "bedrock/x"]) == {
        "mode": "offline",
        "model": None,
        "message": OFFLINE_NOTICE,
    }
    assert produced_by([None, None, None])["mode"] == "offline"
