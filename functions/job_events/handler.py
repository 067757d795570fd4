"""Lambda entry for the workflow's execution status changes (EventBridge): an execution that
failed, timed out or was aborted fails its job at the state where it stopped; a redriven
execution that starts again runs its job again (runtime.executions.record_execution).
"""

from functools import cache
from typing import Any, Literal

from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from runtime.aws import stepfunctions_client
from runtime.executions import Execution, Outcome, Recorded, record_execution
from runtime.executions import where_it_stopped as where_it_stopped  # read by the engine's tests
from runtime.handlers import Powertools, database
from shared.db import Database
from shared.errors import InvalidInput

METRIC_OF: dict[Outcome, str] = {
    "marked failed": "JobsFailed",
    "marked running": "JobsRedriven",
    "already recorded": "DuplicateStatusChanges",
    "ignored": "IgnoredStatusChanges",
}

powertools = Powertools("job_events")
logger, metrics = powertools.logger, powertools.metrics


class ExecutionStatusChange(BaseModel):
    """EventBridge's "Step Functions Execution Status Change" for an analysis execution."""

    model_config = ConfigDict(extra="ignore")

    source: Literal["aws.states"]
    detail_type: Literal["Step Functions Execution Status Change"] = Field(alias="detail-type")
    detail: Execution


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
) -> Recorded:
    """Bring the job row in line with its execution's new status."""
    return record_execution(db, stepfunctions, change.detail)


@cache
def stepfunctions() -> Any:
    """The Step Functions client, made once per container (honours the local engine's
    AWS_ENDPOINT_URL_STEPFUNCTIONS)."""
    return stepfunctions_client()


@powertools.handler
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
            recorded = record_status_change(database(), stepfunctions(), change)
        except Exception:
            logger.exception("could not record the execution's status change")
            raise
        metrics.add_metric(name=METRIC_OF[recorded.outcome], unit=MetricUnit.Count, value=1)
        logger.info("execution status change recorded", extra=recorded.log_fields())
        return {"job_id": str(ids.job_id), "outcome": recorded.outcome}
