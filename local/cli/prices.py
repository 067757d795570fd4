"""`alex prices`: refresh the held symbols' prices from the market-data source, or show them."""

from datetime import UTC, datetime, timedelta

import click
from pydantic import TypeAdapter, ValidationError

from local.cli.base import open_database
from runtime.prices import market_data
from shared.db import Instruments
from shared.db.migrate import migrate
from shared.errors import PricesThrottled
from shared.prices import refresh_prices
from shared.schemas import Symbol
from shared.settings import get_settings

_SYMBOL: TypeAdapter[str] = TypeAdapter(Symbol)


def _symbols(_: click.Context, __: click.Parameter, given: tuple[str, ...]) -> list[str]:
    symbols = []
    for text in given:
        try:
            symbols.append(_SYMBOL.validate_python(text))
        except ValidationError:
            raise click.BadParameter(
                f"{text!r} is not a ticker symbol: up to 12 letters, digits, '.' or '-',"
                " starting with a letter or digit (e.g. VTI or BRK.B)."
            ) from None
    return symbols


@click.group()
def prices() -> None:
    """Market prices: each with its source and as-of time (the local database unless
    DATABASE_URL is set)."""


@prices.command("refresh")
@click.argument("symbols", nargs=-1, callback=_symbols)
def prices_refresh(symbols: list[str]) -> None:
    """Refresh the prices of SYMBOLS (default: every symbol someone holds) from Massive, in one
    call; without MASSIVE_API_KEY the stored prices stand."""
    source = market_data()
    if source is None:
        click.echo(
            "No prices were refreshed: no market-data source is configured. Set MASSIVE_API_KEY"
            " to your Massive API key (massive.com, formerly Polygon.io) in the environment and"
            " run this again. Until then the stored prices stand, each with its source and"
            " as-of date (`./alex prices show`)."
        )
        return
    with open_database() as (database, _, _):
        migrate(database)
        wanted = symbols or Instruments(database).held()
        try:
            refresh = refresh_prices(database, source, wanted)
        except PricesThrottled as error:
            raise click.ClickException(
                f"{error.message}: nothing was changed. Try again in a minute."
            ) from error
    click.echo(refresh.notice)
    if refresh.kept:
        raise SystemExit(1)


@prices.command("show")
def prices_show() -> None:
    """Every priced instrument: price, source, as-of time, and whether it is stale."""
    stale_before = datetime.now(UTC) - timedelta(days=get_settings().price_stale_after_days)
    with open_database() as (database, _, _):
        migrate(database)
        instruments = Instruments(database).all()
    for instrument in instruments:
        if instrument.current_price is None or instrument.price_as_of is None:
            click.echo(f"{instrument.symbol:<8} no price")
            continue
        stale = "  stale" if instrument.price_as_of < stale_before else ""
        click.echo(
            f"{instrument.symbol:<8} ${instrument.current_price:>14,.2f}  {instrument.price_source}"
            f"  as of {instrument.price_as_of:%Y-%m-%d %H:%M} UTC{stale}"
        )
