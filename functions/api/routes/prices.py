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


@router.put("/prices/{symbol}")
def set_price(symbol: Symbol, price: UserPriceSet, caller: CallerDep, db: DatabaseDep) -> UserPrice:
    """Enter a price for a symbol the caller holds: it values only their positions, and only
    while no source prices the symbol (a source's price then supersedes it)."""
    return UserPrices(db).set(caller.user_id, symbol, price)


@router.delete("/prices/{symbol}", status_code=status.HTTP_204_NO_CONTENT)
def delete_price(symbol: Symbol, caller: CallerDep, db: DatabaseDep) -> None:
    UserPrices(db).delete(caller.user_id, symbol)
