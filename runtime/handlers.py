"""What every Lambda handler shares: Powertools logs and metrics, one database per container."""

from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from runtime import metrics as measured
from runtime.database import connect
from runtime.faults import raise_injected_fault
from runtime.steps import record_failed_call
from shared.db import Database
from shared.schemas import StepInput
from state_machines.steps import Step

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@cache
def database() -> Database:
    """The database, connected once per Lambda container (or process) and reused; its Data API
    calls are measured."""
    return connect(on_data_api_call=measured.data_api_call)


def step_handler(step: Step) -> Callable[[Callable[[dict[str, Any]], dict[str, Any]]], Handler]:
    """Wrap a step's work as a Lambda handler that logs with the job and user ids and counts runs.

    The work raises on failure (the workflow's Retry rules choose by error type); the handler
    never turns an error into a result.
    """
    logger = Logger(service=step.function)
    metrics = Metrics(namespace="Alex", service=step.function)

    def wrap(work: Callable[[dict[str, Any]], dict[str, Any]]) -> Handler:
        @wraps(work)
        def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            ids = StepInput.model_validate(event)
            logger.append_keys(job_id=str(ids.job_id), user_id=ids.user_id)
            try:
                try:
                    raise_injected_fault(step.function)
                except Exception as fault:
                    record_failed_call(database, event, step, fault)
                    raise
                result = work(event)
            except Exception:
                metrics.add_metric(name="StepFailed", unit=MetricUnit.Count, value=1)
                logger.exception("step failed")
                raise
            else:
                metrics.add_metric(name="StepSucceeded", unit=MetricUnit.Count, value=1)
                logger.info("step succeeded", extra={"result": result})
                return result
            finally:
                metrics.flush_metrics()

        return handler

    return wrap
