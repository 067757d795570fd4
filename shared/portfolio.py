"""A user's whole portfolio read in one go, with its valuation: what the agents' tools work on."""

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from shared.analytics import Valuation, value_portfolio
from shared.db import Accounts, Database, Instruments, Positions, UserPrices, Users
from shared.schemas import Account, Instrument, Position, User, UserPrice
from shared.settings import get_settings


@dataclass(frozen=True)
class Portfolio:
    user: User
    accounts: list[Account]
    positions: list[Position]
    instruments: dict[str, Instrument]
    user_prices: list[UserPrice]

    @cached_property
    def valuation(self) -> Valuation:
        return value_portfolio(
            self.accounts,
            self.positions,
            self.instruments.values(),
            self.user_prices,
            stale_after=timedelta(days=get_settings().price_stale_after_days),
        )


def load_portfolio(db: Database, user_id: str) -> Portfolio:
    positions = Positions(db).for_user(user_id)
    instruments = Instruments(db).find(sorted({p.symbol for p in positions}))
    return Portfolio(
        user=Users(db).get(user_id),
        accounts=Accounts(db).for_user(user_id),
        positions=positions,
        instruments={i.symbol: i for i in instruments},
        user_prices=UserPrices(db).for_user(user_id),
    )


def why_not_analyzable(valuation: Valuation) -> str | None:
    """Why an analysis of this portfolio would show nothing, or recommend from missing data, and
    what to do; None when it can run. One reason for the API's refusal and the SPA's disabled
    Start button."""
    if not valuation.accounts:
        return (
            "You have no accounts yet: add an account with its cash or positions on the"
            " Accounts page, then start the analysis."
        )
    if valuation.nothing_valued:
        if valuation.unpriced:
            return (
                f"Nothing in your portfolio has a value: {', '.join(valuation.unpriced)}"
                f" {'has' if len(valuation.unpriced) == 1 else 'have'} no price and your"
                " accounts hold no cash. Enter a price for them on the account page, or add"
                " cash, then start the analysis."
            )
        return (
            "Nothing in your portfolio has a value: your accounts hold no positions and no"
            " cash. Add positions or cash on the account page, then start the analysis."
        )
    if valuation.holdings and valuation.unpriced_holdings == len(valuation.holdings):
        # Cash alone measured against targets would recommend from missing data: the holdings'
        # value, the larger part of a portfolio that holds any, is unknown.
        symbols = ", ".join(valuation.unpriced)
        return (
            f"None of your holdings has a price ({symbols}), so your allocation cannot be"
            f" measured from your cash alone. Enter a price for {symbols} on the account page,"
            " then start the analysis."
        )
    return None
