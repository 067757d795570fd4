"""The `alex` command line: run the product locally, manage the database, run the tests."""

import functools
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType
from typing import Any
from uuid import UUID

import click

from local import postgres
from local.engine.store import drop as drop_executions
from local.spa import FRONTEND, SpaBuildFailed, install, npm, spa_build
from local.workflow import LocalWorkflow, local_workflow, registered, running_workflow
from runtime.aws import stepfunctions_client
from runtime.database import connect
from runtime.executions import WorkflowUnavailable, redrive_job, start_analysis
from shared.db import Database, Jobs
from shared.db.migrate import migrate
from shared.db.seed import TEST_USER_ID, reset, seed_instruments, seed_test_data
from shared.errors import AlexError, Conflict, NotFound
from shared.schemas import Job, JobCreate
from shared.settings import PROJECT_ROOT, get_settings
from state_machines.steps import STEP_OF_KEY

log = logging.getLogger("alex")


@contextmanager
def _database() -> Iterator[tuple[Database, str, bool]]:
    """The database, its URL, and whether it is the embedded server (started or joined)."""
    settings = get_settings()
    try:
        server, url = postgres.database_url(settings)
        db = connect(settings.model_copy(update={"database_url": url}))
        try:
            yield db, url, server is not None
        finally:
            db.close()
    except AlexError as error:
        raise click.ClickException(error.message) from error


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log more.")
def main(verbose: bool) -> None:
    """Alex, the AI financial planner, on this machine."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, format="%(levelname)s %(message)s"
    )


@main.command()
def dev() -> None:
    """Start the whole product locally until Ctrl-C: PostgreSQL (migrated, with demo data), the
    analysis workflow behind its Step Functions endpoint, and the API with the dev sign-in,
    serving the SPA's build (built first when missing or stale)."""
    from local.api_server import serve_api  # FastAPI and uvicorn: only this command needs them

    settings = get_settings()
    with _database() as (database, url, embedded):
        applied = migrate(database)
        seeded = seed_instruments(database)
        demo_created = seed_test_data(database)
        click.echo(
            f"Database ready: {len(applied)} migration(s) applied, {seeded} instruments seeded."
        )
        click.echo(
            f"Demo user {TEST_USER_ID}: "
            + ("created." if demo_created else "kept as it was (alex db reset --with-test-data).")
        )
        if running_workflow(url) is not None:
            raise click.ClickException(
                "Another `alex dev` already serves this database: stop it first (Ctrl-C)."
            )
        spa = _spa()
        click.echo("Starting the analysis workflow (the CDK app's definition)...")
        with (
            _serving(database, url, settings.stepfunctions_port) as workflow,
            ExitStack() as stack,
        ):
            api_settings = settings.model_copy(
                update={
                    "database_url": url,
                    "dev_issuer": True,
                    "state_machine_arn": workflow.state_machine_arn,
                    "stepfunctions_endpoint_url": workflow.endpoint_url,
                }
            )
            try:
                app_url = stack.enter_context(serve_api(api_settings, settings.api_port, spa))
            except OSError as error:
                raise click.ClickException(f"{error}. Set ALEX_API_PORT to a free port.") from error
            click.echo(f"\n  Alex:    {app_url}/" + ("" if spa else "  (no SPA build)"))
            click.echo(f"  API:     {app_url}/api  (OpenAPI: {app_url}/docs)")
            click.echo(f"  Sign in: as {TEST_USER_ID}, the demo user, on the sign-in page")
            click.echo(f"           (API clients: POST {app_url}/dev/token)")
            click.echo(f"\n  DATABASE_URL={url}" + ("" if embedded else " (from DATABASE_URL)"))
            click.echo(f"  AWS_ENDPOINT_URL_STEPFUNCTIONS={workflow.endpoint_url}")
            click.echo(f"  ANALYSIS_STATE_MACHINE_ARN={workflow.state_machine_arn}\n")
            click.echo("`alex analyze` runs an analysis from a terminal. Press Ctrl-C to stop.")
            _serve_until(lambda: False)


def _spa() -> Path | None:
    """The SPA's build, or None (said) when the checkout has none or it cannot be built."""
    try:
        build = spa_build()
    except SpaBuildFailed as error:
        click.echo(f"The SPA could not be built: {error}. The API runs without it.", err=True)
        return None
    if build is None:
        click.echo("This checkout has no SPA (frontend/): the API runs alone.", err=True)
    return build


@contextmanager
def _serving(database: Database, url: str, port: int) -> Iterator[LocalWorkflow]:
    """The workflow served by this process for others until the block ends."""
    try:
        with local_workflow(database, url, port) as workflow, registered(workflow):
            yield workflow
    except OSError as error:  # the port is taken
        raise click.ClickException(
            f"Cannot serve the workflow on port {port}: {error.strerror}."
            " Set ALEX_STEPFUNCTIONS_PORT to a free port."
        ) from error


@main.command(hidden=True)
@click.option("--port", default=0, help="Port of the Step Functions endpoint (0: any free one).")
@click.option(
    "--exit-when-idle",
    type=float,
    default=None,
    help="Stop after this many seconds with no execution running.",
)
def workflow(port: int, exit_when_idle: float | None) -> None:
    """Serve the analysis workflow for other processes (what `alex analyze --no-wait` starts
    when no `alex dev` runs)."""
    with _database() as (database, url, _), _serving(database, url, port) as served:
        click.echo(f"Serving {served.state_machine_arn} at {served.endpoint_url}")
        client = served.client()
        idle_since = time.monotonic()

        def idle() -> bool:
            nonlocal idle_since
            running = client.list_executions(
                stateMachineArn=served.state_machine_arn, statusFilter="RUNNING"
            )["executions"]
            if running:
                idle_since = time.monotonic()
            return exit_when_idle is not None and time.monotonic() - idle_since > exit_when_idle

        _serve_until(idle)


def _serve_until(done: Callable[[], bool]) -> None:
    """Return when `done()` or on Ctrl-C (or SIGTERM)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Explicitly for SIGINT too: a shell starts background jobs with SIGINT ignored.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not done():
            time.sleep(1)
    except KeyboardInterrupt:
        click.echo("\nStopping.")


POLL_SECONDS = 0.2
# Job-events records a failure just after the execution ends, as EventBridge delivers it.
SETTLE_SECONDS = 30
# A background workflow server may have to synthesize the CDK app before it serves.
BACKGROUND_START_SECONDS = 180


@contextmanager
def _workflow(database: Database, url: str, *, detached: bool) -> Iterator[LocalWorkflow]:
    """The workflow another process serves on this database (`alex dev`); otherwise one this
    process serves for the block, or, when `detached`, a background process started now that
    serves until no execution has run for a minute."""
    running = running_workflow(url)
    if running is not None:
        click.echo(f"Using the workflow served by process {running.pid}.", err=True)
        yield running
    elif detached:
        yield _start_background(url)
    else:
        with local_workflow(database, url) as served:
            yield served


def _start_background(url: str) -> LocalWorkflow:
    log_path = get_settings().data_dir / "logs" / "workflow.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "local.cli", "workflow", "--exit-when-idle", "60"],
            env={**os.environ, "DATABASE_URL": url},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in this terminal must not stop it
        )
    deadline = time.monotonic() + BACKGROUND_START_SECONDS
    while (served := running_workflow(url)) is None or served.pid != server.pid:
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise click.ClickException(f"The background workflow did not start: see {log_path}")
        time.sleep(POLL_SECONDS)
    click.echo(
        f"The workflow runs in the background (process {server.pid}, log {log_path}).", err=True
    )
    return served


@main.command()
@click.option("--user", "user_id", default=TEST_USER_ID, show_default=True, help="Whose portfolio.")
@click.option(
    "--wait/--no-wait",
    default=True,
    show_default=True,
    help="Follow the analysis state by state to its end, or start it and return.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the job as JSON instead of text.")
def analyze(user_id: str, wait: bool, as_json: bool) -> None:
    """Analyze a user's portfolio: create a job and start the workflow through boto3, as the API
    does, then print each state as it is entered and exited, and the job.

    The workflow runs in `alex dev` when it is running; otherwise in this command (with --wait)
    or in a background process (--no-wait). ALEX_FAULTS="charter=fail" makes a function fail
    (local runs only).
    """
    with _database() as (database, url, _):
        migrate(database)
        seed_instruments(database)
        if user_id == TEST_USER_ID:
            seed_test_data(database)
        with _workflow(database, url, detached=not wait) as served:
            client = served.client()
            job = _start_job(database, client, served.state_machine_arn, user_id, as_json)
            # With --json, stdout carries the job alone: progress goes to stderr.
            echo = functools.partial(click.echo, err=as_json)
            echo(f"Job {job.id} for {user_id}: started {job.execution_arn}")
            if not wait:
                echo(f"Follow it with `alex jobs show {job.id}`.")
                _show(job, as_json)
                return
            _follow_to_end(Jobs(database), client, job, echo, as_json)


def _start_job(
    database: Database, client: Any, state_machine_arn: str, user_id: str, as_json: bool
) -> Job:
    try:
        return start_analysis(database, client, state_machine_arn, user_id, JobCreate())
    except NotFound:
        raise click.ClickException(
            f"User {user_id!r} does not exist: sign in once through the app, or analyze"
            f" {TEST_USER_ID}, the demo user"
        ) from None
    except Conflict:
        active = Jobs(database).active(user_id)
        click.echo(f"{user_id} already has an analysis pending or running:", err=True)
        if active is not None:
            _show(active, as_json)
        raise SystemExit(1) from None
    except WorkflowUnavailable as error:
        raise click.ClickException(error.message) from error


def _follow_to_end(
    jobs: Jobs, client: Any, job: Job, echo: Callable[[str], None], as_json: bool, printed: int = 0
) -> None:
    """Print the job's states until its execution ends (after the first `printed` events),
    then the job; exit 1 unless it completed. Ctrl-C stops the execution (a redrive resumes
    it)."""
    assert job.execution_arn is not None
    try:
        _follow(client, job.execution_arn, echo, printed)
    except KeyboardInterrupt:
        client.stop_execution(
            executionArn=job.execution_arn, error="Interrupted", cause="alex was interrupted"
        )
        echo(f"Interrupted: the analysis is stopped; `alex jobs redrive {job.id}` resumes it.")
        _show(_settled(jobs, job), as_json)
        raise SystemExit(130) from None
    finished = _settled(jobs, job)
    _show(finished, as_json)
    if finished.status != "completed":
        raise SystemExit(1)


def _follow(client: Any, arn: str, echo: Callable[[str], None], printed: int = 0) -> None:
    """Print each state as the execution enters and exits it (after the first `printed`
    events), until the execution ends."""
    while True:
        status = client.describe_execution(executionArn=arn)["status"]
        pages = client.get_paginator("get_execution_history").paginate(executionArn=arn)
        events = [event for page in pages for event in page["events"]]
        for event in events[printed:]:
            kind = event["type"]
            for verb in ("Entered", "Exited"):
                if kind.endswith(f"State{verb}"):
                    name = event[f"state{verb}EventDetails"]["name"]
                    elapsed = (event["timestamp"] - events[0]["timestamp"]).total_seconds()
                    echo(f"{elapsed:7.2f}s  {verb.lower():<8}{name}")
        printed = len(events)
        if status != "RUNNING":
            return
        time.sleep(POLL_SECONDS)


def _settled(jobs: Jobs, job: Job) -> Job:
    """The job once its execution's end is recorded (or as it is after SETTLE_SECONDS): no
    longer pending or running, nor failed from before the redrive `job` counts."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        current = jobs.get(job.clerk_user_id, job.id)
        ended = current.status in ("completed", "failed")
        if (ended and current.redrive_count >= job.redrive_count) or time.monotonic() > deadline:
            return current
        time.sleep(POLL_SECONDS)


def _show(job: Job, as_json: bool) -> None:
    if as_json:
        click.echo(job.model_dump_json(indent=2))
        return
    click.echo(f"Job {job.id}: {job.status}")
    if job.failed_step is not None:
        click.echo(f"Failed in {_state_of(job.failed_step)} (step {job.failed_step})")
    if job.error_message:
        click.echo(
            f"Error: {job.error_message}" + (f": {job.error_cause}" if job.error_cause else "")
        )
    if job.summary_payload:
        click.echo(job.summary_payload["text"])


@main.group()
def jobs() -> None:
    """List, show and redrive analyses (the local ones, or in AWS with ALEX_ENV=aws)."""


def _user_option(command: Callable[..., None]) -> Callable[..., None]:
    return click.option(
        "--user", "user_id", default=TEST_USER_ID, show_default=True, help="Whose jobs."
    )(command)


@jobs.command("list")
@_user_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print the jobs as JSON.")
def jobs_list(user_id: str, limit: int, as_json: bool) -> None:
    """The user's most recent analyses, newest first."""
    with _jobs_database() as (database, _):
        recent = Jobs(database).recent(user_id, limit)
    if as_json:
        click.echo(json.dumps([job.model_dump(mode="json") for job in recent], indent=2))
        return
    if not recent:
        click.echo(f"{user_id} has no analyses yet: `alex analyze --user {user_id}` starts one.")
    for job in recent:
        where = f"  failed in {_state_of(job.failed_step)}" if job.failed_step else ""
        click.echo(f"{job.id}  {job.created_at:%Y-%m-%d %H:%M:%S}  {job.status:<9}{where}")


@jobs.command("show")
@click.argument("job_id", type=click.UUID)
@_user_option
@click.option("--json", "as_json", is_flag=True, help="Print the job as JSON.")
def jobs_show(job_id: UUID, user_id: str, as_json: bool) -> None:
    """One analysis: its status, each step's progress, and its outcome."""
    with _jobs_database() as (database, _):
        job = _get_job(database, user_id, job_id)
    if not as_json:
        for name, step in job.steps.items():
            items = f" {step.done}/{step.total}" if step.total else ""
            error = f"  {step.error}" if step.error else ""
            click.echo(f"  {name:<11}{step.status:<10}attempts {step.attempts}{items}{error}")
    _show(job, as_json)


@jobs.command("redrive")
@click.argument("job_id", type=click.UUID)
@_user_option
@click.option(
    "--wait/--no-wait",
    default=True,
    show_default=True,
    help="Follow the redriven analysis to its end, or redrive it and return.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the job as JSON.")
def jobs_redrive(job_id: UUID, user_id: str, wait: bool, as_json: bool) -> None:
    """Retry a failed analysis from its failed step (Step Functions' RedriveExecution): the
    steps that succeeded are not run again.

    Locally, the workflow runs as for `alex analyze`. With ALEX_ENV=aws (and AWS credentials,
    DB_CLUSTER_ARN and DB_SECRET_ARN) it redrives the execution in AWS.
    """
    echo = functools.partial(click.echo, err=as_json)
    with ExitStack() as stack:
        database, url = stack.enter_context(_jobs_database())
        job = _get_job(database, user_id, job_id)
        if url is None:  # in AWS
            client = stepfunctions_client()
        else:
            client = stack.enter_context(_workflow(database, url, detached=not wait)).client()
        seen = _history_length(client, job.execution_arn)
        try:
            redriven = redrive_job(database, client, user_id, job_id)
        except (Conflict, WorkflowUnavailable) as error:
            raise click.ClickException(error.message) from error
        echo(f"Job {job_id}: redriven from {_state_of(job.failed_step)}")
        if not wait:
            _show(redriven, as_json)
            return
        expected = redriven.model_copy(update={"redrive_count": job.redrive_count + 1})
        _follow_to_end(Jobs(database), client, expected, echo, as_json, seen)


@contextmanager
def _jobs_database() -> Iterator[tuple[Database, str | None]]:
    """The configured database in AWS (Data API), else the local one (migrated) and its URL."""
    if get_settings().environment != "aws":
        with _database() as (database, url, _):
            migrate(database)
            yield database, url
        return
    try:
        database = connect()
    except AlexError as error:
        raise click.ClickException(error.message) from error
    try:
        yield database, None
    finally:
        database.close()


def _get_job(database: Database, user_id: str, job_id: UUID) -> Job:
    try:
        return Jobs(database).get(user_id, job_id)
    except NotFound:
        raise click.ClickException(
            f"{user_id} has no job {job_id}: `alex jobs list --user USER` lists a user's jobs"
        ) from None


def _history_length(client: Any, arn: str | None) -> int:
    if arn is None:
        return 0
    pages = client.get_paginator("get_execution_history").paginate(executionArn=arn)
    return sum(len(page["events"]) for page in pages)


def _state_of(step: str | None) -> str:
    """The state a step of the job is named by in the workflow."""
    return f'"{STEP_OF_KEY[step].state}"' if step in STEP_OF_KEY else str(step)


@main.group()
def db() -> None:
    """Migrate, seed or reset the database (the local one unless DATABASE_URL is set)."""


@db.command("migrate")
def db_migrate() -> None:
    """Apply the migrations not applied yet."""
    with _database() as (database, _, _):
        applied = migrate(database)
    click.echo(f"{len(applied)} migration(s) applied.")


@db.command("seed")
@click.option("--with-test-data", is_flag=True, help=f"Also create {TEST_USER_ID} if missing.")
def db_seed(with_test_data: bool) -> None:
    """Insert or refresh the seed instruments."""
    with _database() as (database, _, _):
        migrate(database)
        count = seed_instruments(database)
        created = with_test_data and seed_test_data(database)
    click.echo(f"{count} instruments seeded." + (f" {TEST_USER_ID} created." if created else ""))


@db.command("reset")
@click.option("--with-test-data", is_flag=True, help=f"Also recreate {TEST_USER_ID}.")
@click.confirmation_option(prompt="Drop every table and start again?")
def db_reset(with_test_data: bool) -> None:
    """Drop everything, then migrate and seed again."""
    with _database() as (database, _, _):
        drop_executions(database)
        reset(database, with_test_data=with_test_data)
    click.echo("Database reset." + (f" {TEST_USER_ID} recreated." if with_test_data else ""))


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--no-lint", is_flag=True, help="Skip ruff and mypy.")
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def test(no_lint: bool, pytest_args: tuple[str, ...]) -> None:
    """Run the linters, the SPA's component tests and the whole pytest suite. Extra arguments
    go to pytest, and then only the selected pytest tests run after the linters."""
    checks = (
        []
        if no_lint
        else [
            ["ruff", "check", "."],
            ["ruff", "format", "--check", "."],
            ["mypy"],
        ]
    )
    for check in checks:
        click.echo(f"$ {' '.join(check)}")
        if subprocess.run([sys.executable, "-m", *check], cwd=PROJECT_ROOT).returncode:
            raise SystemExit(1)
    if not pytest_args and (FRONTEND / "package.json").exists():
        click.echo("$ npm test  (frontend/)")
        try:
            install()
            npm("test")
        except SpaBuildFailed as error:
            click.echo(str(error), err=True)
            raise SystemExit(1) from None
    pytest = subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=PROJECT_ROOT)
    if pytest.returncode == 5:
        click.echo("No tests ran: that is a failure.", err=True)
        raise SystemExit(1)
    raise SystemExit(pytest.returncode)


if __name__ == "__main__":
    main()
