"""What every Lambda handler shares: one Powertools style (logs, metrics, traces) and one database
per container."""

from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit

from runtime import metrics as measured
from runtime.database import connect
from runtime.faults import raise_injected_fault
from runtime.steps import record_failed_call
from shared.db import Database
from shared.schemas import StepInput
from shared.settings import get_settings
from state_machines.steps import Step

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
# What Tracer records a subsegment for: every AWS call (the Data API, Secrets Manager, Step
# Functions, Bedrock through boto3) and every HTTP call (LiteLLM's model calls, Langfuse).
TRACED_MODULES = ("botocore", "httpx")
# Our own modules' standard loggers, which log through the handler's Powertools logger.
OUR_LOGGERS = {"alex", "runtime", "functions", "shared"}


class Powertools:
    """One handler style for every Lambda, as Powertools' documentation stacks it: Logger with the
    Lambda context on every line (and whatever keys the handler appends, such as the job and user
    ids; cleared for each invocation), Metrics flushed when each invocation ends, and a Tracer
    segment per invocation with subsegments for the calls of TRACED_MODULES and each agent run
    (runtime.agents). Tracer does nothing outside Lambda, where X-Ray is not running."""

    def __init__(self, service: str) -> None:
        self.logger = Logger(service=service)
        self.metrics = Metrics(namespace=measured.NAMESPACE, service=service)
        # The response is the job's data: it stays out of the traces.
        self.tracer = Tracer(service=service, patch_modules=TRACED_MODULES)
        if get_settings().environment == "aws":
            # One function per Lambda environment; a local process runs them all, and its own
            # logging configuration prints these loggers.
            copy_config_to_registered_loggers(source_logger=self.logger, include=OUR_LOGGERS)

    def handler(self, function: Handler) -> Handler:
        traced = self.tracer.capture_lambda_handler(function, capture_response=False)
        wrapped: Handler = self.logger.inject_lambda_context(
            self.metrics.log_metrics(traced), clear_state=True
        )
        wrapped.powertools = self  # type: ignore[attr-defined]  # read by the handler-style test
        return wrapped


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
    tools = Powertools(step.function)
    logger, metrics = tools.logger, tools.metrics

    def wrap(work: Callable[[dict[str, Any]], dict[str, Any]]) -> Handler:
        @tools.handler
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

        return handler

    return wrap
