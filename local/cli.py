"""The `alex` command line: run the product locally, manage the database, run the tests."""

import functools
import json
import logging
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from types import FrameType
from typing import Any

import click

from local import postgres
from local.workflow import LocalWorkflow, local_workflow, stepfunctions_client
from shared.db import Database, Jobs, Users, connect
from shared.db.migrate import migrate
from shared.db.seed import TEST_USER_ID, reset, seed_instruments, seed_test_data
from shared.errors import AlexError, Conflict, NotFound
from shared.schemas import Job, JobCreate
from shared.settings import PROJECT_ROOT, get_settings
from state_machines.names import STEP_OF_STATE

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
    """Start the local stack: PostgreSQL (migrated, with demo data) until Ctrl-C."""
    with _database() as (database, url, embedded):
        applied = migrate(database)
        seeded = seed_instruments(database)
        demo_created = seed_test_data(database)
    click.echo(f"Database ready: {len(applied)} migration(s) applied, {seeded} instruments seeded.")
    click.echo(
        f"Demo user {TEST_USER_ID}: "
        + ("created." if demo_created else "kept as it was (alex db reset --with-test-data).")
    )
    click.echo(f"\n  DATABASE_URL={url}")
    click.echo(f'  psql "{url}"\n')
    if not embedded:
        click.echo("Using the PostgreSQL of DATABASE_URL; nothing else to run yet.")
        return
    click.echo("Local PostgreSQL is running. Press Ctrl-C to stop.")
    _wait_for_interrupt()


def _wait_for_interrupt() -> None:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Explicitly for SIGINT too: a shell starts background jobs with SIGINT ignored.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("\nStopping.")


POLL_SECONDS = 0.2
# Job-events records a failure just after the execution ends, as EventBridge delivers it.
SETTLE_SECONDS = 30


@main.command()
@click.option("--user", "user_id", default=TEST_USER_ID, show_default=True, help="Whose portfolio.")
@click.option(
    "--wait/--no-wait",
    default=True,
    show_default=True,
    help="Follow the analysis to its end. Required for now: the workflow runs inside this command.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the job as JSON instead of text.")
def analyze(user_id: str, wait: bool, as_json: bool) -> None:
    """Analyze a user's portfolio: create a job and start the workflow through boto3, as the API
    will, then print each state as it is entered and exited, and the job.

    For now the workflow runs inside this command (the local engine does not persist executions
    yet), so an analysis lasts only as long as the command: it always waits, and Ctrl-C stops
    the analysis. ALEX_FAULTS="charter=fail" makes a function fail (local runs only).
    """
    if not wait:
        raise click.UsageError(
            "--no-wait needs an engine that outlives this command; for now the analysis runs"
            " inside it, so run `alex analyze` without --no-wait"
        )
    with _database() as (database, url, _), ExitStack() as stack:
        migrate(database)
        seed_instruments(database)
        if user_id == TEST_USER_ID:
            seed_test_data(database)
        job = _create_job(database, user_id, as_json)
        jobs = Jobs(database)
        try:
            workflow = stack.enter_context(local_workflow(database, url))
            client = stepfunctions_client(workflow.endpoint_url)
            arn = _start(client, workflow, job)
        except Exception as error:
            jobs.set_status(user_id, job.id, "failed", error=type(error).__name__, cause=str(error))
            raise click.ClickException(
                f"Could not start the analysis of job {job.id}: {error}"
            ) from error
        jobs.set_execution(user_id, job.id, arn)
        # With --json, stdout carries the job alone: progress goes to stderr.
        echo = functools.partial(click.echo, err=as_json)
        echo(f"Job {job.id} for {user_id}: started {arn}")
        try:
            _follow(client, arn, echo)
        except KeyboardInterrupt:
            client.stop_execution(
                executionArn=arn, error="Interrupted", cause="alex analyze was interrupted"
            )
            echo("Interrupted: the analysis is stopped.")
            _show(_settled(jobs, job), as_json)
            raise SystemExit(130) from None
        finished = _settled(jobs, job)
    _show(finished, as_json)
    if finished.status != "completed":
        raise SystemExit(1)


def _create_job(database: Database, user_id: str, as_json: bool) -> Job:
    try:
        Users(database).get(user_id)
        return Jobs(database).create(user_id, JobCreate())
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


def _start(client: Any, workflow: LocalWorkflow, job: Job) -> str:
    """Start the job's execution, named by the job id, as the API starts it."""
    started = client.start_execution(
        stateMachineArn=workflow.state_machine_arn,
        name=str(job.id),
        input=json.dumps({"job_id": str(job.id), "user_id": job.clerk_user_id}),
    )
    arn: str = started["executionArn"]
    return arn


def _follow(client: Any, arn: str, echo: Callable[[str], None]) -> None:
    """Print each state as the execution enters and exits it, until the execution ends."""
    printed = 0
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
    """The job once it is no longer pending or running (or as it is after SETTLE_SECONDS)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        current = jobs.get(job.clerk_user_id, job.id)
        if current.status not in ("pending", "running") or time.monotonic() > deadline:
            return current
        time.sleep(POLL_SECONDS)


def _show(job: Job, as_json: bool) -> None:
    if as_json:
        click.echo(job.model_dump_json(indent=2))
        return
    click.echo(f"Job {job.id}: {job.status}")
    if job.failed_step is not None:
        state = next(s for s, step in STEP_OF_STATE.items() if step == job.failed_step)
        click.echo(f'Failed in "{state}" (step {job.failed_step})')
    if job.error_message:
        click.echo(
            f"Error: {job.error_message}" + (f": {job.error_cause}" if job.error_cause else "")
        )
    if job.summary_payload:
        click.echo(job.summary_payload["text"])


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
        reset(database, with_test_data=with_test_data)
    click.echo("Database reset." + (f" {TEST_USER_ID} recreated." if with_test_data else ""))


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--no-lint", is_flag=True, help="Skip ruff and mypy.")
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def test(no_lint: bool, pytest_args: tuple[str, ...]) -> None:
    """Run the linters and the whole test suite (extra arguments go to pytest)."""
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
    pytest = subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=PROJECT_ROOT)
    if pytest.returncode == 5:
        click.echo("No tests ran: that is a failure.", err=True)
        raise SystemExit(1)
    raise SystemExit(pytest.returncode)


if __name__ == "__main__":
    main()
