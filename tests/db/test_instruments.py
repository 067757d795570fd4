"""Instruments: upserted by symbol, created untagged when unknown, classified by the tagger."""

from decimal import Decimal

import pytest

from shared.db import Database, Instruments
from shared.errors import ConstraintViolation, NotFound
from shared.schemas import InstrumentClassification, InstrumentCreate

CLASSIFICATION = InstrumentClassification(
    instrument_type="stock",
    allocation_asset_class={"equity": 100},
    allocation_regions={"north_america": 100},
    allocation_sectors={"technology": 100},
)


def test_upsert_inserts_then_replaces(db: Database) -> None:
    instruments = Instruments(db)
    created = instruments.upsert(
        InstrumentCreate(symbol="ABC", name="Abc Fund", current_price=Decimal("10.5"))
    )
    assert created.current_price == Decimal("10.5") and not created.is_classified
    replaced = instruments.upsert(
        InstrumentCreate(
            symbol="ABC",
            name="Abc Fund II",
            current_price=Decimal("11"),
            **CLASSIFICATION.model_dump(),
        )
    )
    assert replaced.name == "Abc Fund II"
    assert replaced.allocation_sectors == {"technology": 100}
    assert len(instruments.all()) == 1


def test_ensure_creates_an_untagged_instrument_once(db: Database) -> None:
    instruments = Instruments(db)
    first = instruments.ensure("ZZZ")
    assert (first.name, first.current_price, first.is_classified) == ("ZZZ", None, False)
    instruments.classify("ZZZ", CLASSIFICATION)
    assert instruments.ensure("ZZZ").is_classified, "ensure must not reset a tagged instrument"


def test_untagged_names_only_symbols_lacking_allocations(db: Database) -> None:
    instruments = Instruments(db)
    instruments.ensure("AAA")
    instruments.ensure("BBB")
    instruments.classify("BBB", CLASSIFICATION)
    assert instruments.untagged(["AAA", "BBB", "NOPE"]) == ["AAA"]
    assert instruments.untagged([]) == []


def test_classify_keeps_the_price(db: Database) -> None:
    instruments = Instruments(db)
    instruments.upsert(InstrumentCreate(symbol="AAPL", name="Apple", current_price=Decimal("200")))
    tagged = instruments.classify("AAPL", CLASSIFICATION)
    assert tagged.current_price == Decimal("200")
    assert tagged.instrument_type == "stock"
    with pytest.raises(NotFound, match="instrument 'NOPE'"):
        instruments.classify("NOPE", CLASSIFICATION)


def test_search_puts_symbol_matches_before_name_matches(db: Database) -> None:
    instruments = Instruments(db)
    instruments.upsert(InstrumentCreate(symbol="VTI", name="Vanguard Total Stock Market"))
    instruments.upsert(InstrumentCreate(symbol="BND", name="Vanguard Total Bond"))
    instruments.upsert(InstrumentCreate(symbol="SPY", name="SPDR S&P 500"))
    assert [i.symbol for i in instruments.search("v")] == ["VTI", "BND"]
    assert [i.symbol for i in instruments.search("s&p")] == ["SPY"]
    assert instruments.search("100%") == []


def test_database_refuses_a_half_tagged_instrument(db: Database) -> None:
    with pytest.raises(ConstraintViolation) as excinfo:
        db.execute(
            "INSERT INTO instruments (symbol, name, allocation_asset_class)"
            " VALUES ('HALF', 'Half', :allocation)",
            {"allocation": {"equity": 100}},
        )
    assert excinfo.value.constraint == "instruments_allocations_complete"
    assert Instruments(db).find(["HALF"]) == []
