"""Jobs whose status events were lost, checked against their executions: by the sweep's Lambda
and by `reconcile_job` (which the API's read path calls), on the real database.

DescribeExecution and GetExecutionHistory are served by botocore's Stubber (the histories of
test_job_events), which checks each request and answer against the service model.
"""

import io
import json
from typing import Any

import pytest
from botocore.stub import Stubber

from functions.reconcile_jobs import handler as reconcile_jobs
from functions.reconcile_jobs.handler import SweepIncomplete
from runtime.executions import (
    NEVER_STARTED,
    NO_EXECUTION,
    NOT_RECORDED,
    NOT_RECORDED_CAUSE,
    WorkflowUnavailable,
    reconcile_job,
    redrive_job,
)
from shared.db import Jobs, Users
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID
from shared.errors import Conflict
from shared.schemas import Job, JobCreate, UserCreate
from shared.settings import Settings
from state_machines.steps import STEPS
from tests.functions.test_job_events import (
    STATE_MACHINE_ARN,
    T0,
    execution_arn,
    failed_in_charts,
    reread,
    serve,
    status_change,
    stepfunctions,
)
from tests.functions.test_job_events import record as deliver
from tests.support.lambda_context import lambda_context

__all__ = ["stepfunctions"]  # the fixture these tests share


def described(
    job: Job, status: str, *, error: str | None = None, cause: str | None = None
) -> dict[str, Any]:
    """DescribeExecution's answer for the job's execution."""
    answer: dict[str, Any] = {
        "executionArn": execution_arn(job),
        "stateMachineArn": STATE_MACHINE_ARN,
        "name": str(job.id),
        "status": status,
        "startDate": T0,
        "input": json.dumps({"job_id": str(job.id), "user_id": job.clerk_user_id}),
        "inputDetails": {"included": True},
        "redriveCount": 0,
    }
    if status != "RUNNING":
        answer["stopDate"] = T0
    answer.update({k: v for k, v in (("error", error), ("cause", cause)) if v is not None})
    return answer


def describe(stubber: Stubber, job: Job, answer: dict[str, Any]) -> None:
    stubber.add_response("describe_execution", answer, {"executionArn": execution_arn(job)})


def running_job(db: PsycopgDriver, user_id: str, *, started: bool = True) -> Job:
    """The user's job, running with its execution recorded (or pending, with none)."""
    Users(db).get_or_create(UserCreate(clerk_user_id=user_id))
    jobs = Jobs(db)
    job = jobs.create(user_id, JobCreate())
    if not started:
        return job
    jobs.set_execution(user_id, job.id, execution_arn(job))
    return jobs.set_status(user_id, job.id, "running")


def as_recorded(job: Job) -> dict[str, Any]:
    """What job-events writes of an execution's end, whichever job it is."""
    return {
        "status": job.status,
        "failed_step": job.failed_step,
        "error_message": job.error_message,
        "error_cause": job.error_cause,
        "steps": {name: (step.status, step.error) for name, step in job.steps.items()},
    }


def test_a_failed_execution_whose_event_was_lost_fails_the_job_as_job_events_does(
    seeded: PsycopgDriver, stepfunctions: tuple[Any, Stubber]
) -> None:
    client, stubber = stepfunctions
    delivered, lost = running_job(seeded, TEST_USER_ID), running_job(seeded, "user_lost")
    serve(stubber, delivered, failed_in_charts())
    deliver(seeded, stepfunctions, status_change(delivered, "FAILED", error="InvalidModelOutput"))
    describe(stubber, lost, described(lost, "FAILED", error="InvalidModelOutput"))
    serve(stubber, lost, failed_in_charts())

    recorded = reconcile_job(seeded, client, STATE_MACHINE_ARN, lost)

    assert recorded.outcome == "marked failed"
    assert recorded.job == reread(seeded, lost)
    assert as_recorded(recorded.job) == as_recorded(reread(seeded, delivered))
    assert (recorded.job.failed_step, recorded.job.error_cause) == (
        "charts",
        "chart percentages sum to 99.7, not 100",
    )


def test_a_running_execution_leaves_the_job_as_it_is(
    seeded: PsycopgDriver, stepfunctions: tuple[Any, Stubber]
) -> None:
    job = running_job(seeded, TEST_USER_ID)
    describe(stepfunctions[1], job, described(job, "RUNNING"))

    recorded = reconcile_job(seeded, stepfunctions[0], STATE_MACHINE_ARN, job)

    assert (recorded.outcome, recorded.job) == ("ignored", job)
    assert reread(seeded, job) == job


def test_a_succeeded_execution_over_a_job_not_completed_fails_it_saying_so(
    seeded: PsycopgDriver, stepfunctions: tuple[Any, Stubber]
) -> None:
    job = running_job(seeded, TEST_USER_ID)
    describe(stepfunctions[1], job, described(job, "SUCCEEDED"))

    reconcile_job(seeded, stepfunctions[0], STATE_MACHINE_ARN, job)

    failed = reread(seeded, job)
    assert (failed.status, failed.failed_step) == ("failed", "finalize")
    assert (failed.error_message, failed.error_cause) == (NOT_RECORDED, NOT_RECORDED_CAUSE)


def test_a_job_whose_execution_never_started_fails_saying_to_start_a_new_one(
    seeded: PsycopgDriver, stepfunctions: tuple[Any, Stubber]
) -> None:
    # The process that created the job stopped before StartExecution: no ARN, no execution.
    job = running_job(seeded, TEST_USER_ID, started=False)
    stepfunctions[1].add_client_error(
        "describe_execution",
        "ExecutionDoesNotExist",
        f"Execution Does Not Exist: '{execution_arn(job)}'",
        expected_params={"executionArn": execution_arn(job)},
    )

    assert reconcile_job(seeded, stepfunctions[0], STATE_MACHINE_ARN, job).outcome == (
        "marked failed"
    )

    failed = reread(seeded, job)
    assert (failed.status, failed.failed_step, failed.execution_arn) == ("failed", None, None)
    assert (failed.error_message, failed.error_cause) == (NO_EXECUTION, NEVER_STARTED)
    assert all(step.status == "pending" for step in failed.steps.values())
    with pytest.raises(Conflict, match="start a new analysis"):
        redrive_job(seeded, stepfunctions[0], TEST_USER_ID, job.id)


def test_a_started_execution_the_job_did_not_record_is_found_by_its_name(
    seeded: PsycopgDriver, stepfunctions: tuple[Any, Stubber]
) -> None:
    # StartExecution succeeded, but the process stopped before recording its ARN.
    job = running_job(seeded, TEST_USER_ID, started=False)
    describe(stepfunctions[1], job, described(job, "RUNNING"))

    reconcile_job(seeded, stepfunctions[0], STATE_MACHINE_ARN, job)

    found = reread(seeded, job)
    assert (found.status, found.execution_arn) == ("pending", execution_arn(job))


def test_step_functions_out_of_reach_is_workflow_unavailable_and_changes_nothing(
    seeded: PsycopgDriver, stepfunctions: tuple[Any, Stubber]
) -> None:
    job = running_job(seeded, TEST_USER_ID)
    stepfunctions[1].add_client_error(
        "describe_execution", "ServiceUnavailable", http_status_code=503
    )

    with pytest.raises(WorkflowUnavailable, match="could not describe the execution"):
        reconcile_job(seeded, stepfunctions[0], STATE_MACHINE_ARN, job)
    assert reread(seeded, job) == job


@pytest.fixture
def sweep_env(
    monkeypatch: pytest.MonkeyPatch, offline_lambda_env: None, stepfunctions: tuple[Any, Stubber]
) -> None:
    """The sweep's Lambda environment: the state machine, every active job stale at once."""
    monkeypatch.setenv("ANALYSIS_STATE_MACHINE_ARN", STATE_MACHINE_ARN)
    monkeypatch.setenv("ALEX_STALE_JOB_AFTER", "0")
    monkeypatch.setattr(reconcile_jobs, "stepfunctions", lambda: stepfunctions[0])


@pytest.mark.usefixtures("sweep_env")
def test_the_sweep_goes_past_a_job_it_cannot_check_and_then_says_so(
    seeded: PsycopgDriver, stepfunctions: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = io.StringIO()
    monkeypatch.setattr(reconcile_jobs.logger.registered_handler, "stream", log)
    stubber = stepfunctions[1]
    # Least recently changed first: the first cannot be checked, the second ends.
    unreadable, lost = running_job(seeded, "user_unreadable"), running_job(seeded, TEST_USER_ID)
    stubber.add_client_error(
        "describe_execution",
        "AccessDeniedException",
        http_status_code=400,
        expected_params={"executionArn": execution_arn(unreadable)},
    )
    describe(stubber, lost, described(lost, "FAILED", error="InvalidModelOutput"))
    serve(stubber, lost, failed_in_charts())

    with pytest.raises(SweepIncomplete, match=f"1 stale job.*{unreadable.id}"):
        reconcile_jobs.handler({"source": "aws.scheduler"}, lambda_context())

    assert reread(seeded, unreadable) == unreadable
    logged = [json.loads(line) for line in log.getvalue().splitlines()]
    (error,) = [line for line in logged if line["level"] == "ERROR"]
    assert (error["job_id"], error["user_id"]) == (str(unreadable.id), "user_unreadable")
    assert "AccessDeniedException" in error["exception"]
    assert (reread(seeded, lost).status, reread(seeded, lost).failed_step) == ("failed", "charts")


@pytest.mark.usefixtures("sweep_env")
def test_the_sweep_checks_no_job_that_changed_recently(
    seeded: PsycopgDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALEX_STALE_JOB_AFTER")  # the default
    job = running_job(seeded, TEST_USER_ID)

    # Stubber has no answer: a call would fail the job's check, and the sweep with it.
    assert reconcile_jobs.handler({}, lambda_context()) == {"checked": 0, "outcomes": {}}
    assert reread(seeded, job) == job


def test_the_default_threshold_outlasts_every_step_and_not_the_workflow() -> None:
    from state_machines.analysis import EXECUTION_TIMEOUT

    threshold = Settings.model_fields["stale_job_after_s"].default
    assert max(step.task_timeout_s for step in STEPS) < threshold
    assert threshold < EXECUTION_TIMEOUT.to_seconds()
