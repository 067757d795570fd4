"""The database layer: one interface, two drivers, migrations and a repository per table."""

from shared.db.accounts import Accounts
from shared.db.base import Database
from shared.db.instruments import Instruments
from shared.db.jobs import Jobs
from shared.db.positions import Positions
from shared.db.user_prices import UserPrices
from shared.db.users import Users

__all__ = ["Accounts", "Database", "Instruments", "Jobs", "Positions", "UserPrices", "Users"]
