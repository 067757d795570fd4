"""Builders for the schemas' real models, so analytics tests read like a portfolio statement."""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID, uuid5

from shared.analytics import RebalancePlan, Valuation, value_portfolio
from shared.schemas import (
    Account,
    AccountType,
    AssetClass,
    Instrument,
    InstrumentType,
    Position,
    Region,
    RegionTarget,
    Sector,
    User,
)

NOW = datetime(2025, 6, 30, tzinfo=UTC)
_NAMESPACE = UUID("6f1b8f39-9a8a-4f8e-9d0e-3c1d2b4a5e60")


def instrument(
    symbol: str,
    price: str | None,
    asset_classes: dict[AssetClass, float] | None = None,
    regions: dict[Region, float] | None = None,
    sectors: dict[Sector, float] | None = None,
    kind: InstrumentType | None = "etf",
) -> Instrument:
    """An instrument; allocation maps default to {"other": 100} sectors when others are given."""
    if asset_classes is not None:
        regions = regions or {"north_america": 100}
        sectors = sectors or {"other": 100}
    return Instrument(
        symbol=symbol,
        name=f"{symbol} test instrument",
        instrument_type=kind,
        current_price=None if price is None else Decimal(price),
        allocation_asset_class=asset_classes,
        allocation_regions=regions,
        allocation_sectors=sectors,
        created_at=NOW,
        updated_at=NOW,
    )


def account(name: str, kind: AccountType = "taxable", cash: str = "0") -> Account:
    return Account(
        id=uuid5(_NAMESPACE, f"account:{name}"),
        clerk_user_id="user_test",
        account_name=name,
        account_type=kind,
        cash_balance=Decimal(cash),
        created_at=NOW,
        updated_at=NOW,
    )


def position(holder: Account, symbol: str, quantity: str | Decimal) -> Position:
    return Position(
        id=uuid5(_NAMESPACE, f"position:{holder.account_name}:{symbol}"),
        account_id=holder.id,
        symbol=symbol,
        quantity=Decimal(quantity),
        as_of_date=date(2025, 6, 30),
        created_at=NOW,
        updated_at=NOW,
    )


def user(
    asset_class_targets: dict[AssetClass, float] | None = None,
    region_targets: dict[RegionTarget, float] | None = None,
    **fields: object,
) -> User:
    return User.model_validate(
        {
            "clerk_user_id": "user_test",
            "asset_class_targets": asset_class_targets or {"equity": 70, "fixed_income": 30},
            "region_targets": region_targets or {"north_america": 50, "international": 50},
            "created_at": NOW,
            "updated_at": NOW,
            **fields,
        }
    )


# A small universe of instruments with round numbers, used across the tests.
VTI = instrument(
    "VTI",
    "250",
    {"equity": 100},
    {"north_america": 100},
    {"technology": 30, "financials": 20, "healthcare": 20, "industrials": 30},
)
VXUS = instrument(
    "VXUS", "60", {"equity": 100}, {"europe": 50, "asia_pacific": 50}, {"financials": 100}
)
BND = instrument(
    "BND",
    "75",
    {"fixed_income": 100},
    {"north_america": 100},
    {"government_bonds": 60, "corporate_bonds": 40},
)
BALANCED = instrument(
    "AOR",
    "50",
    {"equity": 60, "fixed_income": 40},
    {"north_america": 60, "europe": 40},
    {"technology": 60, "government_bonds": 40},
)
GLD = instrument("GLD", "200", {"commodities": 100}, {"global": 100}, {"precious_metals": 100})
AAPL = instrument(
    "AAPL", "200", {"equity": 100}, {"north_america": 100}, {"technology": 100}, kind="stock"
)
UNTAGGED = instrument("XYZ", "10", kind=None)
UNPRICED = instrument("NEWCO", None, {"equity": 100}, kind="stock")


def valued(
    accounts: Sequence[Account], positions: Iterable[Position], instruments: Iterable[Instrument]
) -> Valuation:
    return value_portfolio(accounts, list(positions), list(instruments))


def apply_plan(
    accounts: Sequence[Account], positions: Sequence[Position], plan: RebalancePlan
) -> tuple[list[Account], list[Position]]:
    """The portfolio once every trade is made: cash pays for buys and receives sales."""
    quantities = {(p.account_id, p.symbol): p.quantity for p in positions}
    cash = {a.id: a.cash_balance for a in accounts}
    for trade in plan.trades:
        key = (trade.account_id, trade.symbol)
        sign = 1 if trade.action == "buy" else -1
        quantities[key] = quantities.get(key, Decimal(0)) + sign * trade.quantity
        cash[trade.account_id] -= sign * trade.amount
    by_id = {a.id: a for a in accounts}
    new_accounts = [a.model_copy(update={"cash_balance": cash[a.id]}) for a in accounts]
    new_positions = [
        position(by_id[account_id], symbol, quantity)
        for (account_id, symbol), quantity in quantities.items()
        if quantity > 0
    ]
    return new_accounts, new_positions
