"""`alex analyze`: start an analysis through the local workflow and follow it state by state."""

import functools
from typing import Any

import click

from local.cli.base import follow_to_end, open_database, show, workflow_for
from runtime.executions import WorkflowUnavailable, start_analysis
from shared.db import Database, Jobs
from shared.db.migrate import migrate
from shared.db.seed import TEST_USER_ID, seed_instruments, seed_test_data
from shared.errors import Conflict, NotFound
from shared.schemas import Job, JobCreate


@click.command()
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
    with open_database() as (database, url, _):
        migrate(database)
        seed_instruments(database)
        if user_id == TEST_USER_ID:
            seed_test_data(database)
        with workflow_for(database, url, detached=not wait) as served:
            client = served.client()
            job = start_job(database, client, served.state_machine_arn, user_id, as_json)
            # With --json, stdout carries the job alone: progress goes to stderr.
            echo = functools.partial(click.echo, err=as_json)
            echo(f"Job {job.id} for {user_id}: started {job.execution_arn}")
            if not wait:
                echo(f"Follow it with `alex jobs show {job.id}`.")
                show(job, as_json)
                return
            follow_to_end(Jobs(database), client, job, echo, as_json)


def start_job(
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
            show(active, as_json)
        raise SystemExit(1) from None
    except WorkflowUnavailable as error:
        raise click.ClickException(error.message) from error
