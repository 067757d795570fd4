"""Accounts: a user's investment accounts; every query is scoped to the owner."""

from datetime import datetime
from uuid import UUID

from shared.db.base import Database, assignments
from shared.db.pages import Page, cursor_key, page_of
from shared.errors import LimitReached, NotFound
from shared.schemas import Account, AccountCreate, AccountUpdate

# Far beyond a household's accounts: what one user may create is bounded, like every list.
MAX_ACCOUNTS_PER_USER = 50


def _missing(account_id: UUID) -> NotFound:
    return NotFound(f"account {account_id} does not exist")


class Accounts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def for_user(self, user_id: str) -> list[Account]:
        rows = self.db.fetch_all(
            "SELECT * FROM accounts WHERE clerk_user_id = :user_id"
            " ORDER BY created_at, account_name, id",
            {"user_id": user_id},
        )
        return [Account.model_validate(row) for row in rows]

    def page(self, user_id: str, limit: int, cursor: str | None = None) -> Page[Account]:
        """The user's accounts in the order they were created, `limit` after `cursor`."""
        params: dict[str, object] = {"user_id": user_id, "limit": limit + 1}
        after = ""
        if cursor is not None:
            params["at"], params["id"] = cursor_key(cursor, datetime.fromisoformat, UUID)
            after = " AND (created_at, id) > (:at, :id)"
        rows = self.db.fetch_all(
            f"SELECT * FROM accounts WHERE clerk_user_id = :user_id{after}"
            " ORDER BY created_at, id LIMIT :limit",
            params,
        )
        accounts = [Account.model_validate(row) for row in rows]
        return page_of(
            accounts, limit, lambda account: (account.created_at.isoformat(), account.id)
        )

    def get(self, user_id: str, account_id: UUID) -> Account:
        row = self.db.fetch_one(
            "SELECT * FROM accounts WHERE id = :id AND clerk_user_id = :user_id",
            {"id": account_id, "user_id": user_id},
        )
        if row is None:
            raise _missing(account_id)
        return Account.model_validate(row)

    def create(self, user_id: str, account: AccountCreate) -> Account:
        """A new account; LimitReached when the user has MAX_ACCOUNTS_PER_USER already."""
        values = account.model_dump()
        with self.db.transaction() as tx:
            # The user's row, locked: two requests at once cannot both take the last place.
            if not tx.fetch_all(
                "SELECT clerk_user_id FROM users WHERE clerk_user_id = :user_id FOR UPDATE",
                {"user_id": user_id},
            ):
                raise NotFound(f"user {user_id!r} does not exist")
            count = tx.fetch_one(
                "SELECT count(*) AS n FROM accounts WHERE clerk_user_id = :user_id",
                {"user_id": user_id},
            )
            if count is not None and count["n"] >= MAX_ACCOUNTS_PER_USER:
                raise LimitReached(
                    f"you have {MAX_ACCOUNTS_PER_USER} accounts, the most Alex keeps for one"
                    " user: delete one you no longer use to add another"
                )
            row = tx.fetch_one(
                f"INSERT INTO accounts (clerk_user_id, {', '.join(values)})"
                f" VALUES (:user_id, {', '.join(':' + c for c in values)}) RETURNING *",
                {**values, "user_id": user_id},
            )
        assert row is not None
        return Account.model_validate(row)

    def update(self, user_id: str, account_id: UUID, changes: AccountUpdate) -> Account:
        values = changes.model_dump(exclude_none=True)
        if not values:
            return self.get(user_id, account_id)
        row = self.db.fetch_one(
            f"UPDATE accounts SET {assignments(list(values))}"
            " WHERE id = :id AND clerk_user_id = :user_id RETURNING *",
            {**values, "id": account_id, "user_id": user_id},
        )
        if row is None:
            raise _missing(account_id)
        return Account.model_validate(row)

    def delete(self, user_id: str, account_id: UUID) -> None:
        """Delete the account and its positions."""
        deleted = self.db.execute(
            "DELETE FROM accounts WHERE id = :id AND clerk_user_id = :user_id",
            {"id": account_id, "user_id": user_id},
        )
        if not deleted:
            raise _missing(account_id)
