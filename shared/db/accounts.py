"""Accounts: a user's investment accounts; every query is scoped to the owner."""

from uuid import UUID

from shared.db.base import Database, assignments
from shared.errors import ConstraintViolation, NotFound
from shared.schemas import Account, AccountCreate, AccountUpdate


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

    def get(self, user_id: str, account_id: UUID) -> Account:
        row = self.db.fetch_one(
            "SELECT * FROM accounts WHERE id = :id AND clerk_user_id = :user_id",
            {"id": account_id, "user_id": user_id},
        )
        if row is None:
            raise _missing(account_id)
        return Account.model_validate(row)

    def create(self, user_id: str, account: AccountCreate) -> Account:
        values = account.model_dump()
        try:
            row = self.db.fetch_one(
                f"INSERT INTO accounts (clerk_user_id, {', '.join(values)})"
                f" VALUES (:user_id, {', '.join(':' + c for c in values)}) RETURNING *",
                {**values, "user_id": user_id},
            )
        except ConstraintViolation as error:
            if error.constraint == "accounts_clerk_user_id_fkey":
                raise NotFound(f"user {user_id!r} does not exist") from error
            raise
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
