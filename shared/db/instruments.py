"""Instruments: reference data shared by all users (not user data, so not scoped to one)."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from shared.db.base import Database
from shared.errors import NotFound
from shared.schemas import (
    Instrument,
    InstrumentClassification,
    InstrumentCreate,
    PriceSource,
    Symbol,
)

_KEEP_QUOTE = "instruments.price_source = 'massive' AND EXCLUDED.price_source = 'seed'"
_PRICE_UPDATES = {
    column: f"CASE WHEN {_KEEP_QUOTE} THEN instruments.{column} ELSE EXCLUDED.{column} END"
    for column in ("current_price", "price_source", "price_as_of")
}


class Quote(NamedTuple):
    """A source's price of one share of a symbol, and when it was true."""

    symbol: str
    price: Decimal
    as_of: datetime


_COLUMNS = (
    "symbol",
    "name",
    "instrument_type",
    "current_price",
    "price_source",
    "price_as_of",
    "allocation_asset_class",
    "allocation_regions",
    "allocation_sectors",
)


class Instruments:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, symbol: Symbol) -> Instrument:
        row = self.db.fetch_one("SELECT * FROM instruments WHERE symbol = :s", {"s": symbol})
        if row is None:
            raise NotFound(f"instrument {symbol!r} does not exist")
        return Instrument.model_validate(row)

    def all(self) -> list[Instrument]:
        rows = self.db.fetch_all("SELECT * FROM instruments ORDER BY symbol")
        return [Instrument.model_validate(row) for row in rows]

    def find(self, symbols: list[str]) -> list[Instrument]:
        """The instruments among these symbols that exist, by symbol."""
        rows = self.db.fetch_all(
            # A comma-joined text, because the Data API takes no array parameters.
            "SELECT * FROM instruments WHERE symbol = ANY(string_to_array(:symbols, ','))"
            " ORDER BY symbol",
            {"symbols": ",".join(symbols)},
        )
        return [Instrument.model_validate(row) for row in rows]

    def search(self, query: str, limit: int = 20) -> list[Instrument]:
        """Symbol prefix matches first, then names containing the text (for autocomplete)."""
        text = query.strip().lower()
        pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.db.fetch_all(
            "SELECT * FROM instruments"
            " WHERE lower(symbol) LIKE :prefix OR lower(name) LIKE :contains"
            " ORDER BY (lower(symbol) LIKE :prefix) DESC, symbol LIMIT :limit",
            {"prefix": pattern + "%", "contains": "%" + pattern + "%", "limit": limit},
        )
        return [Instrument.model_validate(row) for row in rows]

    def upsert(self, instrument: InstrumentCreate) -> Instrument:
        """Insert, or replace every field of, the instrument with this symbol; except that a
        seed price never replaces a market-data price (re-seeding, on every `alex dev` and
        deploy, never hides a quote). A seed price is as of SEED_PRICES_AS_OF, so re-seeding
        never makes a sample price look fresh either."""
        values = instrument.model_dump()
        updates = ", ".join(
            f"{c} = {_PRICE_UPDATES.get(c, f'EXCLUDED.{c}')}" for c in _COLUMNS if c != "symbol"
        )
        row = self.db.fetch_one(
            f"INSERT INTO instruments ({', '.join(_COLUMNS)})"
            f" VALUES ({', '.join(':' + c for c in _COLUMNS)})"
            f" ON CONFLICT (symbol) DO UPDATE SET {updates} RETURNING *",
            values,
        )
        assert row is not None
        return Instrument.model_validate(row)

    def ensure(self, symbol: Symbol, name: str | None = None) -> Instrument:
        """The instrument, created untagged (to be classified by the next analysis) if unknown."""
        self.db.execute(
            "INSERT INTO instruments (symbol, name) VALUES (:symbol, :name)"
            " ON CONFLICT (symbol) DO NOTHING",
            {"symbol": symbol, "name": name or symbol},
        )
        return self.get(symbol)

    def held(self) -> list[str]:
        """Every symbol some user holds (not scoped: for refreshing prices, an operator's task)."""
        rows = self.db.fetch_all("SELECT DISTINCT symbol FROM positions ORDER BY symbol")
        return [row["symbol"] for row in rows]

    def untagged(self, symbols: list[str]) -> list[str]:
        """Which of these symbols still lack allocation data."""
        rows = self.db.fetch_all(
            "SELECT symbol FROM instruments WHERE allocation_asset_class IS NULL"
            " AND symbol = ANY(string_to_array(:symbols, ',')) ORDER BY symbol",
            {"symbols": ",".join(symbols)},
        )
        return [row["symbol"] for row in rows]

    def classify(self, symbol: Symbol, classification: InstrumentClassification) -> Instrument:
        """Store the tagger's classification; the price is left as it is."""
        row = self.db.fetch_one(
            "UPDATE instruments SET instrument_type = :instrument_type,"
            " allocation_asset_class = :allocation_asset_class,"
            " allocation_regions = :allocation_regions,"
            " allocation_sectors = :allocation_sectors"
            " WHERE symbol = :symbol RETURNING *",
            {**classification.model_dump(), "symbol": symbol},
        )
        if row is None:
            raise NotFound(f"instrument {symbol!r} does not exist")
        return Instrument.model_validate(row)

    def set_prices(self, quotes: Iterable[Quote], source: PriceSource) -> int:
        """Store each quote as its instrument's price, with its source and as-of time; a quote
        older than the price this source stored is ignored. Return how many prices changed.

        A source's quote always replaces a seed price: a sample price is no quote, whatever
        its date."""
        changed = 0
        for quote in quotes:
            changed += self.db.execute(
                "UPDATE instruments SET current_price = :price, price_source = :source,"
                " price_as_of = :as_of WHERE symbol = :symbol"
                " AND (price_source IS DISTINCT FROM :source OR price_as_of <= :as_of)",
                {
                    "symbol": quote.symbol,
                    "price": quote.price,
                    "source": source,
                    "as_of": quote.as_of,
                },
            )
        return changed
