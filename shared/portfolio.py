"""A user's whole portfolio read in one go, with its valuation: what the agents' tools work on."""

from dataclasses import dataclass
from functools import cached_property

from shared.analytics import Valuation, value_portfolio
from shared.db import Accounts, Database, Instruments, Positions, Users
from shared.schemas import Account, Instrument, Position, User


@dataclass(frozen=True)
class Portfolio:
    user: User
    accounts: list[Account]
    positions: list[Position]
    instruments: dict[str, Instrument]

    @cached_property
    def valuation(self) -> Valuation:
        return value_portfolio(self.accounts, self.positions, self.instruments.values())


def load_portfolio(db: Database, user_id: str) -> Portfolio:
    positions = Positions(db).for_user(user_id)
    instruments = Instruments(db).find(sorted({p.symbol for p in positions}))
    return Portfolio(
        user=Users(db).get(user_id),
        accounts=Accounts(db).for_user(user_id),
        positions=positions,
        instruments={i.symbol: i for i in instruments},
    )
