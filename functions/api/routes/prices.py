"""The caller's portfolio at market value, and the prices they enter for symbols no source
prices: their own, valuing only their positions."""

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from functions.api.deps import CallerDep, DatabaseDep, SettingsDep, UserDep
from runtime.model_choice import classifies
from shared.analytics import Valuation, coverage_gaps
from shared.db import UserPrices
from shared.portfolio import load_portfolio, why_not_analyzable
from shared.schemas import Symbol, UserPrice, UserPriceSet

router = APIRouter(prefix="/api", tags=["prices"])


class PortfolioValue(BaseModel):
    valuation: Valuation = Field(
        description="Every holding valued at its price, with the price's source and as-of time."
    )
    gaps: list[str] = Field(description="What an analysis of it could not see, and why.")
    analyzable: bool
    reason: str | None = Field(description="Why no analysis can start yet, and what to do.")
    classifies: bool = Field(
        description="Whether the next analysis can classify unclassified holdings (a language"
        " model is configured); offline it cannot, and they stay unclassified."
    )


@router.get("/portfolio")
def portfolio_value(user: UserDep, db: DatabaseDep, settings: SettingsDep) -> PortfolioValue:
    """The caller's portfolio valued as an analysis would value it, and whether one can start."""
    valuation = load_portfolio(db, user.clerk_user_id).valuation
    reason = why_not_analyzable(valuation)
    return PortfolioValue(
        valuation=valuation,
        gaps=coverage_gaps(valuation),
        analyzable=reason is None,
        reason=reason,
        classifies=classifies(settings),
    )


@router.get("/prices")
def list_prices(caller: CallerDep, db: DatabaseDep) -> list[UserPrice]:
    """The prices the caller entered."""
    return UserPrices(db).for_user(caller.user_id)


class EnteredPrice(UserPrice):
    """A price the caller entered, and whether it values their positions now."""

    used: bool = Field(
        description="Whether it values the caller's positions: not while a source prices the"
        " symbol, whose price takes precedence (the entered one is kept all the same)."
    )
    note: str = Field(description="Which price values the symbol, and why, in words.")


_SOURCE_PRICES = {
    "seed": "a sample price shipped with Alex (not a quote)",
    "massive": "a market price from Massive",
}


@router.put("/prices/{symbol}")
def set_price(
    symbol: Symbol, price: UserPriceSet, caller: CallerDep, db: DatabaseDep
) -> EnteredPrice:
    """Enter a price for a symbol the caller holds: it values only their positions, and only
    while no source prices the symbol (a source's price then supersedes it, as it says)."""
    entered = UserPrices(db).set(caller.user_id, symbol, price)
    holding = next(
        h for h in load_portfolio(db, caller.user_id).valuation.holdings if h.symbol == symbol
    )
    if holding.price_source == "user":
        return EnteredPrice(
            **entered.model_dump(),
            used=True,
            note=f"Your price values your {symbol}: no source prices it.",
        )
    assert holding.price is not None and holding.price_source and holding.price_as_of
    return EnteredPrice(
        **entered.model_dump(),
        used=False,
        note=(
            f"Your price is saved but not used: {symbol} has"
            f" {_SOURCE_PRICES[holding.price_source]}, ${holding.price:,.2f} as of"
            f" {holding.price_as_of:%Y-%m-%d}, and a source's price takes precedence over yours."
            f" Yours values your {symbol} only while no source prices it."
        ),
    )


@router.delete("/prices/{symbol}", status_code=status.HTTP_204_NO_CONTENT)
def delete_price(symbol: Symbol, caller: CallerDep, db: DatabaseDep) -> None:
    UserPrices(db).delete(caller.user_id, symbol)
