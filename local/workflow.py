"""The analysis workflow on one machine: the CDK app's definition run by the local engine with
the real handlers, behind a Step Functions endpoint on 127.0.0.1.

Executions live in PostgreSQL (see `local.engine.store`), so they outlive the process that ran
them. A process serving the workflow for others (`alex dev`, or the one `alex analyze --no-wait`
starts) registers itself in the data directory; the CLI finds it there.
"""

import hashlib
import importlib
import json
import logging
import os
import socket
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from local.endpoint import serve
from local.engine import Engine, Store
from local.engine.store import process_alive
from local.faults import with_faults
from local.invoker import LocalLambda, local_definition
from runtime.aws import stepfunctions_client
from shared.db import Database
from shared.db.psycopg_driver import PsycopgDriver
from shared.errors import AlexError
from shared.settings import PROJECT_ROOT, get_settings

ANALYSIS_STACK = "AlexAnalysis"
JOB_EVENTS = "functions.job_events.handler"
RECONCILE_JOBS = "functions.reconcile_jobs.handler"
# What the analysis stack's template is made of: a change to any of them synthesizes it again.
TEMPLATE_SOURCES = ("cdk_app.py", "cdk.json", "stacks", "state_machines")
# Built from the sources, like cdk.out, so it stays with them whatever ALEX_DATA_DIR says.
TEMPLATE_CACHE = PROJECT_ROOT / ".alex" / "cache"
# How long a stopping server waits for its executions to reach their next state.
STOP_SECONDS = 5.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LocalWorkflow:
    """Where boto3 reaches the analysis state machine, and the process serving it."""

    state_machine_arn: str
    endpoint_url: str
    database_url: str
    pid: int

    def client(self) -> Any:
        return stepfunctions_client(
            get_settings().model_copy(
                update={"stepfunctions_endpoint_url": self.endpoint_url, "environment": "local"}
            )
        )


def analysis_template() -> dict[str, Any]:
    """The AlexAnalysis stack's template: the one cached for the current sources, or synthesized
    in this process (assets unbundled, ~20 s) and cached."""
    cache = TEMPLATE_CACHE
    cached = cache / f"{ANALYSIS_STACK}-{_sources_digest()}.template.json"
    if cached.exists():
        template: dict[str, Any] = json.loads(cached.read_text())
        return template
    log.info("Synthesizing the CDK app (its sources changed since the last synth)...")
    template = _synthesize()
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob(f"{ANALYSIS_STACK}-*.template.json"):
        stale.unlink(missing_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(json.dumps(template))
    partial.replace(cached)  # atomic: a reader sees all of it or nothing
    return template


def _sources_digest() -> str:
    digest = hashlib.sha256(version("aws-cdk-lib").encode())
    for name in TEMPLATE_SOURCES:
        source = PROJECT_ROOT / name
        files = sorted(source.rglob("*.py")) if source.is_dir() else [source]
        for path in files:
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _synthesize() -> dict[str, Any]:
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    # The CDK takes seconds to import: only a synth pays for it.
    import aws_cdk as cdk

    from cdk_app import build_app

    with tempfile.TemporaryDirectory(prefix="alex-cdk-") as outdir:
        app = cdk.App(context={"aws:cdk:bundling-stacks": []}, outdir=outdir)
        build_app(app)
        template: dict[str, Any] = app.synth().get_stack_by_name(ANALYSIS_STACK).template
    return template


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
def local_workflow(
    db: Database,
    database_url: str,
    port: int = 0,
    *,
    lost: Callable[[dict[str, Any]], bool] = lambda event: False,
) -> Iterator[LocalWorkflow]:
    """The analysis state machine, served on 127.0.0.1:`port` (0: any free port) until the
    block ends; then the executions it runs are stopped, resumable by a redrive.

    Its functions run in this process on `database_url` (with ALEX_FAULTS), and each execution
    status change reaches the job through the job-events logic, as the CDK app's EventBridge
    rule delivers it, unless `lost(event)`: EventBridge delivers them best effort.
    """
    # The functions read their database from the environment, as they do in Lambda.
    os.environ["DATABASE_URL"] = database_url
    get_settings.cache_clear()
    definition, handlers = local_definition(analysis_template())
    _import_quietly(
        [path.rpartition(".")[0] for path in handlers.values()] + [JOB_EVENTS, RECONCILE_JOBS]
    )
    from functions.job_events.handler import parse_event, record_status_change

    client: Any = None  # job-events reads the history through the endpoint, served below

    def job_events(event: dict[str, Any]) -> None:
        if lost(event):
            return
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

    store_db = PsycopgDriver(database_url)
    endpoint = None
    try:
        engine = Engine(
            definition,
            with_faults(LocalLambda(handlers)),
            Store(store_db),
            on_status_change=job_events,
        )
        endpoint, url = serve({engine.state_machine_arn: engine}, port)
        workflow = LocalWorkflow(engine.state_machine_arn, url, database_url, os.getpid())
        client = workflow.client()
        # Only now: job-events marks each orphan's job failed by reading its history through
        # the client (before it existed, the jobs stayed running forever).
        engine.abort_orphans()
        try:
            yield workflow
        finally:
            engine.close(STOP_SECONDS)
    finally:
        if endpoint is not None:
            endpoint.close()
        store_db.close()


def sweep_stale_jobs(db: Database, workflow: LocalWorkflow) -> None:
    """What the CDK app's schedule runs in AWS: every job pending or running unchanged for
    ALEX_STALE_JOB_AFTER is checked against its execution, so a lost status event (here: one
    job-events could not record) does not leave it so. A job that cannot be checked is logged,
    and tried again by the next sweep."""
    from functions.reconcile_jobs.handler import sweep

    try:
        swept = sweep(db, workflow.client(), workflow.state_machine_arn)
    except AlexError as error:  # the database: `alex dev` goes on, and sweeps again later
        log.warning("could not sweep for stale jobs: %s", error.message)
        return
    if swept.unchecked:
        log.warning(
            "stale jobs not checked against their executions (see above): %s",
            ", ".join(map(str, swept.unchecked)),
        )


def _registration(database_url: str) -> Path:
    """Where the process serving the workflow on this database says so (one file per database,
    so a test's server never hides a developer's `alex dev`)."""
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:12]
    return get_settings().data_dir / f"workflow-{digest}.json"


@contextmanager
def registered(workflow: LocalWorkflow) -> Iterator[None]:
    """Tell the CLI's other processes that this process serves the workflow."""
    path = _registration(workflow.database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(workflow)))
    try:
        yield
    finally:
        if running_workflow(workflow.database_url) == workflow:
            path.unlink(missing_ok=True)


def running_workflow(database_url: str) -> LocalWorkflow | None:
    """The workflow another process serves on this database, if one does."""
    try:
        workflow = LocalWorkflow(**json.loads(_registration(database_url).read_text()))
    except (OSError, ValueError, TypeError):
        return None
    if workflow.database_url != database_url or not process_alive(workflow.pid):
        return None
    host, _, port = workflow.endpoint_url.removeprefix("http://").partition(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return None
    return workflow
