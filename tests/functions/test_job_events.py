"""The job-events handler: execution status changes from EventBridge, against the real database.

Step Functions' GetExecutionHistory is served by botocore's Stubber, which checks each request
and each canned history against the service model.
"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import boto3
import pytest
from botocore.stub import Stubber

from functions.job_events import handler as job_events
from functions.job_events.handler import parse_event, record_status_change
from runtime.executions import (
    ABORTED_BY_SIBLING,
    HISTORY_PAGE,
    MAX_CAUSE,
    NOT_RECORDED,
    NOT_RECORDED_CAUSE,
    TRUNCATED,
)
from shared.db import Jobs, Users
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID
from shared.errors import InvalidInput
from shared.schemas import Job, JobCreate
from state_machines.steps import (
    ANALYZE_PORTFOLIO,
    CHARTS,
    FINALIZE,
    REPORT,
    RETIREMENT,
    START,
    TAGGING,
)
from tests.support.lambda_context import lambda_context

REGION = "us-east-1"
STATE_MACHINE_ARN = f"arn:aws:states:{REGION}:123456789012:stateMachine:AnalysisWorkflow"
LAMBDA = {"resourceType": "lambda", "resource": "invoke"}
T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def execution_arn(job: Job) -> str:
    return f"arn:aws:states:{REGION}:123456789012:execution:AnalysisWorkflow:{job.id}"


def lambda_error(error_type: str, message: str) -> str:
    """The cause Step Functions records when a Lambda function raises."""
    return json.dumps(
        {
            "errorMessage": message,
            "errorType": error_type,
            "requestId": "0b5b8f2e-3c1d-4e55-9a0e-7f1c2d3e4a5b",
            "stackTrace": ['  File "/var/task/functions/handler.py", line 12, in handler\n'] * 20,
        }
    )


class History:
    """An execution's history, built oldest first: every event names the one before it in its
    own branch or iteration (`previousEventId`), so concurrent branches interleave as in AWS."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.started = self.add("ExecutionStarted", 0, input="{}")

    def add(self, kind: str, previous: int, key: str | None = None, **details: Any) -> int:
        event_id = len(self.events) + 1
        event: dict[str, Any] = {
            "timestamp": T0 + timedelta(seconds=event_id),
            "type": kind,
            "id": event_id,
            "previousEventId": previous,
        }
        if details:
            event[key or f"{kind[0].lower()}{kind[1:]}EventDetails"] = details
        self.events.append(event)
        return event_id

    def enter(self, state: str, after: int, kind: str = "Task") -> int:
        return self.add(f"{kind}StateEntered", after, "stateEnteredEventDetails", name=state)

    def exit(self, state: str, after: int, kind: str = "Task") -> int:
        return self.add(f"{kind}StateExited", after, "stateExitedEventDetails", name=state)

    def attempt(self, after: int, error: str | None = None, cause: str | None = None) -> int:
        """One invocation of a task's Lambda function; it fails when an error is given."""
        scheduled = self.add(
            "TaskScheduled", after, **LAMBDA, region=REGION, parameters='{"Payload":{}}'
        )
        started = self.add("TaskStarted", scheduled, **LAMBDA)
        if error is None:
            return self.add("TaskSucceeded", started, **LAMBDA, output="{}")
        return self.add("TaskFailed", started, **LAMBDA, error=error, cause=cause)

    def task(self, state: str, after: int) -> int:
        return self.exit(state, self.attempt(self.enter(state, after)))

    def start_and_tag(self, symbols: int = 2) -> int:
        """ "Start job" and "Tag instruments" succeeding; the id of the map's exit."""
        started = self.task(START.state, self.started)
        mapped = self.add("MapStateStarted", self.enter(TAGGING.state, started, "Map"), length=2)
        done = mapped
        for index in range(symbols):
            iteration = self.add("MapIterationStarted", mapped, name=TAGGING.state, index=index)
            tagged = self.task(TAGGING.task_state, iteration)
            done = self.add("MapIterationSucceeded", tagged, name=TAGGING.state, index=index)
        return self.exit(TAGGING.state, self.add("MapStateSucceeded", done), "Map")

    def newest_first(self) -> list[dict[str, Any]]:
        return list(reversed(self.events))


@pytest.fixture
def stepfunctions() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client(
        "stepfunctions", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def serve(stubber: Stubber, job: Job, history: History, page_size: int | None = None) -> None:
    """Answer GetExecutionHistory (newest first) with the history, in pages of page_size."""
    events = history.newest_first()
    size = page_size or len(events)
    pages = [events[start : start + size] for start in range(0, len(events), size)]
    for number, page in enumerate(pages):
        expected: dict[str, Any] = {
            "executionArn": execution_arn(job),
            "reverseOrder": True,
            "maxResults": HISTORY_PAGE,
        }
        if number:
            expected["nextToken"] = f"page-{number}"
        response: dict[str, Any] = {"events": page}
        if number + 1 < len(pages):
            response["nextToken"] = f"page-{number + 1}"
        stubber.add_response("get_execution_history", response, expected)


def status_change(
    job: Job,
    status: str,
    *,
    error: str | None = None,
    cause: str | None = None,
    redrive_count: int = 0,
) -> dict[str, Any]:
    """EventBridge's "Step Functions Execution Status Change" for the job's execution."""
    arn = execution_arn(job)
    running = status == "RUNNING"
    return {
        "version": "0",
        "id": str(uuid4()),
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "account": "123456789012",
        "time": "2026-11-22T10:05:00Z",
        "region": REGION,
        "resources": [arn],
        "detail": {
            "executionArn": arn,
            "stateMachineArn": STATE_MACHINE_ARN,
            "name": str(job.id),
            "status": status,
            "startDate": 1795341600000,
            "stopDate": None if running else 1795341900000,
            "input": json.dumps({"job_id": str(job.id), "user_id": job.clerk_user_id}),
            "output": None,
            "inputDetails": {"included": True},
            "outputDetails": None,
            "error": error,
            "cause": cause,
            "redriveCount": redrive_count,
            "redriveDate": 1795342000000 if redrive_count else None,
            "redriveStatus": "NOT_REDRIVABLE" if running else "REDRIVABLE",
            "redriveStatusReason": "Execution is RUNNING and cannot be redriven"
            if running
            else None,
        },
    }


def record(db: PsycopgDriver, stepfunctions: tuple[Any, Stubber], event: dict[str, Any]) -> str:
    return record_status_change(db, stepfunctions[0], parse_event(event)).outcome


def reread(db: PsycopgDriver, job: Job) -> Job:
    return Jobs(db).get(job.clerk_user_id, job.id)


def failed_in_charts() -> History:
    """ "Build charts" fails twice (its retry included) while "Write report" finishes and
    "Project retirement", entered after it, is still running."""
    history = History()
    parallel = history.add(
        "ParallelStateStarted",
        history.enter(ANALYZE_PORTFOLIO, history.start_and_tag(), "Parallel"),
    )
    report = history.enter(REPORT.state, parallel)
    charts = history.enter(CHARTS.state, parallel)
    history.enter(RETIREMENT.state, parallel)
    cause = lambda_error("InvalidModelOutput", "chart percentages sum to 99.7, not 100")
    first = history.attempt(charts, "InvalidModelOutput", cause)
    report_done = history.attempt(report)
    failed = history.attempt(first, "InvalidModelOutput", cause)
    history.exit(REPORT.state, report_done)
    history.add(
        "ExecutionFailed",
        history.add("ParallelStateFailed", failed),
        error="InvalidModelOutput",
        cause=cause,
    )
    return history


def test_a_failed_chart_branch_fails_the_job_at_the_charts_step(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    Jobs(seeded).mark_step(job.clerk_user_id, job.id, "charts", "running")
    serve(stepfunctions[1], job, failed_in_charts())
    event = status_change(job, "FAILED", error="InvalidModelOutput", cause="(from the event)")

    assert record(seeded, stepfunctions, event) == "marked failed"

    failed = reread(seeded, job)
    assert (failed.status, failed.failed_step) == ("failed", "charts")
    assert failed.error_message == "InvalidModelOutput"
    assert failed.error_cause == "chart percentages sum to 99.7, not 100"
    assert failed.completed_at is not None
    assert failed.steps["charts"].status == "failed"
    assert failed.steps["charts"].error == (
        "InvalidModelOutput: chart percentages sum to 99.7, not 100"
    )
    assert failed.steps["retirement"].status == "pending"


def charts_fail_while_retirement_runs() -> History:
    """ "Build charts" fails while "Project retirement" runs and "Write report" has finished:
    AWS aborts the running sibling (TaskStateAborted) and the failed task's own state."""
    history = History()
    parallel = history.add(
        "ParallelStateStarted",
        history.enter(ANALYZE_PORTFOLIO, history.start_and_tag(), "Parallel"),
    )
    report = history.task(REPORT.state, parallel)
    charts = history.enter(CHARTS.state, parallel)
    retirement = history.enter(RETIREMENT.state, parallel)
    scheduled = history.add(
        "TaskScheduled", retirement, **LAMBDA, region=REGION, parameters='{"Payload":{}}'
    )
    running = history.add("TaskStarted", scheduled, **LAMBDA)
    cause = lambda_error("Crash", "the charter crashed")
    failed = history.attempt(charts, "Crash", cause)
    history.add("TaskStateAborted", failed)
    history.add("TaskStateAborted", running)
    history.add(
        "ExecutionFailed", history.add("ParallelStateFailed", report), error="Crash", cause=cause
    )
    return history


def running_branches(db: PsycopgDriver, job: Job) -> None:
    jobs = Jobs(db)
    for step in ("report", "charts", "retirement"):
        jobs.mark_step(job.clerk_user_id, job.id, step, "running")
    jobs.mark_step(job.clerk_user_id, job.id, "report", "succeeded")


def test_a_branch_aborted_by_a_failed_sibling_is_marked_aborted_and_the_others_keep_theirs(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    running_branches(seeded, job)
    serve(stepfunctions[1], job, charts_fail_while_retirement_runs())

    assert record(seeded, stepfunctions, status_change(job, "FAILED", error="Crash")) == (
        "marked failed"
    )

    failed_job = reread(seeded, job)
    assert failed_job.failed_step == "charts"
    assert {name: state.status for name, state in failed_job.steps.items()} == {
        "start": "pending",
        "tagging": "pending",
        "report": "succeeded",
        "charts": "failed",
        "retirement": "aborted",
        "finalize": "pending",
    }
    assert failed_job.steps["retirement"].error == ABORTED_BY_SIBLING


def test_an_aborted_branch_that_stores_its_result_meanwhile_keeps_it(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    # Lambda does not stop an aborted task's function: the retirement step finishes while the
    # failure is being recorded (here, while its history is read).
    running_branches(seeded, job)
    client, stubber = stepfunctions
    serve(stubber, job, charts_fail_while_retirement_runs())

    def retirement_finishes(**_: Any) -> None:
        Jobs(seeded).mark_step(job.clerk_user_id, job.id, "retirement", "succeeded")

    client.meta.events.register(
        "before-parameter-build.sfn.GetExecutionHistory", retirement_finishes
    )

    assert record(seeded, stepfunctions, status_change(job, "FAILED", error="Crash")) == (
        "marked failed"
    )

    failed_job = reread(seeded, job)
    assert (failed_job.status, failed_job.failed_step) == ("failed", "charts")
    assert failed_job.steps["retirement"].status == "succeeded"


def test_a_failed_tagging_iteration_fails_the_job_at_the_tagging_step(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    Jobs(seeded).mark_step(job.clerk_user_id, job.id, "tagging", "running", total=2)
    history = History()
    started = history.task(START.state, history.started)
    mapped = history.add("MapStateStarted", history.enter(TAGGING.state, started, "Map"), length=2)
    iterations = [
        history.add("MapIterationStarted", mapped, name=TAGGING.state, index=index)
        for index in (0, 1)
    ]
    failing = history.enter(TAGGING.task_state, iterations[1])
    passing = history.enter(TAGGING.task_state, iterations[0])
    failed = history.attempt(
        failing, "ModelThrottled", lambda_error("ModelThrottled", "Bedrock is throttling requests")
    )
    history.exit(TAGGING.task_state, history.attempt(passing))
    iteration_failed = history.add("MapIterationFailed", failed, name=TAGGING.state, index=1)
    history.add(
        "ExecutionFailed", history.add("MapStateFailed", iteration_failed), error="ModelThrottled"
    )
    serve(stepfunctions[1], job, history)

    record(seeded, stepfunctions, status_change(job, "FAILED", error="ModelThrottled"))

    failed_job = reread(seeded, job)
    assert (failed_job.status, failed_job.failed_step) == ("failed", "tagging")
    assert (failed_job.error_message, failed_job.error_cause) == (
        "ModelThrottled",
        "Bedrock is throttling requests",
    )
    assert failed_job.steps["tagging"].status == "failed"


def test_a_failed_start_fails_the_pending_job_at_the_start_step(
    seeded: PsycopgDriver, stepfunctions: tuple[Any, Stubber]
) -> None:
    pending = Jobs(seeded).create(TEST_USER_ID, JobCreate())
    history = History()
    entered = history.enter(START.state, history.started)
    first = history.attempt(entered, "Lambda.ServiceException", "Lambda is unavailable")
    failed = history.attempt(first, "Lambda.ServiceException", "Lambda is unavailable")
    history.add("ExecutionFailed", failed, error="Lambda.ServiceException")
    # Pages of three: the walk back from the failure to its state crosses two pages.
    serve(stepfunctions[1], pending, history, page_size=3)

    record(seeded, stepfunctions, status_change(pending, "FAILED", error="Lambda.ServiceException"))

    failed_job = reread(seeded, pending)
    assert (failed_job.status, failed_job.failed_step) == ("failed", "start")
    assert (failed_job.error_message, failed_job.error_cause) == (
        "Lambda.ServiceException",
        "Lambda is unavailable",
    )
    assert failed_job.steps["start"].status == "failed"


def test_a_failure_without_details_takes_the_error_and_cause_of_the_event(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    history = History()
    parallel = history.add(
        "ParallelStateStarted",
        history.enter(ANALYZE_PORTFOLIO, history.start_and_tag(), "Parallel"),
    )
    retirement = history.enter(RETIREMENT.state, parallel)
    scheduled = history.add("TaskScheduled", retirement, **LAMBDA, region=REGION, parameters="{}")
    history.add("TaskTimedOut", history.add("TaskStarted", scheduled, **LAMBDA), **LAMBDA)
    serve(stepfunctions[1], job, history)
    event = status_change(
        job, "FAILED", error="States.Timeout", cause="The task did not finish in 240 seconds."
    )

    record(seeded, stepfunctions, event)

    failed = reread(seeded, job)
    assert (failed.failed_step, failed.error_message, failed.error_cause) == (
        "retirement",
        "States.Timeout",
        "The task did not finish in 240 seconds.",
    )


def test_a_failure_with_no_task_failing_is_placed_at_the_state_that_did_not_exit(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    history = History()
    finalize = history.enter(FINALIZE.state, history.start_and_tag())
    history.add("ExecutionFailed", history.attempt(finalize), error="States.Runtime")
    # Read once, for a task failure (none), then for the state that did not exit.
    serve(stepfunctions[1], job, history)
    event = status_change(
        job, "FAILED", error="States.Runtime", cause="The state's output is not valid JSON."
    )

    record(seeded, stepfunctions, event)

    failed = reread(seeded, job)
    assert (failed.failed_step, failed.error_message, failed.error_cause) == (
        "finalize",
        "States.Runtime",
        "The state's output is not valid JSON.",
    )


def test_a_step_that_recorded_its_own_failure_keeps_it(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    jobs = Jobs(seeded)
    jobs.mark_step(job.clerk_user_id, job.id, "charts", "running")
    own = jobs.mark_step(
        job.clerk_user_id, job.id, "charts", "failed", error="InvalidModelOutput: 99.7"
    ).steps["charts"]
    serve(stepfunctions[1], job, failed_in_charts())

    record(seeded, stepfunctions, status_change(job, "FAILED", error="InvalidModelOutput"))

    failed = reread(seeded, job)
    assert (failed.status, failed.failed_step) == ("failed", "charts")
    assert failed.steps["charts"] == own


def test_a_timed_out_execution_fails_the_job_at_the_state_still_running(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    history = History()
    parallel = history.add(
        "ParallelStateStarted",
        history.enter(ANALYZE_PORTFOLIO, history.start_and_tag(), "Parallel"),
    )
    report = history.enter(REPORT.state, parallel)
    charts = history.enter(CHARTS.state, parallel)
    retirement = history.enter(RETIREMENT.state, parallel)
    history.exit(REPORT.state, history.attempt(report))
    history.exit(RETIREMENT.state, history.attempt(retirement))
    scheduled = history.add("TaskScheduled", charts, **LAMBDA, region=REGION, parameters="{}")
    history.add("TaskStarted", scheduled, **LAMBDA)
    history.add("ExecutionTimedOut", len(history.events))
    serve(stepfunctions[1], job, history)

    record(seeded, stepfunctions, status_change(job, "TIMED_OUT"))

    failed = reread(seeded, job)
    assert (failed.status, failed.failed_step, failed.error_message) == (
        "failed",
        "charts",
        "TIMED_OUT",
    )
    assert failed.error_cause == (
        'The analysis ran past the workflow\'s time limit while in "Build charts".'
    )
    assert failed.steps["charts"].error == f"TIMED_OUT: {failed.error_cause}"
    assert failed.steps["report"].status == "pending"


def test_an_aborted_execution_fails_the_job_at_the_iteration_still_running(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    Jobs(seeded).mark_step(job.clerk_user_id, job.id, "tagging", "running", total=2)
    history = History()
    started = history.task(START.state, history.started)
    mapped = history.add("MapStateStarted", history.enter(TAGGING.state, started, "Map"), length=2)
    first = history.add("MapIterationStarted", mapped, name=TAGGING.state, index=0)
    second = history.add("MapIterationStarted", mapped, name=TAGGING.state, index=1)
    running = history.enter(TAGGING.task_state, second)
    history.task(TAGGING.task_state, first)
    history.add("TaskScheduled", running, **LAMBDA, region=REGION, parameters="{}")
    history.add("ExecutionAborted", len(history.events))
    serve(stepfunctions[1], job, history)

    record(seeded, stepfunctions, status_change(job, "ABORTED"))

    failed = reread(seeded, job)
    assert (failed.status, failed.failed_step, failed.error_message) == (
        "failed",
        "tagging",
        "ABORTED",
    )
    assert failed.error_cause == ('The analysis was stopped while in "Tag instrument".')
    assert failed.steps["tagging"].status == "failed"


def test_a_redriven_execution_running_again_runs_the_job_again_once(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    serve(stepfunctions[1], job, failed_in_charts())
    record(seeded, stepfunctions, status_change(job, "FAILED", error="InvalidModelOutput"))
    redriven = status_change(job, "RUNNING", redrive_count=1)

    assert record(seeded, stepfunctions, redriven) == "marked running"
    running = reread(seeded, job)
    assert (running.status, running.redrive_count) == ("running", 1)
    assert (running.failed_step, running.error_message, running.error_cause) == (None, None, None)

    assert record(seeded, stepfunctions, redriven) == "already recorded"
    assert reread(seeded, job) == running


def test_a_late_repeat_of_a_redrive_start_does_not_rerun_a_job_that_failed_again(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    serve(stepfunctions[1], job, failed_in_charts())
    record(seeded, stepfunctions, status_change(job, "FAILED", error="InvalidModelOutput"))
    redriven = status_change(job, "RUNNING", redrive_count=1)
    record(seeded, stepfunctions, redriven)
    serve(stepfunctions[1], job, failed_in_charts())
    again = status_change(job, "FAILED", error="InvalidModelOutput", redrive_count=1)
    assert record(seeded, stepfunctions, again) == "marked failed"
    failed_again = reread(seeded, job)

    assert record(seeded, stepfunctions, redriven) == "ignored"
    assert reread(seeded, job) == failed_again
    assert (failed_again.status, failed_again.redrive_count) == ("failed", 1)


def test_a_redriven_failure_arriving_before_its_start_is_recorded_and_the_start_ignored(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    serve(stepfunctions[1], job, failed_in_charts())
    record(seeded, stepfunctions, status_change(job, "FAILED", error="InvalidModelOutput"))
    # EventBridge delivers the redriven run's failure first, then its start.
    serve(stepfunctions[1], job, failed_in_charts())
    again = status_change(job, "FAILED", error="InvalidModelOutput", redrive_count=1)

    assert record(seeded, stepfunctions, again) == "marked failed"
    failed_again = reread(seeded, job)
    assert (failed_again.status, failed_again.redrive_count) == ("failed", 1)
    assert record(seeded, stepfunctions, status_change(job, "RUNNING", redrive_count=1)) == (
        "ignored"
    )
    assert reread(seeded, job) == failed_again


def test_the_same_failure_twice_leaves_the_same_rows(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    serve(stepfunctions[1], job, failed_in_charts())
    event = status_change(job, "FAILED", error="InvalidModelOutput")
    record(seeded, stepfunctions, event)
    failed = reread(seeded, job)

    # No history is served again: the repeat is recognised from the job row alone.
    assert record(seeded, stepfunctions, event) == "already recorded"
    assert reread(seeded, job) == failed


def test_a_failure_from_before_a_counted_redrive_is_ignored(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    serve(stepfunctions[1], job, failed_in_charts())
    failure = status_change(job, "FAILED", error="InvalidModelOutput")
    record(seeded, stepfunctions, failure)
    record(seeded, stepfunctions, status_change(job, "RUNNING", redrive_count=1))
    running = reread(seeded, job)

    assert record(seeded, stepfunctions, failure) == "ignored"
    assert reread(seeded, job) == running


def test_a_first_start_changes_nothing(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    assert record(seeded, stepfunctions, status_change(job, "RUNNING")) == "ignored"
    assert reread(seeded, job) == job


@pytest.mark.parametrize("redrive_count", [0, 1])
def test_a_success_of_a_completed_job_changes_nothing(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber], redrive_count: int
) -> None:
    completed = Jobs(seeded).set_status(job.clerk_user_id, job.id, "completed")
    event = status_change(job, "SUCCEEDED", redrive_count=redrive_count)
    assert record(seeded, stepfunctions, event) == "ignored"
    assert reread(seeded, job) == completed


def test_a_success_over_a_job_not_completed_fails_it_saying_its_end_was_not_recorded(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    # "Finalize job" completes the job before the execution can succeed: a success over a
    # running job means its end was lost, and no history can tell more.
    assert record(seeded, stepfunctions, status_change(job, "SUCCEEDED")) == "marked failed"

    failed = reread(seeded, job)
    assert (failed.status, failed.failed_step) == ("failed", "finalize")
    assert (failed.error_message, failed.error_cause) == (NOT_RECORDED, NOT_RECORDED_CAUSE)
    assert "Start a new analysis" in NOT_RECORDED_CAUSE
    assert failed.steps["finalize"].status == "failed"


def test_an_event_for_a_deleted_users_job_is_ignored(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    Users(seeded).delete(job.clerk_user_id)
    event = status_change(job, "FAILED", error="InvalidModelOutput")
    assert record(seeded, stepfunctions, event) == "ignored"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("source", "aws.ec2"),
        ("detail-type", "EC2 Instance State-change Notification"),
        ("input", "not json"),
        ("input", '{"job_id": "not a uuid", "user_id": "user_1"}'),
        ("status", "PAUSED"),
    ],
)
def test_an_event_that_is_not_an_analysis_status_change_is_refused(
    job: Job, field: str, value: str
) -> None:
    event = status_change(job, "FAILED")
    if field in event:
        event[field] = value
    else:
        event["detail"][field] = value
    with pytest.raises(InvalidInput, match="execution status changes of the analysis workflow"):
        parse_event(event)


def test_a_very_long_cause_is_cut_and_says_so(
    seeded: PsycopgDriver, job: Job, stepfunctions: tuple[Any, Stubber]
) -> None:
    history = History()
    finalize = history.enter(FINALIZE.state, history.start_and_tag())
    history.attempt(finalize, "DatabaseError", "x" * 50_000)
    serve(stepfunctions[1], job, history)

    record(seeded, stepfunctions, status_change(job, "FAILED", error="DatabaseError"))

    failed = reread(seeded, job)
    assert failed.failed_step == "finalize"
    assert failed.error_cause == "x" * MAX_CAUSE + TRUNCATED
    assert "the full cause is in the execution's history" in failed.error_cause


@pytest.mark.usefixtures("offline_lambda_env")
def test_lambda_entry_records_a_failure_from_eventbridge(
    seeded: PsycopgDriver,
    job: Job,
    stepfunctions: tuple[Any, Stubber],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(job_events, "stepfunctions", lambda: stepfunctions[0])
    serve(stepfunctions[1], job, failed_in_charts())
    event = status_change(job, "FAILED", error="InvalidModelOutput")

    assert job_events.handler(event, lambda_context()) == {
        "job_id": str(job.id),
        "outcome": "marked failed",
    }
    assert reread(seeded, job).failed_step == "charts"
    with pytest.raises(InvalidInput):
        job_events.handler({**event, "source": "aws.ec2"}, lambda_context())
