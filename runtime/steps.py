"""The lifecycle every workflow step shares: mark it running, do the work, mark how it ended."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from runtime.tracing import job_trace
from shared.db import Database, Jobs
from shared.errors import InvalidTransition
from shared.schemas import StepInput
from state_machines.steps import Step

log = logging.getLogger("alex.steps")


def record_failed_call(
    database: Callable[[], Database], event: Any, step: Step, error: Exception
) -> None:
    """Count a call of the step's function that failed before `run_step` (an injected fault) on
    the job's step, as `run_step` counts the others: every attempt is in `steps.*.attempts`.
    Only logged when it cannot be: the call's own error is the one that matters."""
    try:
        request = StepInput.model_validate(event)
        Jobs(database()).record_failed_call(
            request.user_id, request.job_id, step.key, f"{type(error).__name__}: {error}"
        )
    except Exception as failure:
        log.warning("could not count the failed call of %s on its job: %s", step.function, failure)


async def run_step(
    db: Database,
    request: StepInput,
    step: Step,
    work: Callable[[], Awaitable[dict[str, Any]]],
) -> dict[str, Any]:
    """Run a step's work once: a step that already succeeded (a retry, a redrive) is not redone.

    A failure is recorded on the step and raised again, so the workflow's Retry rules see it.
    The result is small (ids and counts): payloads go to the database, not through the workflow.
    """
    jobs = Jobs(db)
    done = {"step": step.key, "outcome": "already done"}
    if jobs.get(request.user_id, request.job_id).steps[step.key].status == "succeeded":
        return done
    try:
        jobs.mark_step(request.user_id, request.job_id, step.key, "running")
    except InvalidTransition:
        # An aborted run of this step (Step Functions stops waiting, the function goes on) may
        # finish between the check and the mark: its result is stored, so the step is done.
        if jobs.get(request.user_id, request.job_id).steps[step.key].status == "succeeded":
            return done
        raise
    try:
        with job_trace(request.job_id, request.user_id, step.key):
            result = await work()
    except Exception as error:
        jobs.mark_step(
            request.user_id,
            request.job_id,
            step.key,
            "failed",
            error=f"{type(error).__name__}: {error}",
        )
        raise
    jobs.mark_step(request.user_id, request.job_id, step.key, "succeeded")
    return {"step": step.key, **result}
