"""Prices users enter for symbols they hold: each user's own, never another's."""

from shared.db.base import Database
from shared.errors import NotFound
from shared.schemas import Symbol, UserPrice, UserPriceSet

_HELD = (
    "EXISTS (SELECT 1 FROM positions p JOIN accounts a ON a.id = p.account_id"
    " WHERE a.clerk_user_id = :user_id AND p.symbol = :symbol)"
)


class UserPrices:
    def __init__(self, db: Database) -> None:
        self.db = db

    def for_user(self, user_id: str) -> list[UserPrice]:
        rows = self.db.fetch_all(
            "SELECT * FROM user_prices WHERE clerk_user_id = :user_id ORDER BY symbol",
            {"user_id": user_id},
        )
        return [UserPrice.model_validate(row) for row in rows]

    def set(self, user_id: str, symbol: Symbol, price: UserPriceSet) -> UserPrice:
        """Enter (or replace) the user's price for a symbol they hold; NotFound if they hold
        none of it, so a user can price only their own holdings."""
        row = self.db.fetch_one(
            "INSERT INTO user_prices (clerk_user_id, symbol, price, as_of_date)"
            f" SELECT :user_id, :symbol, :price, :as_of_date WHERE {_HELD}"
            " ON CONFLICT (clerk_user_id, symbol) DO UPDATE"
            " SET price = EXCLUDED.price, as_of_date = EXCLUDED.as_of_date RETURNING *",
            {**price.model_dump(), "user_id": user_id, "symbol": symbol},
        )
        if row is None:
            raise NotFound(f"you hold no {symbol}: add a position in it before pricing it")
        return UserPrice.model_validate(row)

    def delete(self, user_id: str, symbol: Symbol) -> None:
        deleted = self.db.execute(
            "DELETE FROM user_prices WHERE clerk_user_id = :user_id AND symbol = :symbol",
            {"user_id": user_id, "symbol": symbol},
        )
        if not deleted:
            raise NotFound(f"you have entered no price for {symbol}")
