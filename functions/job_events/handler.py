"""Lambda entry for the workflow's execution status changes (EventBridge): an execution that
failed, timed out or was aborted fails its job at the state where it stopped; a redriven
execution that starts again runs its job again.
"""

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel, ConfigDict, Field, Json, ValidationError

from runtime.aws import stepfunctions_client
from runtime.handlers import database
from shared.db import Database, Jobs
from shared.errors import InvalidInput, NotFound
from shared.schemas import Job, StepInput, StepName
from state_machines.steps import STEP_OF_STATE

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
HISTORY_PAGE = 200
# A Lambda's error message can carry a whole document; the job row keeps what the SPA can show.
MAX_CAUSE = 2000
TRUNCATED = " [truncated: the full cause is in the execution's history]"
METRIC_OF: dict[Outcome, str] = {
    "marked failed": "JobsFailed",
    "marked running": "JobsRedriven",
    "already recorded": "DuplicateStatusChanges",
    "ignored": "IgnoredStatusChanges",
}

logger = Logger(service="job_events")
metrics = Metrics(namespace="Alex", service="job_events")


class ExecutionDetail(BaseModel):
    model_config = ConfigDict(extra="ignore")

    execution_arn: str = Field(alias="executionArn")
    status: ExecutionStatus
    input: Json[StepInput]
    error: str | None = None
    cause: str | None = None
    redrive_count: int = Field(0, alias="redriveCount")


class ExecutionStatusChange(BaseModel):
    """EventBridge's "Step Functions Execution Status Change" for an analysis execution."""

    model_config = ConfigDict(extra="ignore")

    source: Literal["aws.states"]
    detail_type: Literal["Step Functions Execution Status Change"] = Field(alias="detail-type")
    detail: ExecutionDetail


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


def parse_event(event: dict[str, Any]) -> ExecutionStatusChange:
    try:
        return ExecutionStatusChange.model_validate(event)
    except ValidationError as error:
        raise InvalidInput(
            "job-events takes EventBridge's Step Functions execution status changes of the"
            " analysis workflow (input {job_id, user_id}); check the rule that sent this event:"
            f" {error}"
        ) from error


def record_status_change(
    db: Database, stepfunctions: Any, change: ExecutionStatusChange
) -> Outcome:
    """Bring the job row in line with its execution's new status.

    The same event twice changes nothing, and an event older than what the job already
    records (a failure before a redrive it has counted) is ignored.
    """
    detail = change.detail
    jobs = Jobs(db)
    try:
        job = jobs.get(detail.input.user_id, detail.input.job_id)
        if detail.status in ENDED:
            return _fail(jobs, job, stepfunctions, detail)
        if detail.status == "RUNNING" and detail.redrive_count > 0:
            return _run_again(jobs, job, detail)
    except NotFound:
        logger.info("the job no longer exists (its user was deleted?): nothing to record")
        return "ignored"
    # A first start and a success are recorded by "Start job" and "Finalize job".
    return "ignored"


def _fail(jobs: Jobs, job: Job, stepfunctions: Any, detail: ExecutionDetail) -> Outcome:
    if job.status == "completed" or detail.redrive_count < job.redrive_count:
        logger.warning(
            "a stale failure: the job has completed or was redriven since",
            extra={"job_status": job.status, "job_redrive_count": job.redrive_count},
        )
        return "ignored"
    if job.status == "failed":
        if detail.redrive_count == job.redrive_count:
            return "already recorded"
        # A redriven run failed before its RUNNING event was recorded (EventBridge keeps no
        # order): count the redrive, so that event, when it comes, is known as stale.
        job = jobs.set_status(job.clerk_user_id, job.id, "running")
    stop = where_it_stopped(stepfunctions, detail)
    step = stop.step
    # A step that already failed keeps its own (earlier) record, so a repeated event leaves
    # the same row; a step that succeeded did its work before its state failed.
    if step is not None and job.steps[step].status in ("pending", "running"):
        jobs.mark_step(job.clerk_user_id, job.id, step, "failed", error=stop.step_error)
    for aborted in stop.aborted:
        if aborted != step and job.steps[aborted].status in ("pending", "running"):
            jobs.mark_step(job.clerk_user_id, job.id, aborted, "aborted", error=ABORTED_BY_SIBLING)
    jobs.set_status(
        job.clerk_user_id, job.id, "failed", error=stop.error, cause=stop.cause, failed_step=step
    )
    logger.info("job failed", extra={"state": stop.state, "step": step, "error": stop.error})
    return "marked failed"


def _run_again(jobs: Jobs, job: Job, detail: ExecutionDetail) -> Outcome:
    if job.status == "failed" and job.redrive_count < detail.redrive_count:
        jobs.set_status(job.clerk_user_id, job.id, "running")
        logger.info("job redriven", extra={"redrive_count": detail.redrive_count})
        return "marked running"
    return "already recorded" if job.status == "running" else "ignored"


def where_it_stopped(stepfunctions: Any, detail: ExecutionDetail) -> Stop:
    """The state that stopped the execution, from its history, with the error and cause.

    A failed execution stopped at its most recent task failure; an execution that timed out or
    was aborted (or failed with no task failing) at the most recent state that did not exit.
    """
    events = list(_history(stepfunctions, detail.execution_arn))
    aborted = _aborted_steps(events)
    if detail.status == "FAILED":
        failed = _failed_task(events)
        if failed is not None:
            state, failure = failed
            return Stop(
                state,
                failure.get("error") or detail.error or detail.status,
                _shorten(failure.get("cause") or detail.cause),
                aborted,
            )
    state = _unfinished_state(events)
    if detail.status == "FAILED":
        return Stop(state, detail.error or detail.status, _shorten(detail.cause), aborted)
    where = f' while in "{state}"' if state else ""
    cause = _shorten(detail.cause) or f"{STOPPED_BY[detail.status]}{where}."
    return Stop(state, detail.status, cause, aborted)


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


def _history(stepfunctions: Any, execution_arn: str) -> Iterator[dict[str, Any]]:
    """The execution's history events, newest first, fetched a page at a time as needed."""
    request: dict[str, Any] = {
        "executionArn": execution_arn,
        "reverseOrder": True,
        "maxResults": HISTORY_PAGE,
    }
    while True:
        page = stepfunctions.get_execution_history(**request)
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


@cache
def stepfunctions() -> Any:
    """The Step Functions client, made once per container (honours the local engine's
    AWS_ENDPOINT_URL_STEPFUNCTIONS)."""
    return stepfunctions_client()


@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    change = parse_event(event)
    ids = change.detail.input
    with logger.append_context_keys(
        job_id=str(ids.job_id),
        user_id=ids.user_id,
        execution_status=change.detail.status,
        redrive_count=change.detail.redrive_count,
    ):
        try:
            outcome = record_status_change(database(), stepfunctions(), change)
        except Exception:
            logger.exception("could not record the execution's status change")
            raise
        metrics.add_metric(name=METRIC_OF[outcome], unit=MetricUnit.Count, value=1)
        logger.info("execution status change recorded", extra={"outcome": outcome})
        return {"job_id": str(ids.job_id), "outcome": outcome}
