"""`alex db`: migrate, seed or reset the database."""

import click

from local.cli.base import open_database
from local.engine.store import drop as drop_executions
from shared.db.migrate import migrate
from shared.db.seed import TEST_USER_ID, reset, seed_instruments, seed_test_data


@click.group()
def db() -> None:
    """Migrate, seed or reset the database (the local one unless DATABASE_URL is set)."""


@db.command("migrate")
def db_migrate() -> None:
    """Apply the migrations not applied yet."""
    with open_database() as (database, _, _):
        applied = migrate(database)
    click.echo(f"{len(applied)} migration(s) applied.")


@db.command("seed")
@click.option("--with-test-data", is_flag=True, help=f"Also create {TEST_USER_ID} if missing.")
def db_seed(with_test_data: bool) -> None:
    """Insert or refresh the seed instruments."""
    with open_database() as (database, _, _):
        migrate(database)
        count = seed_instruments(database)
        created = with_test_data and seed_test_data(database)
    click.echo(f"{count} instruments seeded." + (f" {TEST_USER_ID} created." if created else ""))


@db.command("reset")
@click.option("--with-test-data", is_flag=True, help=f"Also recreate {TEST_USER_ID}.")
@click.confirmation_option(prompt="Drop every table and start again?")
def db_reset(with_test_data: bool) -> None:
    """Drop everything, then migrate and seed again."""
    with open_database() as (database, _, _):
        drop_executions(database)
        reset(database, with_test_data=with_test_data)
    click.echo("Database reset." + (f" {TEST_USER_ID} recreated." if with_test_data else ""))
