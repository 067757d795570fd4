"""The seeded user's analysis on one machine: the synthesized definition, run by the local engine
with the real handlers, the offline model and PostgreSQL."""

import json
from decimal import Decimal
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message

from functions.tagger import handler as tagger_handler
from local.engine import Engine
from local.invoker import LocalLambda, function_arn, local_definition
from shared.db import Accounts, Instruments, Jobs, Positions, Users
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID
from shared.schemas import AccountCreate, Job, JobCreate, PositionCreate, UserCreate
from tests.engine import fakes
from tests.functions.conftest import job, offline_lambda_env, seeded

__all__ = ["job", "offline_lambda_env", "seeded"]  # the fixtures these tests share

Analysis = tuple[dict[str, Any], dict[str, str]]


@pytest.fixture(scope="module")
def analysis(templates: dict[str, dict[str, Any]]) -> Analysis:
    return local_definition(templates["AlexAnalysis"])


def execution_input(job: Job) -> dict[str, str]:
    return {"job_id": str(job.id), "user_id": job.clerk_user_id}


def test_definition_calls_each_function_by_its_handler(analysis: Analysis) -> None:
    definition, handlers = analysis
    called = {
        state["Arguments"]["FunctionName"]
        for state in _states(definition)
        if state["Type"] == "Task"
    }
    assert {handlers[name] for name in called} == {
        f"functions.{name}.handler.handler"
        for name in ("start_job", "tagger", "reporter", "charter", "retirement", "finalize_job")
    }
    assert all(name.startswith(function_arn("")) for name in handlers)


def _states(chain: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for state in chain["States"].values():
        found.append(state)
        for branch in [*state.get("Branches", []), state.get("ItemProcessor", {"States": {}})]:
            found += _states(branch)
    return found


@pytest.mark.usefixtures("offline_lambda_env")
def test_seeded_users_analysis_completes_with_every_payload(
    analysis: Analysis, seeded: PsycopgDriver, job: Job
) -> None:
    definition, handlers = analysis
    untagged = Instruments(seeded).untagged(["AAPL", "NVDA"])
    assert untagged == ["AAPL", "NVDA"]

    engine = Engine(definition, LocalLambda(handlers), fakes.store(), sleep=lambda seconds: None)
    arn = engine.start_execution(execution_input(job), name=str(job.id))
    description = engine.wait(arn, timeout=120)

    assert description["status"] == "SUCCEEDED", description
    done = Jobs(seeded).get(TEST_USER_ID, job.id)
    assert done.status == "completed" and done.completed_at is not None
    for name, step in done.steps.items():
        # The offline model classifies nothing: tagging is skipped, not succeeded.
        assert step.status == ("skipped" if name == "tagging" else "succeeded")
        assert step.started_at is not None and step.completed_at is not None
        assert step.started_at <= step.completed_at
    assert done.steps["tagging"].total == 2 and done.steps["tagging"].done == 2
    assert done.report_payload and done.charts_payload and done.retirement_payload
    # The offline model classifies nothing: the untagged symbols are shown as Unclassified.
    assert done.summary_payload and done.summary_payload["unclassified"] == untagged


def tag_answer(payload: Any) -> ScriptedModel:
    """The hosted model, scripted: one classification, in the shape the tagger asks for."""
    return ScriptedModel([ModelStep(output=[assistant_message(json.dumps(payload))])])


TECH_STOCK = {
    "instrument_type": "stock",
    "asset_classes": [{"name": "equity", "percent": 100}],
    "regions": [{"name": "north_america", "percent": 100}],
    "sectors": [{"name": "technology", "percent": 100}],
}


@pytest.mark.usefixtures("offline_lambda_env")
def test_a_scripted_tagger_tags_the_untagged_symbols_during_the_analysis(
    analysis: Analysis, seeded: PsycopgDriver, job: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The tagger talks to a (scripted) hosted model; the other agents stay offline.
    monkeypatch.setattr(tagger_handler, "model_name", lambda: "bedrock/scripted")
    monkeypatch.setattr(tagger_handler, "hosted_model", lambda name: tag_answer(TECH_STOCK))
    definition, handlers = analysis

    engine = Engine(definition, LocalLambda(handlers), fakes.store(), sleep=lambda seconds: None)
    description = engine.wait(engine.start_execution(execution_input(job)), timeout=120)

    assert description["status"] == "SUCCEEDED", description
    for symbol in ("AAPL", "NVDA"):
        tagged = Instruments(seeded).get(symbol)
        assert tagged.allocation_sectors == {"technology": 100}
        assert tagged.allocation_regions == {"north_america": 100}
    done = Jobs(seeded).get(TEST_USER_ID, job.id)
    assert done.status == "completed"
    assert sorted(done.steps["tagging"].items) == ["AAPL", "NVDA"]  # in the order they finished
    assert done.summary_payload and done.summary_payload["unclassified"] == []
    assert set(done.usage) >= {"tagger:AAPL", "tagger:NVDA"}


@pytest.mark.usefixtures("offline_lambda_env")
def test_ten_users_analyses_run_at_once_each_on_its_own_data(
    analysis: Analysis, seeded: PsycopgDriver
) -> None:
    spy = Instruments(seeded).get("SPY").current_price
    jobs = Jobs(seeded)
    started = {}
    for n in range(1, 11):
        user = f"user_{n:02}"
        Users(seeded).get_or_create(UserCreate(clerk_user_id=user, display_name=f"User {n}"))
        account = Accounts(seeded).create(
            user, AccountCreate(account_name="Brokerage", account_type="taxable")
        )
        Positions(seeded).create(
            user, PositionCreate(account_id=account.id, symbol="SPY", quantity=Decimal(n))
        )
        started[user] = jobs.create(user, JobCreate())
    definition, handlers = analysis
    engine = Engine(definition, LocalLambda(handlers), fakes.store(), sleep=lambda seconds: None)

    arns = [engine.start_execution(execution_input(created)) for created in started.values()]
    assert len(engine.list_executions()) == 10
    outcomes = [engine.wait(arn, timeout=300)["status"] for arn in arns]

    assert outcomes == ["SUCCEEDED"] * 10
    for n, (user, created) in enumerate(started.items(), start=1):
        done = jobs.get(user, created.id)
        assert done.status == "completed"
        assert done.summary_payload and done.summary_payload["total_value"] == float(n * spy)
        assert [j.id for j in jobs.recent(user).items] == [created.id]
