"""A job's analysis in Step Functions: starting and redriving its execution (the one code path
of the API and the CLI, against AWS or the local engine's endpoint alike), and bringing the job
row in line with what its execution reports, from job-events' status changes or, when those
were lost, from DescribeExecution.
"""

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, Json

from shared.db import Database, Jobs
from shared.errors import AlexError, Conflict, InvalidTransition, NotFound, NothingToAnalyze
from shared.portfolio import load_portfolio, why_not_analyzable
from shared.schemas import Job, JobCreate, StepInput, StepName
from shared.settings import Settings
from state_machines.steps import FINALIZE, STEP_OF_STATE

ExecutionStatus = Literal[
    "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"
]
Outcome = Literal["marked failed", "marked running", "already recorded", "ignored"]

ENDED: frozenset[ExecutionStatus] = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})
# History events that end a task attempt unsuccessfully (retried or final), and a state's
# JSONata that could not be evaluated.
FAILURES = frozenset(
    {
        "TaskFailed",
        "TaskTimedOut",
        "TaskStartFailed",
        "TaskSubmitFailed",
        "LambdaFunctionFailed",
        "LambdaFunctionTimedOut",
        "LambdaFunctionStartFailed",
        "LambdaFunctionScheduleFailed",
        "ActivityFailed",
        "ActivityTimedOut",
        "ActivityScheduleFailed",
        "EvaluationFailed",
    }
)
STOPPED_BY: dict[ExecutionStatus, str] = {
    "TIMED_OUT": "The analysis ran past the workflow's time limit",
    "ABORTED": "The analysis was stopped",
}
ABORTED_BY_SIBLING = "Stopped when another branch failed; a redrive runs it again."
# What Step Functions reports that the job row contradicts. "Finalize job" marks the job
# completed before the execution can succeed, so a success over a job not completed means its
# end was not recorded; and a job whose execution does not exist never ran.
NOT_RECORDED = "ResultsNotRecorded"
NOT_RECORDED_CAUSE = (
    'The workflow finished, but "Finalize job" did not record the analysis as completed, so its'
    " results may be incomplete. Start a new analysis."
)
NO_EXECUTION = "ExecutionDoesNotExist"
NEVER_STARTED = (
    "The analysis never started: Step Functions has no execution for it. Start a new analysis."
)
EXECUTION_GONE = (
    "Step Functions no longer has the analysis's execution (was the workflow deleted?)."
    " Start a new analysis."
)
HISTORY_PAGE = 200
# A Lambda's error message can carry a whole document; the job row keeps what the SPA can show.
MAX_CAUSE = 2000
TRUNCATED = " [truncated: the full cause is in the execution's history]"


class WorkflowUnavailable(AlexError):
    """Step Functions could not be reached or refused the request."""

    code = "workflow_unavailable"


def start_analysis(
    db: Database, client: Any, state_machine_arn: str, user_id: str, request: JobCreate
) -> Job:
    """Create the user's job and start its execution, named by the job id.

    NothingToAnalyze (a Conflict) when the portfolio has nothing valued, or no holding priced,
    with what to do;
    Conflict when the user already has an analysis pending or running. When Step Functions
    refuses or cannot be reached, the job is marked failed with the reason (never left pending)
    and WorkflowUnavailable says why.
    """
    jobs = Jobs(db)
    blocker = why_not_analyzable(load_portfolio(db, user_id).valuation)
    if blocker is not None:
        raise NothingToAnalyze(blocker)
    job = jobs.create(user_id, request)
    execution_input = StepInput(job_id=job.id, user_id=user_id).model_dump(mode="json")
    try:
        started = client.start_execution(
            stateMachineArn=state_machine_arn, name=str(job.id), input=json.dumps(execution_input)
        )
    except Exception as error:  # botocore's client and connection errors alike
        reason = f"could not start the analysis workflow: {error}"
        jobs.set_status(user_id, job.id, "failed", error=type(error).__name__, cause=reason)
        raise WorkflowUnavailable(reason) from error
    return jobs.set_execution(user_id, job.id, started["executionArn"])


def redrive_job(db: Database, client: Any, user_id: str, job_id: UUID) -> Job:
    """Redrive the failed job's execution from where it stopped (Step Functions'
    RedriveExecution); the job as it is afterwards.

    The job becomes running when the redriven execution reports it, through job-events, as
    after a redrive from the console. NotFound when the job is not the user's; Conflict when
    it has not failed or cannot be redriven.
    """
    jobs = Jobs(db)
    job = jobs.get(user_id, job_id)
    if job.status != "failed":
        raise Conflict(f"job {job_id} is {job.status}: only a failed job can be retried")
    if job.execution_arn is None:
        raise Conflict(
            f"job {job_id} failed before its workflow started ({job.error_cause}):"
            " start a new analysis instead"
        )
    try:
        client.redrive_execution(executionArn=job.execution_arn)
    except client.exceptions.ExecutionNotRedrivable as error:
        raise Conflict(f"job {job_id} cannot be retried: {_message(error)}") from error
    except Exception as error:
        raise WorkflowUnavailable(f"could not redrive job {job_id}: {error}") from error
    return jobs.get(user_id, job_id)


def _message(error: Any) -> str:
    return str(error.response.get("Error", {}).get("Message", error))


# --- Following an execution ---------------------------------------------------------------------


class Execution(BaseModel):
    """An analysis execution's status, as an EventBridge status change's `detail` and
    DescribeExecution's answer both give it (the same fields)."""

    model_config = ConfigDict(extra="ignore")

    execution_arn: str = Field(alias="executionArn")
    status: ExecutionStatus
    input: Json[StepInput]
    error: str | None = None
    cause: str | None = None
    redrive_count: int = Field(0, alias="redriveCount")


@dataclass(frozen=True)
class Recorded:
    """What recording an execution's status did, and the job as it is now (None: it no longer
    exists, its user deleted)."""

    outcome: Outcome
    job: Job | None

    def log_fields(self) -> dict[str, Any]:
        """What a log line says of it: the outcome, the job's status and, failed, where and why."""
        if self.job is None:
            return {"outcome": self.outcome, "job_status": "deleted"}
        return {
            "outcome": self.outcome,
            "job_status": self.job.status,
            "job_redrive_count": self.job.redrive_count,
            "failed_step": self.job.failed_step,
            "error": self.job.error_message,
        }


@dataclass(frozen=True)
class Stop:
    """Where an execution stopped and why, as the job row shows it."""

    state: str | None
    error: str
    cause: str | None
    aborted: tuple[StepName, ...] = ()
    """The steps the workflow aborted as it stopped (siblings of the failed branch)."""

    @property
    def step(self) -> StepName | None:
        step = STEP_OF_STATE.get(self.state or "")
        return step.key if step else None

    @property
    def step_error(self) -> str:
        return f"{self.error}: {self.cause}" if self.cause else self.error


def record_execution(db: Database, stepfunctions: Any, execution: Execution) -> Recorded:
    """Bring the job row in line with its execution's status: the one logic of job-events and of
    the reconciliation of jobs whose status events were lost.

    An execution that failed, timed out or was aborted fails the job at the state where it
    stopped (read from its history); a redriven execution running again runs the job again; an
    execution that succeeded over a job not completed fails it, saying its end was not
    recorded. The same status twice changes nothing, and a status older than what the job
    already records (a failure before a redrive it has counted) is ignored.
    """
    jobs = Jobs(db)
    ids = execution.input
    try:
        job = jobs.get(ids.user_id, ids.job_id)
        if execution.status in ENDED:
            return _fail(
                jobs,
                job,
                execution.redrive_count,
                lambda: where_it_stopped(stepfunctions, execution),
            )
        if execution.status == "SUCCEEDED":
            stop = Stop(FINALIZE.state, NOT_RECORDED, NOT_RECORDED_CAUSE)
            return _fail(jobs, job, execution.redrive_count, lambda: stop)
        if execution.status == "RUNNING" and execution.redrive_count > 0:
            return _run_again(jobs, job, execution.redrive_count)
    except NotFound:
        return Recorded("ignored", None)
    # A first start is recorded by "Start job".
    return Recorded("ignored", job)


def reconcile_job(db: Database, stepfunctions: Any, state_machine_arn: str, job: Job) -> Recorded:
    """Bring a pending or running job in line with its execution as DescribeExecution reports
    it, for when its status events were lost (EventBridge delivers them best effort).

    A job with no execution recorded is looked up by name (the job id), in case the process that
    started it stopped before recording it; when Step Functions has no such execution, the
    analysis never started and the job fails saying so. WorkflowUnavailable when Step Functions
    cannot be reached or refuses.
    """
    jobs = Jobs(db)
    arn = job.execution_arn or execution_arn(state_machine_arn, job.id)
    try:
        described = stepfunctions.describe_execution(executionArn=arn)
    except stepfunctions.exceptions.ExecutionDoesNotExist:
        stop = Stop(None, NO_EXECUTION, EXECUTION_GONE if job.execution_arn else NEVER_STARTED)
        try:
            current = jobs.get(job.clerk_user_id, job.id)
        except NotFound:
            return Recorded("ignored", None)
        return _fail(jobs, current, current.redrive_count, lambda: stop)
    except Exception as error:  # botocore's client and connection errors alike
        raise WorkflowUnavailable(f"could not describe the execution {arn}: {error}") from error
    if job.execution_arn is None:
        jobs.set_execution(job.clerk_user_id, job.id, arn)
    return record_execution(db, stepfunctions, Execution.model_validate(described))


def execution_arn(state_machine_arn: str, job_id: UUID) -> str:
    """The ARN of the job's execution, named by the job id, as Step Functions forms it."""
    prefix, _, machine = state_machine_arn.rpartition(":stateMachine:")
    return f"{prefix}:execution:{machine}:{job_id}"


def unchanged_since(settings: Settings) -> datetime:
    """A pending or running job whose row has not changed since then is worth asking Step
    Functions about: its steps would have written to it by now (ALEX_STALE_JOB_AFTER)."""
    return datetime.now(UTC) - timedelta(seconds=settings.stale_job_after_s)


def is_stale(job: Job, settings: Settings) -> bool:
    """Pending or running, and unchanged for ALEX_STALE_JOB_AFTER."""
    return job.status in ("pending", "running") and job.updated_at <= unchanged_since(settings)


def _fail(jobs: Jobs, job: Job, redrive_count: int, stopped: Callable[[], Stop]) -> Recorded:
    """Fail the job where `stopped()` says, unless the job has moved on since that run."""
    if job.status == "completed" or redrive_count < job.redrive_count:
        # A stale failure: the job has completed or was redriven since.
        return Recorded("ignored", job)
    if job.status == "failed":
        if redrive_count == job.redrive_count:
            return Recorded("already recorded", job)
        # A redriven run failed before its RUNNING event was recorded (EventBridge keeps no
        # order): count the redrive, so that event, when it comes, is known as stale.
        job = jobs.set_status(job.clerk_user_id, job.id, "running")
    stop = stopped()
    step = stop.step
    # A step that already failed keeps its own (earlier) record, so a repeated event leaves
    # the same row; a step that succeeded did its work before its state failed.
    if step is not None and job.steps[step].status in ("pending", "running"):
        jobs.mark_step(job.clerk_user_id, job.id, step, "failed", error=stop.step_error)
    for aborted in stop.aborted:
        if aborted != step and job.steps[aborted].status in ("pending", "running"):
            # An aborted task's function runs on (Lambda does not stop it): one that stored its
            # result since the job was read keeps it, and is not redone.
            with suppress(InvalidTransition):
                jobs.mark_step(
                    job.clerk_user_id, job.id, aborted, "aborted", error=ABORTED_BY_SIBLING
                )
    failed = jobs.set_status(
        job.clerk_user_id, job.id, "failed", error=stop.error, cause=stop.cause, failed_step=step
    )
    return Recorded("marked failed", failed)


def _run_again(jobs: Jobs, job: Job, redrive_count: int) -> Recorded:
    if job.status == "failed" and job.redrive_count < redrive_count:
        return Recorded("marked running", jobs.set_status(job.clerk_user_id, job.id, "running"))
    return Recorded("already recorded" if job.status == "running" else "ignored", job)


def where_it_stopped(stepfunctions: Any, execution: Execution) -> Stop:
    """The state that stopped the execution, from its history, with the error and cause.

    A failed execution stopped at its most recent task failure; an execution that timed out or
    was aborted (or failed with no task failing) at the most recent state that did not exit.
    """
    events = list(_history(stepfunctions, execution.execution_arn))
    aborted = _aborted_steps(events)
    if execution.status == "FAILED":
        failed = _failed_task(events)
        if failed is not None:
            state, failure = failed
            return Stop(
                state,
                failure.get("error") or execution.error or execution.status,
                _shorten(failure.get("cause") or execution.cause),
                aborted,
            )
    state = _unfinished_state(events)
    if execution.status == "FAILED":
        return Stop(state, execution.error or execution.status, _shorten(execution.cause), aborted)
    where = f' while in "{state}"' if state else ""
    cause = _shorten(execution.cause) or f"{STOPPED_BY[execution.status]}{where}."
    return Stop(state, execution.status, cause, aborted)


def _aborted_steps(history: list[dict[str, Any]]) -> tuple[StepName, ...]:
    """The steps whose tasks the workflow aborted when the execution stopped (a sibling branch
    failed): each `TaskStateAborted` traced back to its state's entry. The one that follows a
    task's own failure belongs to the failed step, and is skipped."""
    events = {event["id"]: event for event in history}
    found: list[StepName] = []
    for event in sorted(history, key=lambda e: e["id"]):
        if event["type"] != "TaskStateAborted":
            continue
        previous = events.get(event.get("previousEventId", 0))
        while previous is not None and not previous["type"].endswith("StateEntered"):
            if previous["type"] in FAILURES:
                break
            previous = events.get(previous.get("previousEventId", 0))
        else:
            if previous is not None:
                step = STEP_OF_STATE.get(previous["stateEnteredEventDetails"]["name"])
                if step is not None and step.key not in found:
                    found.append(step.key)
    return tuple(found)


def _history(stepfunctions: Any, arn: str) -> Iterator[dict[str, Any]]:
    """The execution's history events, newest first, fetched a page at a time as needed."""
    request: dict[str, Any] = {
        "executionArn": arn,
        "reverseOrder": True,
        "maxResults": HISTORY_PAGE,
    }
    while True:
        try:
            page = stepfunctions.get_execution_history(**request)
        except Exception as error:  # botocore's client and connection errors alike
            raise WorkflowUnavailable(f"could not read the history of {arn}: {error}") from error
        yield from page["events"]
        if not page.get("nextToken"):
            return
        request["nextToken"] = page["nextToken"]


def _failed_task(events: Iterable[dict[str, Any]]) -> tuple[str | None, dict[str, Any]] | None:
    """The newest failure event's state and details (error, cause).

    The state is found by following `previousEventId` back to the state's entry: the branches
    of a Parallel and the iterations of a Map interleave their events, so the newest entered
    state is not necessarily the one that failed.
    """
    failure: dict[str, Any] | None = None
    wanted: int | None = None
    for event in events:
        if failure is None:
            if event["type"] in FAILURES:
                failure, wanted = _details(event), event.get("previousEventId")
        elif event["id"] == wanted:
            if event["type"].endswith("StateEntered"):
                return event["stateEnteredEventDetails"]["name"], failure
            wanted = event.get("previousEventId")
    return None if failure is None else (None, failure)


def _unfinished_state(events: Iterable[dict[str, Any]]) -> str | None:
    """The most recently entered state that did not exit (events newest first)."""
    exits: Counter[str] = Counter()
    for event in events:
        if event["type"].endswith("StateExited"):
            exits[event["stateExitedEventDetails"]["name"]] += 1
        elif event["type"].endswith("StateEntered"):
            name: str = event["stateEnteredEventDetails"]["name"]
            if not exits[name]:
                return name
            exits[name] -= 1
    return None


def _details(event: dict[str, Any]) -> dict[str, Any]:
    """An event's details: a `TaskFailed` event keeps them in `taskFailedEventDetails`."""
    kind: str = event["type"]
    details: dict[str, Any] = event.get(f"{kind[0].lower()}{kind[1:]}EventDetails") or {}
    return details


def _shorten(cause: str | None) -> str | None:
    """A Lambda error's message without its stack trace, cut to what the job row keeps."""
    if not cause:
        return None
    try:
        payload = json.loads(cause)
    except ValueError:
        payload = None
    if isinstance(payload, dict) and isinstance(payload.get("errorMessage"), str):
        cause = payload["errorMessage"]
    return cause if len(cause) <= MAX_CAUSE else cause[:MAX_CAUSE] + TRUNCATED
