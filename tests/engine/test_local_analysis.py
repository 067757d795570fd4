"""The seeded user's analysis on one machine: the synthesized definition, run by the local engine
with the real handlers, the offline model and PostgreSQL."""

from typing import Any

import pytest

from local.engine import Engine
from local.invoker import LocalLambda, function_arn, local_definition
from shared.db import Instruments, Jobs
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID
from shared.schemas import Job
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
    for step in done.steps.values():
        assert step.status == "succeeded"
        assert step.started_at is not None and step.completed_at is not None
        assert step.started_at <= step.completed_at
    assert done.steps["tagging"].total == 2 and done.steps["tagging"].done == 2
    assert done.report_payload and done.charts_payload and done.retirement_payload
    # The offline model classifies nothing: the untagged symbols are shown as Unclassified.
    assert done.summary_payload and done.summary_payload["unclassified"] == untagged
