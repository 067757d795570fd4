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
