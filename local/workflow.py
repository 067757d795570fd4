"""The analysis workflow on one machine, inside this process: the CDK app's definition run by the
local engine with the real handlers, behind a Step Functions endpoint on 127.0.0.1.

The engine does not persist its executions yet, so they live as long as this process.
"""

import importlib
import logging
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from typing import Any

import boto3

from local.endpoint import serve
from local.engine import Engine
from local.faults import with_faults
from local.invoker import LocalLambda, local_definition
from shared.db import Database
from shared.settings import get_settings

ANALYSIS_STACK = "AlexAnalysis"
JOB_EVENTS = "functions.job_events.handler"
REGION = "us-east-1"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LocalWorkflow:
    """Where boto3 reaches the analysis state machine."""

    state_machine_arn: str
    endpoint_url: str


def analysis_template() -> dict[str, Any]:
    """The AlexAnalysis stack's template, synthesized in this process with assets unbundled."""
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    # The CDK takes seconds to import: only the commands that run the workflow pay for it.
    import aws_cdk as cdk

    from cdk_app import build_app

    with tempfile.TemporaryDirectory(prefix="alex-cdk-") as outdir:
        app = cdk.App(context={"aws:cdk:bundling-stacks": []}, outdir=outdir)
        build_app(app)
        template: dict[str, Any] = app.synth().get_stack_by_name(ANALYSIS_STACK).template
    return template


def stepfunctions_client(endpoint_url: str) -> Any:
    """boto3's Step Functions client for the local endpoint, which checks no credentials."""
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def _import_quietly(modules: Iterable[str]) -> None:
    """Import the functions with their logs going to stderr, leaving stdout to the command.

    Lambda sends them to CloudWatch; Powertools binds each logger to `sys.stdout` when its
    module is imported, and prints metrics to stdout unless they are disabled.
    """
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    with redirect_stdout(sys.stderr):
        for module in modules:
            importlib.import_module(module)


@contextmanager
def local_workflow(db: Database, database_url: str) -> Iterator[LocalWorkflow]:
    """The analysis state machine, served until the block ends.

    Its functions run in this process on `database_url` (with ALEX_FAULTS), and each execution
    status change reaches the job through the job-events logic, as the CDK app's EventBridge
    rule delivers it.
    """
    # The functions read their database from the environment, as they do in Lambda.
    os.environ["DATABASE_URL"] = database_url
    get_settings.cache_clear()
    definition, handlers = local_definition(analysis_template())
    _import_quietly([path.rpartition(".")[0] for path in handlers.values()] + [JOB_EVENTS])
    from functions.job_events.handler import parse_event, record_status_change

    client: Any = None  # job-events reads the history through the endpoint, served below

    def job_events(event: dict[str, Any]) -> None:
        change = parse_event(event)
        try:
            record_status_change(db, client, change)
        except Exception:
            # EventBridge would retry; here the job keeps its status and the log says why.
            ids = change.detail.input
            log.exception(
                "job %s of %s: could not record execution status %s",
                ids.job_id,
                ids.user_id,
                change.detail.status,
            )

    engine = Engine(definition, with_faults(LocalLambda(handlers)), on_status_change=job_events)
    endpoint, url = serve({engine.state_machine_arn: engine})
    client = stepfunctions_client(url)
    try:
        yield LocalWorkflow(engine.state_machine_arn, url)
    finally:
        endpoint.close()
