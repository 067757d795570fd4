"""Market value of a portfolio: each holding at its instrument's price, plus each account's cash."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Annotated
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
)

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


def value_portfolio(
    accounts: Sequence[Account], positions: Iterable[Position], instruments: Iterable[Instrument]
) -> Valuation:
    """Value every position and account; a symbol with no instrument row is unpriced."""
    by_symbol = {instrument.symbol: instrument for instrument in instruments}
    account_ids = {account.id for account in accounts}
    holdings: list[HoldingValue] = []
    for position in positions:
        if position.account_id not in account_ids:
            raise ValueError(
                f"position {position.symbol} belongs to account {position.account_id}, "
                "which is not among the accounts given"
            )
        holdings.append(_value_position(position, by_symbol.get(position.symbol)))

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
    )


def _value_position(position: Position, instrument: Instrument | None) -> HoldingValue:
    price = instrument.current_price if instrument else None
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
        asset_classes=instrument.allocation_asset_class if instrument else None,
        regions=instrument.allocation_regions if instrument else None,
        sectors=instrument.allocation_sectors if instrument else None,
    )


def _symbols(holdings: Iterable[HoldingValue]) -> tuple[str, ...]:
    return tuple(sorted({holding.symbol for holding in holdings}))
