"""`alex dev`: the whole product on this machine; `alex workflow`: the workflow alone, served for
other processes."""

import time
from contextlib import ExitStack
from pathlib import Path

import click

from local.cli.base import open_database, serve_until, serving
from local.spa import SpaBuildFailed, spa_build
from local.workflow import running_workflow, sweep_stale_jobs
from shared.db.migrate import migrate
from shared.db.seed import TEST_USER_ID, seed_instruments, seed_test_data
from shared.settings import get_settings

# How often `alex dev` sweeps for jobs whose status events were lost (the CDK app's schedule).
SWEEP_SECONDS = 60


@click.command()
def dev() -> None:
    """Start the whole product locally until Ctrl-C: PostgreSQL (migrated, with demo data), the
    analysis workflow behind its Step Functions endpoint, and the API with the dev sign-in,
    serving the SPA's build (built first when missing or stale)."""
    from local.api_server import serve_api  # FastAPI and uvicorn: only this command needs them

    settings = get_settings()
    with open_database() as (database, url, embedded):
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
        spa = build_spa()
        click.echo("Starting the analysis workflow (the CDK app's definition)...")
        with (
            serving(database, url, settings.stepfunctions_port) as workflow,
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
            next_sweep = time.monotonic()

            def sweep_now_and_then() -> bool:
                nonlocal next_sweep
                if time.monotonic() >= next_sweep:
                    sweep_stale_jobs(database, workflow)
                    next_sweep = time.monotonic() + SWEEP_SECONDS
                return False

            serve_until(sweep_now_and_then)


def build_spa() -> Path | None:
    """The SPA's build, or None (said) when the checkout has none or it cannot be built."""
    try:
        build = spa_build()
    except SpaBuildFailed as error:
        click.echo(f"The SPA could not be built: {error}. The API runs without it.", err=True)
        return None
    if build is None:
        click.echo("This checkout has no SPA (frontend/): the API runs alone.", err=True)
    return build


@click.command(hidden=True)
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
    with open_database() as (database, url, _), serving(database, url, port) as served:
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

        serve_until(idle)
