"""`alex jobs`: list, show and redrive analyses, locally or in AWS."""

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from uuid import UUID

import click

from local.cli.base import follow_to_end, open_database, show, state_of, workflow_for
from local.engine import Store
from local.workflow import local_workflow
from runtime.aws import stepfunctions_client
from runtime.database import connect
from runtime.executions import WorkflowUnavailable, redrive_job
from shared.db import Database, Jobs
from shared.db.migrate import migrate
from shared.db.seed import TEST_USER_ID
from shared.errors import AlexError, Conflict, NotFound
from shared.schemas import Job
from shared.settings import get_settings


@click.group()
def jobs() -> None:
    """List, show and redrive analyses (the local ones, or in AWS with ALEX_ENV=aws)."""


def user_option(command: Callable[..., None]) -> Callable[..., None]:
    return click.option(
        "--user", "user_id", default=TEST_USER_ID, show_default=True, help="Whose jobs."
    )(command)


@jobs.command("list")
@user_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print the jobs as JSON.")
def jobs_list(user_id: str, limit: int, as_json: bool) -> None:
    """The user's most recent analyses, newest first."""
    with open_jobs_database() as (database, _):
        recent = Jobs(database).recent(user_id, limit).items
    if as_json:
        click.echo(json.dumps([job.model_dump(mode="json") for job in recent], indent=2))
        return
    if not recent:
        click.echo(f"{user_id} has no analyses yet: `alex analyze --user {user_id}` starts one.")
    for job in recent:
        where = f"  failed in {state_of(job.failed_step)}" if job.failed_step else ""
        click.echo(f"{job.id}  {job.created_at:%Y-%m-%d %H:%M:%S}  {job.status:<9}{where}")


@jobs.command("show")
@click.argument("job_id", type=click.UUID)
@user_option
@click.option("--json", "as_json", is_flag=True, help="Print the job as JSON.")
def jobs_show(job_id: UUID, user_id: str, as_json: bool) -> None:
    """One analysis: its status, each step's progress, and its outcome."""
    with open_jobs_database() as (database, url):
        job = recovered(database, url, get_job(database, user_id, job_id))
    if not as_json:
        for name, step in job.steps.items():
            items = f" {step.done}/{step.total}" if step.total else ""
            error = f"  {step.error}" if step.error else ""
            click.echo(f"  {name:<11}{step.status:<10}attempts {step.attempts}{items}{error}")
    show(job, as_json)


@jobs.command("redrive")
@click.argument("job_id", type=click.UUID)
@user_option
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
        database, url = stack.enter_context(open_jobs_database())
        job = recovered(database, url, get_job(database, user_id, job_id))
        if url is None:  # in AWS
            client = stepfunctions_client()
        else:
            client = stack.enter_context(workflow_for(database, url, detached=not wait)).client()
        seen = history_length(client, job.execution_arn)
        try:
            redriven = redrive_job(database, client, user_id, job_id)
        except (Conflict, WorkflowUnavailable) as error:
            raise click.ClickException(error.message) from error
        aborted = [state_of(name) for name, step in job.steps.items() if step.status == "aborted"]
        again = f", and again {' and '.join(aborted)} (aborted)" if aborted else ""
        echo(f"Job {job_id}: redriven from {state_of(job.failed_step)}{again}")
        if not wait:
            show(redriven, as_json)
            return
        expected = redriven.model_copy(update={"redrive_count": job.redrive_count + 1})
        follow_to_end(Jobs(database), client, expected, echo, as_json, seen)


@contextmanager
def open_jobs_database() -> Iterator[tuple[Database, str | None]]:
    """The configured database in AWS (Data API), else the local one (migrated) and its URL."""
    if get_settings().environment != "aws":
        with open_database() as (database, url, _):
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


def recovered(database: Database, url: str | None, job: Job) -> Job:
    """The job, after the next engine has aborted the local execution a process that died left
    running (job-events then records the job failed where it stopped, so it can be redriven);
    as it is otherwise."""
    if url is None or job.status not in ("pending", "running") or job.execution_arn is None:
        return job
    if not Store(database).is_orphan(job.execution_arn):
        return job
    click.echo(
        f"Job {job.id}: the process running its analysis has gone; recording where it stopped.",
        err=True,
    )
    with local_workflow(database, url):
        pass  # an engine aborts the orphaned executions as it starts serving
    return Jobs(database).get(job.clerk_user_id, job.id)


def get_job(database: Database, user_id: str, job_id: UUID) -> Job:
    try:
        return Jobs(database).get(user_id, job_id)
    except NotFound:
        raise click.ClickException(
            f"{user_id} has no job {job_id}: `alex jobs list --user USER` lists a user's jobs"
        ) from None


def history_length(client: Any, arn: str | None) -> int:
    if arn is None:
        return 0
    pages = client.get_paginator("get_execution_history").paginate(executionArn=arn)
    return sum(len(page["events"]) for page in pages)
