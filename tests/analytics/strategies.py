"""Hypothesis strategies for random portfolios built from the schemas' real models."""

from decimal import Decimal
from typing import TypeVar, get_args

from hypothesis import strategies as st

from shared.schemas import Account, AccountType, AssetClass, Instrument, Position, Region, Sector
from tests.analytics.helpers import account, instrument, position

Key = TypeVar("Key", bound=str)
SYMBOLS = [f"S{i}" for i in range(8)]


def allocation(keys: tuple[Key, ...]) -> st.SearchStrategy[dict[Key, float]]:
    """A map summing to 100 (to float precision), from random positive integer weights."""
    raw = st.dictionaries(st.sampled_from(keys), st.integers(1, 100), min_size=1, max_size=4)
    return raw.map(lambda weights: {k: 100 * w / sum(weights.values()) for k, w in weights.items()})


@st.composite
def instruments(draw: st.DrawFn, priced: bool = False, classified: bool = False) -> Instrument:
    symbol = draw(st.sampled_from(SYMBOLS))
    price = draw(st.decimals(Decimal("0.01"), Decimal("2000"), places=2))
    has_price = priced or draw(st.booleans()) or draw(st.booleans())
    if not (classified or draw(st.booleans()) or draw(st.booleans())):
        return instrument(symbol, str(price) if has_price else None, kind=None)
    return instrument(
        symbol,
        str(price) if has_price else None,
        draw(allocation(get_args(AssetClass))),
        draw(allocation(get_args(Region))),
        draw(allocation(get_args(Sector))),
        kind=draw(st.sampled_from(["etf", "stock", "bond_fund", None])),
    )


@st.composite
def portfolios(
    draw: st.DrawFn, priced: bool = False, classified: bool = False
) -> tuple[list[Account], list[Position], list[Instrument]]:
    universe = draw(
        st.lists(
            instruments(priced, classified), min_size=1, max_size=6, unique_by=lambda i: i.symbol
        )
    )
    accounts = [
        account(f"Account {n}", draw(st.sampled_from(get_args(AccountType))), str(cash))
        for n, cash in enumerate(
            draw(st.lists(st.decimals(0, 50_000, places=2), min_size=1, max_size=3))
        )
    ]
    positions = [
        position(holder, held.symbol, draw(st.decimals(Decimal("0.001"), 5_000, places=3)))
        for holder in accounts
        for held in draw(
            st.lists(st.sampled_from(universe), max_size=5, unique_by=lambda i: i.symbol)
        )
    ]
    return accounts, positions, universe
