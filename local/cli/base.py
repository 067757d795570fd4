"""What the commands share: the `alex` group, the database, the workflow, following a job."""

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import click

from local import postgres
from local.workflow import LocalWorkflow, local_workflow, registered, running_workflow
from runtime.database import connect
from shared.db import Database, Jobs
from shared.errors import AlexError
from shared.schemas import Job
from shared.settings import get_settings
from state_machines.steps import STEP_OF_KEY

log = logging.getLogger("alex")


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log more.")
def main(verbose: bool) -> None:
    """Alex, the AI financial planner, on this machine."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, format="%(levelname)s %(message)s"
    )


@contextmanager
def open_database() -> Iterator[tuple[Database, str, bool]]:
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


@contextmanager
def serving(database: Database, url: str, port: int) -> Iterator[LocalWorkflow]:
    """The workflow served by this process for others until the block ends."""
    try:
        with local_workflow(database, url, port) as workflow, registered(workflow):
            yield workflow
    except OSError as error:  # the port is taken
        raise click.ClickException(
            f"Cannot serve the workflow on port {port}: {error.strerror}."
            " Set ALEX_STEPFUNCTIONS_PORT to a free port."
        ) from error


def serve_until(done: Callable[[], bool]) -> None:
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
def workflow_for(database: Database, url: str, *, detached: bool) -> Iterator[LocalWorkflow]:
    """The workflow another process serves on this database (`alex dev`); otherwise one this
    process serves for the block, or, when `detached`, a background process started now that
    serves until no execution has run for a minute."""
    running = running_workflow(url)
    if running is not None:
        click.echo(f"Using the workflow served by process {running.pid}.", err=True)
        yield running
    elif detached:
        yield start_background(url)
    else:
        with local_workflow(database, url) as served:
            yield served


def start_background(url: str) -> LocalWorkflow:
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


def follow_to_end(
    jobs: Jobs, client: Any, job: Job, echo: Callable[[str], None], as_json: bool, printed: int = 0
) -> None:
    """Print the job's states until its execution ends (after the first `printed` events),
    then the job; exit 1 unless it completed. Ctrl-C stops the execution (a redrive resumes
    it)."""
    assert job.execution_arn is not None
    try:
        follow(client, job.execution_arn, echo, printed)
    except KeyboardInterrupt:
        client.stop_execution(
            executionArn=job.execution_arn, error="Interrupted", cause="alex was interrupted"
        )
        echo(f"Interrupted: the analysis is stopped; `alex jobs redrive {job.id}` resumes it.")
        show(settled(jobs, job), as_json)
        raise SystemExit(130) from None
    finished = settled(jobs, job)
    show(finished, as_json)
    if finished.status != "completed":
        raise SystemExit(1)


def follow(client: Any, arn: str, echo: Callable[[str], None], printed: int = 0) -> None:
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


def settled(jobs: Jobs, job: Job) -> Job:
    """The job once its execution's end is recorded (or as it is after SETTLE_SECONDS): no
    longer pending or running, nor failed from before the redrive `job` counts."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        current = jobs.get(job.clerk_user_id, job.id)
        ended = current.status in ("completed", "failed")
        if (ended and current.redrive_count >= job.redrive_count) or time.monotonic() > deadline:
            return current
        time.sleep(POLL_SECONDS)


def show(job: Job, as_json: bool) -> None:
    if as_json:
        click.echo(job.model_dump_json(indent=2))
        return
    click.echo(f"Job {job.id}: {job.status}")
    for name, step in job.steps.items():
        if step.status == "skipped":
            click.echo(f"{state_of(name)} (step {name}) was skipped. {step.notice}")
    if job.failed_step is not None:
        click.echo(f"Failed in {state_of(job.failed_step)} (step {job.failed_step})")
    if job.error_message:
        click.echo(
            f"Error: {job.error_message}" + (f": {job.error_cause}" if job.error_cause else "")
        )
    if job.summary_payload:
        click.echo(job.summary_payload["text"])


def state_of(step: str | None) -> str:
    """The state a step of the job is named by in the workflow."""
    return f'"{STEP_OF_KEY[step].state}"' if step in STEP_OF_KEY else str(step)
