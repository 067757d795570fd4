"""The `alex` command line: run the product locally, manage the database, run the tests."""

import logging
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click

from local import postgres
from shared.db import Database, connect
from shared.db.migrate import migrate
from shared.db.seed import TEST_USER_ID, reset, seed_instruments, seed_test_data
from shared.errors import AlexError
from shared.settings import PROJECT_ROOT, get_settings

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

    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("\nStopping.")


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
