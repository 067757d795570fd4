"""Market value of a portfolio: each holding at its price, plus each account's cash.

A holding's price is its instrument's (from a source: the seed prices or the market-data
provider) or, for a symbol no source prices, the one its owner entered; every price carries its
source and as-of time, and one older than `stale_after` is flagged stale.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from shared.analytics.results import Dollars, Result
from shared.analytics.rounding import CENT
from shared.schemas import (
    Account,
    AccountType,
    AssetClass,
    Instrument,
    InstrumentType,
    JsonNumber,
    Position,
    Region,
    Sector,
    UserPrice,
)

HoldingPriceSource = Literal["seed", "massive", "user"]
DEFAULT_STALE_AFTER = timedelta(days=5)

# Quantity (20 digits) times price (18 digits) must be exact before it is rounded to the cent.
_EXACT = Context(prec=60)


class HoldingValue(Result):
    """One position valued at its instrument's price, with the allocation maps that weight it."""

    account_id: UUID
    symbol: str
    name: str
    instrument_type: InstrumentType | None
    quantity: Annotated[Decimal, JsonNumber]
    price: Annotated[Decimal, JsonNumber] | None
    value: Dollars | None = Field(
        description="Quantity times price, to the cent; null when the instrument has no price."
    )
    price_source: HoldingPriceSource | None = Field(
        description="Where the price comes from: 'seed' (approximate sample prices), 'massive'"
        " (the market-data provider) or 'user' (entered by the user, for their holdings only)."
    )
    price_as_of: datetime | None = Field(description="When the price was true.")
    stale: bool = Field(description="The price is older than the staleness threshold.")
    superseded_user_price: Annotated[Decimal, JsonNumber] | None = Field(
        None, description="The user's own price, not used because a source prices the symbol."
    )
    asset_classes: dict[AssetClass, float] | None
    regions: dict[Region, float] | None
    sectors: dict[Sector, float] | None

    @property
    def is_classified(self) -> bool:
        return self.asset_classes is not None


class AccountValue(Result):
    account_id: UUID
    account_name: str
    account_type: AccountType
    cash: Dollars
    holdings: Dollars = Field(description="Value of the account's priced holdings.")
    total: Dollars


class Valuation(Result):
    """A portfolio at market value; unpriced holdings are named, never valued."""

    holdings: tuple[HoldingValue, ...]
    accounts: tuple[AccountValue, ...]
    account_types: dict[AccountType, Dollars]
    cash: Dollars
    invested: Dollars = Field(description="Value of all priced holdings.")
    total: Dollars = Field(description="Invested value plus cash.")
    unpriced: tuple[str, ...] = Field(
        description="Symbols held without a price: they have no value and are in no total."
    )
    unclassified: tuple[str, ...] = Field(
        description="Symbols held without allocation data: their value is 'Unclassified'."
    )
    unclassified_value: Dollars = Field(description="Value of the priced, unclassified holdings.")
    user_priced: tuple[str, ...] = Field(description="Symbols valued at a price the user entered.")
    stale: tuple[str, ...] = Field(
        description="Symbols valued at a price older than the threshold."
    )
    stale_after_days: int = Field(description="The staleness threshold, in days.")

    @property
    def unpriced_holdings(self) -> int:
        return sum(1 for holding in self.holdings if holding.value is None)

    @property
    def nothing_valued(self) -> bool:
        """No account, or nothing in any account has a value: there is nothing to analyse."""
        return self.total == 0 and not any(h.value for h in self.holdings)


def value_portfolio(
    accounts: Sequence[Account],
    positions: Iterable[Position],
    instruments: Iterable[Instrument],
    user_prices: Iterable[UserPrice] = (),
    *,
    now: datetime | None = None,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
) -> Valuation:
    """Value every position and account; a symbol with no instrument row is unpriced.

    `user_prices` are the owner's own prices: used for a symbol whose instrument has none.
    """
    by_symbol = {instrument.symbol: instrument for instrument in instruments}
    own = {price.symbol: price for price in user_prices}
    stale_before = (now or datetime.now(UTC)) - stale_after
    account_ids = {account.id for account in accounts}
    holdings: list[HoldingValue] = []
    for position in positions:
        if position.account_id not in account_ids:
            raise ValueError(
                f"position {position.symbol} belongs to account {position.account_id}, "
                "which is not among the accounts given"
            )
        holdings.append(
            _value_position(
                position, by_symbol.get(position.symbol), own.get(position.symbol), stale_before
            )
        )

    held: dict[UUID, Decimal] = defaultdict(Decimal)
    for holding in holdings:
        if holding.value is not None:
            held[holding.account_id] += holding.value
    account_values = tuple(
        AccountValue(
            account_id=account.id,
            account_name=account.account_name,
            account_type=account.account_type,
            cash=account.cash_balance,
            holdings=held[account.id],
            total=account.cash_balance + held[account.id],
        )
        for account in accounts
    )
    account_types: dict[AccountType, Decimal] = defaultdict(Decimal)
    for account_value in account_values:
        account_types[account_value.account_type] += account_value.total
    cash = sum((account.cash_balance for account in accounts), Decimal("0.00"))
    invested = sum(held.values(), Decimal("0.00"))
    return Valuation(
        holdings=tuple(holdings),
        accounts=account_values,
        account_types=dict(account_types),
        cash=cash,
        invested=invested,
        total=cash + invested,
        unpriced=_symbols(h for h in holdings if h.value is None),
        unclassified=_symbols(h for h in holdings if not h.is_classified),
        unclassified_value=sum(
            (h.value for h in holdings if h.value is not None and not h.is_classified),
            Decimal("0.00"),
        ),
        user_priced=_symbols(h for h in holdings if h.price_source == "user"),
        stale=_symbols(h for h in holdings if h.stale),
        stale_after_days=stale_after.days,
    )


def _value_position(
    position: Position,
    instrument: Instrument | None,
    own: UserPrice | None,
    stale_before: datetime,
) -> HoldingValue:
    price = instrument.current_price if instrument else None
    source: HoldingPriceSource | None = None
    as_of = None
    if instrument is not None and price is not None:
        source, as_of = instrument.price_source, instrument.price_as_of
    elif own is not None:
        price, source = own.price, "user"
        as_of = datetime.combine(own.as_of_date, time(), UTC)
    value = None
    if price is not None:
        value = _EXACT.multiply(position.quantity, price).quantize(
            CENT, rounding=ROUND_HALF_UP, context=_EXACT
        )
    return HoldingValue(
        account_id=position.account_id,
        symbol=position.symbol,
        name=instrument.name if instrument else position.symbol,
        instrument_type=instrument.instrument_type if instrument else None,
        quantity=position.quantity,
        price=price,
        value=value,
        price_source=source,
        price_as_of=as_of,
        stale=as_of is not None and as_of < stale_before,
        superseded_user_price=own.price if own is not None and source != "user" else None,
        asset_classes=instrument.allocation_asset_class if instrument else None,
        regions=instrument.allocation_regions if instrument else None,
        sectors=instrument.allocation_sectors if instrument else None,
    )


def _symbols(holdings: Iterable[HoldingValue]) -> tuple[str, ...]:
    return tuple(sorted({holding.symbol for holding in holdings}))
