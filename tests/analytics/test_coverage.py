from datetime import UTC, datetime, timedelta

from shared.analytics import coverage_gaps
from shared.analytics.valuation import value_portfolio
from shared.schemas import Instrument
from tests.analytics.helpers import BND, VTI, VXUS, account, position

TAXABLE = account("Taxable")
POSITIONS = [position(TAXABLE, s, "1") for s in ("VTI", "BND", "VXUS")]
NOW = datetime(2026, 12, 6, tzinfo=UTC)


def priced(instrument: Instrument, days_ago: int) -> Instrument:
    return instrument.model_copy(update={"price_as_of": NOW - timedelta(days=days_ago)})


def test_every_stale_price_is_said_once_not_listed() -> None:
    valuation = value_portfolio(
        [TAXABLE], POSITIONS, [priced(VTI, 14), priced(BND, 14), priced(VXUS, 9)], now=NOW
    )
    assert coverage_gaps(valuation) == [
        "Every price is older than 5 days: figures may be out of date."
    ]


def test_stale_prices_are_named_when_only_some_are() -> None:
    one = value_portfolio(
        [TAXABLE], POSITIONS, [priced(VTI, 14), priced(BND, 1), priced(VXUS, 0)], now=NOW
    )
    assert coverage_gaps(one) == [
        "The price of VTI is older than 5 days: figures may be out of date."
    ]
    two = value_portfolio(
        [TAXABLE], POSITIONS, [priced(VTI, 14), priced(BND, 6), priced(VXUS, 0)], now=NOW
    )
    assert coverage_gaps(two) == [
        "The prices of BND, VTI are older than 5 days: figures may be out of date."
    ]
    fresh = value_portfolio(
        [TAXABLE], POSITIONS, [priced(VTI, 1), priced(BND, 1), priced(VXUS, 0)], now=NOW
    )
    assert coverage_gaps(fresh) == []
