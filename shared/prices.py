"""Refreshing the prices of held symbols from a market-data source, behind one interface.

Offline (no source configured) the stored prices stand, each with its source and as-of time.
A source's throttling is raised (`PricesThrottled`: the workflow retries it with backoff); any
other failure of the source keeps the stored prices, and the refresh says so.
"""

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, Field

from shared.db import Database, Instruments
from shared.db.instruments import Quote
from shared.errors import PriceSourceUnavailable
from shared.schemas import PriceSource


class MarketData(Protocol):
    """A market-data source: quotes for many symbols in as few calls as it allows."""

    name: PriceSource

    def quotes(self, symbols: Sequence[str]) -> list[Quote]:
        """The quotes it has for these symbols; a symbol it does not know is left out.

        Raises `PricesThrottled` when rate-limited, `PriceSourceUnavailable` on any other
        failure."""
        ...


class PriceRefresh(BaseModel):
    """What a refresh did, for the job's start step, the CLI and the logs."""

    source: PriceSource | None = Field(description="The source asked; None when none is set.")
    refreshed: list[str] = Field(default_factory=list, description="Symbols given a new price.")
    unknown: list[str] = Field(
        default_factory=list, description="Symbols the source does not price."
    )
    kept: list[str] = Field(
        default_factory=list, description="Symbols whose stored price was kept after a failure."
    )
    notice: str = Field(description="The outcome in a sentence, for a person.")


def refresh_prices(db: Database, source: MarketData | None, symbols: Sequence[str]) -> PriceRefresh:
    """Ask the source for every symbol at once and store what it answers."""
    wanted = sorted(set(symbols))
    if source is None:
        return PriceRefresh(
            source=None,
            notice="No market-data source is configured: the stored prices are used, each with"
            " its source and as-of date.",
        )
    if not wanted:
        return PriceRefresh(source=source.name, notice="Nothing is held: no price to refresh.")
    try:
        quotes = [q for q in source.quotes(wanted) if q.symbol in wanted]
    except PriceSourceUnavailable as error:
        return PriceRefresh(
            source=source.name,
            kept=wanted,
            notice=f"Prices were not refreshed ({error.message}): the stored prices are kept,"
            " each with its own as-of date.",
        )
    Instruments(db).set_prices(quotes, source.name)
    priced = sorted({q.symbol for q in quotes})
    unknown = [s for s in wanted if s not in priced]
    notice = f"{len(priced)} of {len(wanted)} prices refreshed from {source.name}."
    if unknown:
        notice += f" Not priced by {source.name}: {', '.join(unknown)}."
    return PriceRefresh(source=source.name, refreshed=priced, unknown=unknown, notice=notice)
