"""`alex usage`: model usage and estimated cost per user and month, for the operator (every user,
or one), locally or in AWS (ALEX_ENV=aws)."""

from datetime import UTC, datetime, timedelta

import click

from local.cli.jobs import open_jobs_database
from shared.db import Jobs


@click.command()
@click.option("--user", "user_id", default=None, help="One user's usage (default: every user).")
@click.option("--months", default=3, show_default=True, type=click.IntRange(1, 24))
@click.option("--json", "as_json", is_flag=True, help="Print the months as JSON.")
def usage(user_id: str | None, months: int, as_json: bool) -> None:
    """Tokens and estimated model cost per user and month, by agent, newest month first."""
    since = datetime.now(UTC) - timedelta(days=31 * months)
    with open_jobs_database() as (database, _):
        found = Jobs(database).monthly_usage(user_id, since)
    if as_json:
        click.echo(f"[{', '.join(month.model_dump_json() for month in found)}]")
        return
    if not found:
        click.echo(f"No analyses in the last {months} month(s).")
        return
    click.echo(
        f"{'month':<8} {'user':<32} {'analyses':>8} {'tokens in':>11} {'tokens out':>11} "
        f"{'cost (USD, est.)':>17}"
    )
    for month in found:
        click.echo(
            f"{month.month:<8} {month.clerk_user_id:<32} {month.analyses:>8} "
            f"{month.input_tokens:>11,} {month.output_tokens:>11,} {month.cost_usd:>17.4f}"
        )
        for agent in month.by_agent:
            click.echo(
                f"{'':<8}   {agent.agent:<30} {'':>8} {agent.input_tokens:>11,} "
                f"{agent.output_tokens:>11,} {agent.cost_usd:>17.4f}"
            )
