"""Positions: holdings of one instrument in one account, reached only through the owner."""

from uuid import UUID

from pydantic import TypeAdapter

from shared.db.base import Database
from shared.db.pages import Page, cursor_key, page_of
from shared.errors import Conflict, ConstraintViolation, LimitReached, NotFound
from shared.schemas import Position, PositionCreate, PositionUpdate, Symbol

_OWNED = "account_id IN (SELECT id FROM accounts WHERE clerk_user_id = :user_id)"
# Across all of a user's accounts: every holding is valued and may be tagged in each analysis.
MAX_POSITIONS_PER_USER = 500
_SYMBOL: TypeAdapter[str] = TypeAdapter(Symbol)


def _missing(position_id: UUID) -> NotFound:
    return NotFound(f"position {position_id} does not exist")


class Positions:
    def __init__(self, db: Database) -> None:
        self.db = db

    def for_user(self, user_id: str) -> list[Position]:
        rows = self.db.fetch_all(
            f"SELECT * FROM positions WHERE {_OWNED} ORDER BY account_id, symbol",
            {"user_id": user_id},
        )
        return [Position.model_validate(row) for row in rows]

    def for_account(
        self, user_id: str, account_id: UUID, limit: int, cursor: str | None = None
    ) -> Page[Position]:
        """The account's positions by symbol, `limit` after `cursor`; NotFound if the account
        is not the user's."""
        after = "" if cursor is None else " AND p.symbol > :after"
        params: dict[str, object] = {"account_id": account_id, "user_id": user_id}
        if cursor is not None:
            (params["after"],) = cursor_key(cursor, _SYMBOL.validate_python)
        rows = self.db.fetch_all(
            "SELECT a.id AS owned_account, p.* FROM accounts a"
            f" LEFT JOIN positions p ON p.account_id = a.id{after}"
            " WHERE a.id = :account_id AND a.clerk_user_id = :user_id"
            " ORDER BY p.symbol LIMIT :limit",
            params | {"limit": limit + 1},
        )
        if not rows:
            raise NotFound(f"account {account_id} does not exist")
        positions = [Position.model_validate(row) for row in rows if row["id"] is not None]
        return page_of(positions, limit, lambda position: (position.symbol,))

    def get(self, user_id: str, position_id: UUID) -> Position:
        row = self.db.fetch_one(
            f"SELECT * FROM positions WHERE id = :id AND {_OWNED}",
            {"id": position_id, "user_id": user_id},
        )
        if row is None:
            raise _missing(position_id)
        return Position.model_validate(row)

    def create(self, user_id: str, position: PositionCreate) -> Position:
        """Add a holding to one of the user's accounts; the instrument must already exist.
        LimitReached when the user holds MAX_POSITIONS_PER_USER positions already."""
        with self.db.transaction() as tx:
            return self._create(tx, user_id, position)

    def _create(self, tx: Database, user_id: str, position: PositionCreate) -> Position:
        # The user's row, locked: two requests at once cannot both take the last place.
        tx.fetch_all(
            "SELECT clerk_user_id FROM users WHERE clerk_user_id = :user_id FOR UPDATE",
            {"user_id": user_id},
        )
        count = tx.fetch_one(
            f"SELECT count(*) AS n FROM positions WHERE {_OWNED}", {"user_id": user_id}
        )
        if count is not None and count["n"] >= MAX_POSITIONS_PER_USER:
            raise LimitReached(
                f"you hold {MAX_POSITIONS_PER_USER} positions across your accounts, the most"
                " Alex keeps for one user: delete one to add another"
            )
        try:
            row = tx.fetch_one(
                "INSERT INTO positions (account_id, symbol, quantity, as_of_date)"
                " SELECT id, :symbol, :quantity, :as_of_date FROM accounts"
                " WHERE id = :account_id AND clerk_user_id = :user_id RETURNING *",
                {**position.model_dump(), "user_id": user_id},
            )
        except ConstraintViolation as error:
            if error.constraint == "positions_symbol_fkey":
                raise NotFound(f"instrument {position.symbol!r} does not exist") from error
            if error.constraint == "positions_account_symbol_key":
                raise Conflict(
                    f"the account already holds {position.symbol}; update that position instead"
                ) from error
            raise
        if row is None:
            raise NotFound(f"account {position.account_id} does not exist")
        return Position.model_validate(row)

    def update(self, user_id: str, position_id: UUID, changes: PositionUpdate) -> Position:
        row = self.db.fetch_one(
            "UPDATE positions SET quantity = :quantity, as_of_date = :as_of_date"
            f" WHERE id = :id AND {_OWNED} RETURNING *",
            {**changes.model_dump(), "id": position_id, "user_id": user_id},
        )
        if row is None:
            raise _missing(position_id)
        return Position.model_validate(row)

    def delete(self, user_id: str, position_id: UUID) -> None:
        deleted = self.db.execute(
            f"DELETE FROM positions WHERE id = :id AND {_OWNED}",
            {"id": position_id, "user_id": user_id},
        )
        if not deleted:
            raise _missing(position_id)
