"""A status event EventBridge loses, on the local workflow: the analysis fails at an injected
fault but its FAILED event never reaches job-events, so the job stays running; once it is stale,
reading it through the API, or the scheduled sweep, ends it failed with the row job-events
would have written from that event."""

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from functions.job_events.handler import parse_event, record_status_change
from functions.reconcile_jobs import handler as reconcile_jobs
from local.api_server import local_app
from local.dev_issuer import DevIssuer
from local.workflow import LocalWorkflow, local_workflow, sweep_stale_jobs
from runtime.executions import start_analysis
from shared.db import Jobs
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID
from shared.schemas import Job, JobCreate
from shared.settings import get_settings
from tests.api.conftest import SPA_ORIGIN, api_settings
from tests.functions.conftest import seeded
from tests.support.lambda_context import lambda_context

__all__ = ["seeded"]  # the fixture these tests share


class Lost:
    """The FAILED status events EventBridge loses, kept for the test to deliver afterwards."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any]) -> bool:
        if event["detail"]["status"] != "FAILED":
            return False
        self.events.append(event)
        return True


@pytest.fixture
def lost() -> Lost:
    return Lost()


@pytest.fixture
def workflow(
    seeded: PsycopgDriver, migrated_url: str, monkeypatch: pytest.MonkeyPatch, lost: Lost
) -> Iterator[LocalWorkflow]:
    """The local workflow, every tagging call crashing, its FAILED events lost."""
    for name, value in {
        "ALEX_ENV": "local",
        "ALEX_MODEL": "offline",
        "ALEX_FAULTS": "tagger=fail",
        "DATABASE_URL": migrated_url,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    with local_workflow(seeded, migrated_url, lost=lost) as running:
        yield running


def failed_silently(db: PsycopgDriver, workflow: LocalWorkflow) -> Job:
    """The demo user's analysis, run to its failure, whose end the job row never heard of."""
    client = workflow.client()
    job = start_analysis(db, client, workflow.state_machine_arn, TEST_USER_ID, JobCreate())
    assert job.execution_arn is not None
    deadline = time.monotonic() + 120
    while (ended := client.describe_execution(executionArn=job.execution_arn))["status"] == (
        "RUNNING"
    ):
        assert time.monotonic() < deadline, "the analysis did not end in 120 s"
        time.sleep(0.1)
    assert (ended["status"], ended["error"]) == ("FAILED", "Crash")
    stuck = Jobs(db).get(TEST_USER_ID, job.id)
    assert (stuck.status, stuck.steps["tagging"].status) == ("running", "running")
    return stuck


def as_job_events_records_it(
    db: PsycopgDriver, workflow: LocalWorkflow, stuck: Job, lost: Lost
) -> dict[str, Any]:
    """The row job-events writes from the lost event, over the row as it was before it ended
    (the same execution, delivered this time), as `comparable` shows it."""
    db.execute(
        "UPDATE jobs SET status = :status, steps = :steps, failed_step = NULL,"
        " error_message = NULL, error_cause = NULL, completed_at = NULL WHERE id = :id",
        {
            "id": stuck.id,
            "status": stuck.status,
            "steps": {name: step.model_dump(mode="json") for name, step in stuck.steps.items()},
        },
    )
    (event,) = lost.events
    record_status_change(db, workflow.client(), parse_event(event))
    return comparable(Jobs(db).get(stuck.clerk_user_id, stuck.id))


def comparable(job: Job) -> dict[str, Any]:
    """The job row without the moments it was written at."""
    moments = {"updated_at", "completed_at"}
    return job.model_dump(
        mode="json",
        exclude={**dict.fromkeys(moments, True), "steps": {"__all__": {"completed_at"}}},
    )


def read_through_the_api(
    db: PsycopgDriver, workflow: LocalWorkflow, job: Job, tmp_path: Path, **settings: Any
) -> dict[str, Any]:
    """GET /api/jobs/{id}, as the SPA polls it, on an API reaching the local workflow."""
    app = local_app(
        api_settings(
            tmp_path,
            workflow.database_url,
            ANALYSIS_STATE_MACHINE_ARN=workflow.state_machine_arn,
            AWS_ENDPOINT_URL_STEPFUNCTIONS=workflow.endpoint_url,
            **settings,
        ),
        db=db,
    )
    token = DevIssuer(tmp_path).mint(job.clerk_user_id, None, azp=SPA_ORIGIN)
    with TestClient(app) as client:
        read = client.get(f"/api/jobs/{job.id}", headers={"Authorization": f"Bearer {token}"})
    assert read.status_code == 200, read.text
    body: dict[str, Any] = read.json()
    return body


def run_the_sweep_lambda(
    db: PsycopgDriver, workflow: LocalWorkflow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANALYSIS_STATE_MACHINE_ARN", workflow.state_machine_arn)
    monkeypatch.setattr(reconcile_jobs, "stepfunctions", workflow.client)
    get_settings.cache_clear()
    assert reconcile_jobs.handler({"source": "aws.events"}, lambda_context())["outcomes"] == {
        "marked failed": 1
    }


def run_the_sweep_of_alex_dev(
    db: PsycopgDriver, workflow: LocalWorkflow, monkeypatch: pytest.MonkeyPatch
) -> None:
    sweep_stale_jobs(db, workflow)


def test_a_lost_failure_is_recorded_when_the_stale_job_is_read(
    seeded: PsycopgDriver, workflow: LocalWorkflow, lost: Lost, tmp_path: Path
) -> None:
    stuck = failed_silently(seeded, workflow)

    fresh = read_through_the_api(seeded, workflow, stuck, tmp_path)
    assert fresh["status"] == "running"  # not stale yet: Step Functions is not asked
    ended = read_through_the_api(seeded, workflow, stuck, tmp_path, ALEX_STALE_JOB_AFTER=0)

    assert (ended["status"], ended["failed_step"], ended["error_message"]) == (
        "failed",
        "tagging",
        "Crash",
    )
    assert "fault injected by ALEX_FAULTS=fail" in ended["error_cause"]
    assert ended["steps"]["tagging"]["status"] == "failed"
    reconciled = comparable(Jobs(seeded).get(TEST_USER_ID, stuck.id))
    assert reconciled == comparable(Job.model_validate(ended))
    assert reconciled == as_job_events_records_it(seeded, workflow, stuck, lost)


@pytest.mark.parametrize("sweep", [run_the_sweep_lambda, run_the_sweep_of_alex_dev])
def test_a_lost_failure_is_recorded_by_the_sweep(
    seeded: PsycopgDriver,
    workflow: LocalWorkflow,
    lost: Lost,
    monkeypatch: pytest.MonkeyPatch,
    sweep: Callable[[PsycopgDriver, LocalWorkflow, pytest.MonkeyPatch], None],
) -> None:
    stuck = failed_silently(seeded, workflow)
    monkeypatch.setenv("ALEX_STALE_JOB_AFTER", "0")
    get_settings.cache_clear()

    sweep(seeded, workflow, monkeypatch)

    ended = Jobs(seeded).get(TEST_USER_ID, stuck.id)
    assert (ended.status, ended.failed_step, ended.error_message) == ("failed", "tagging", "Crash")
    assert comparable(ended) == as_job_events_records_it(seeded, workflow, stuck, lost)
