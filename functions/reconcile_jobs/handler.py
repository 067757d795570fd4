"""Lambda entry for the scheduled sweep that ends jobs whose status events were lost
(EventBridge delivers them best effort): every job pending or running with no change for
ALEX_STALE_JOB_AFTER is checked against its execution and recorded as job-events would have.
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from uuid import UUID

from aws_lambda_powertools.metrics import MetricUnit

from runtime.aws import stepfunctions_client
from runtime.executions import Outcome, reconcile_job, unchanged_since
from runtime.handlers import Powertools, database
from shared.db import Database, Jobs
from shared.errors import AlexError, InvalidInput
from shared.settings import get_settings

# Per invocation. The least recently changed come first, so a batch whose executions are all
# still running holds back the others for at most the workflow's 30-minute time limit.
BATCH = 100
METRIC_OF: dict[Outcome, str] = {
    "marked failed": "JobsFailed",
    "marked running": "JobsRedriven",
    "already recorded": "JobsUnchanged",
    "ignored": "JobsUnchanged",
}

powertools = Powertools("reconcile_jobs")
logger, metrics = powertools.logger, powertools.metrics


class SweepIncomplete(AlexError):
    """Some stale jobs could not be checked; the others were."""

    code = "sweep_incomplete"


@dataclass
class Swept:
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    unchecked: list[UUID] = field(default_factory=list)
    """The jobs that could not be checked (the log says why for each)."""


def sweep(db: Database, stepfunctions: Any, state_machine_arn: str) -> Swept:
    """Check a batch of the stale jobs against their executions, each on its own: one that
    cannot be checked is logged and counted, and the others go on."""
    swept = Swept()
    for job in Jobs(db).stale(unchanged_since(get_settings()), BATCH):
        with logger.append_context_keys(job_id=str(job.id), user_id=job.clerk_user_id):
            try:
                recorded = reconcile_job(db, stepfunctions, state_machine_arn, job)
            except Exception:
                logger.exception("could not check the stale job against its execution")
                swept.unchecked.append(job.id)
                continue
            logger.info("stale job checked", extra=recorded.log_fields())
            swept.outcomes[recorded.outcome] += 1
    return swept


@cache
def stepfunctions() -> Any:
    """The Step Functions client, made once per container."""
    return stepfunctions_client()


@powertools.handler
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    state_machine_arn = get_settings().state_machine_arn
    if state_machine_arn is None:
        raise InvalidInput(
            "ANALYSIS_STATE_MACHINE_ARN is not set: the sweep finds the execution of a job that"
            " recorded none by the state machine's ARN and the job id",
            field="ANALYSIS_STATE_MACHINE_ARN",
        )
    swept = sweep(database(), stepfunctions(), state_machine_arn)
    for outcome, count in swept.outcomes.items():
        metrics.add_metric(name=METRIC_OF[outcome], unit=MetricUnit.Count, value=count)
    metrics.add_metric(name="JobsNotChecked", unit=MetricUnit.Count, value=len(swept.unchecked))
    if swept.unchecked:
        raise SweepIncomplete(
            f"{len(swept.unchecked)} stale job(s) could not be checked against their executions"
            f" ({', '.join(map(str, swept.unchecked))}): the log says why for each, and the next"
            " sweep tries them again"
        )
    return {"checked": sum(swept.outcomes.values()), "outcomes": dict(swept.outcomes)}
