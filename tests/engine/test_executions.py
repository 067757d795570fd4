"""Starting and redriving a job's execution (`runtime.executions`, the API's and the CLI's one
code path) through boto3 against the local endpoint: what a job looks like when Step Functions
refuses or cannot be reached."""

from collections.abc import Iterator
from typing import Any

import pytest

from local.endpoint import serve
from local.engine import Engine
from runtime.aws import stepfunctions_client
from runtime.executions import WorkflowUnavailable, redrive_job, start_analysis
from shared.db import Jobs
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID
from shared.errors import Conflict
from shared.schemas import JobCreate
from shared.settings import get_settings
from tests.engine import fakes
from tests.engine.fakes import Functions, machine, task
from tests.engine.test_redrive import Switch
from tests.functions.conftest import seeded

__all__ = ["seeded"]

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:Analysis"


def client_for(url: str) -> Any:
    settings = get_settings().model_copy(
        update={"stepfunctions_endpoint_url": url, "environment": "local"}
    )
    return stepfunctions_client(settings)


@pytest.fixture
def workflow() -> Iterator[tuple[Engine, Switch, Any]]:
    """A workflow whose only function fails until it is fixed, and a client for it."""
    work = Switch({"done": True})
    engine = Engine(machine({"Work": task("work")}), Functions({"work": work}), fakes.store())
    endpoint, url = serve({MACHINE: engine})
    yield engine, work, client_for(url)
    endpoint.close()


def test_a_job_whose_execution_cannot_start_is_failed_with_the_reason(
    seeded: PsycopgDriver,
) -> None:
    unreachable = client_for("http://127.0.0.1:9")

    with pytest.raises(WorkflowUnavailable, match="could not start the analysis workflow"):
        start_analysis(seeded, unreachable, MACHINE, TEST_USER_ID, JobCreate())

    (job,) = Jobs(seeded).recent(TEST_USER_ID).items
    assert job.status == "failed" and job.execution_arn is None
    assert job.error_cause and "could not start the analysis workflow" in job.error_cause
    with pytest.raises(Conflict, match="failed before its workflow started"):
        redrive_job(seeded, unreachable, TEST_USER_ID, job.id)


def test_an_unknown_state_machine_fails_the_job_and_frees_the_user(
    seeded: PsycopgDriver, workflow: tuple[Engine, Switch, Any]
) -> None:
    client = workflow[2]
    missing = MACHINE.replace("Analysis", "Missing")
    with pytest.raises(WorkflowUnavailable, match="State Machine Does Not Exist"):
        start_analysis(seeded, client, missing, TEST_USER_ID, JobCreate())

    started = start_analysis(seeded, client, MACHINE, TEST_USER_ID, JobCreate())
    assert started.execution_arn and started.execution_arn.endswith(str(started.id))


def test_a_failed_job_is_redriven_and_others_are_refused(
    seeded: PsycopgDriver, workflow: tuple[Engine, Switch, Any]
) -> None:
    engine, work, client = workflow
    jobs = Jobs(seeded)
    job = start_analysis(seeded, client, MACHINE, TEST_USER_ID, JobCreate())
    assert job.execution_arn is not None
    with pytest.raises(Conflict, match="is pending: only a failed job can be retried"):
        redrive_job(seeded, client, TEST_USER_ID, job.id)
    assert engine.wait(job.execution_arn, timeout=10)["status"] == "FAILED"
    # No job-events here: the job's failure is recorded as that function would record it.
    jobs.set_status(TEST_USER_ID, job.id, "failed", error="Crash", cause="not yet")

    work.broken = False
    redrive_job(seeded, client, TEST_USER_ID, job.id)
    described = engine.wait(job.execution_arn, timeout=10)
    assert (described["status"], described["redriveCount"]) == ("SUCCEEDED", 1)

    # A job marked failed whose execution succeeded: Step Functions refuses, the job is kept.
    jobs.set_status(TEST_USER_ID, job.id, "running")
    jobs.set_status(TEST_USER_ID, job.id, "failed", error="Crash", cause="by hand")
    with pytest.raises(Conflict, match=r"cannot be retried: .*SUCCEEDED"):
        redrive_job(seeded, client, TEST_USER_ID, job.id)
    kept = jobs.get(TEST_USER_ID, job.id)
    assert (kept.status, kept.error_cause) == ("failed", "by hand")
