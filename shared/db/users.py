"""Users: one row per Clerk user, created on first use or by Clerk's webhook."""

from typing import Any

from shared.db.base import Database, assignments
from shared.errors import NotFound
from shared.schemas import User, UserCreate, UserUpdate


def _columns(model: UserCreate | UserUpdate) -> dict[str, Any]:
    return model.model_dump(exclude_none=True)


class Users:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, user_id: str) -> User:
        row = self.db.fetch_one("SELECT * FROM users WHERE clerk_user_id = :id", {"id": user_id})
        if row is None:
            raise NotFound(f"user {user_id!r} does not exist")
        return User.model_validate(row)

    def get_or_create(self, user: UserCreate) -> User:
        """The user's row, created with these values if it does not exist yet."""
        values = _columns(user)
        self.db.execute(
            f"INSERT INTO users ({', '.join(values)})"
            f" VALUES ({', '.join(':' + c for c in values)})"
            " ON CONFLICT (clerk_user_id) DO NOTHING",
            values,
        )
        return self.get(user.clerk_user_id)

    def update(self, user_id: str, changes: UserUpdate) -> User:
        values = _columns(changes)
        if not values:
            return self.get(user_id)
        row = self.db.fetch_one(
            f"UPDATE users SET {assignments(list(values))} WHERE clerk_user_id = :user_id"
            " RETURNING *",
            {**values, "user_id": user_id},
        )
        if row is None:
            raise NotFound(f"user {user_id!r} does not exist")
        return User.model_validate(row)

    def delete(self, user_id: str) -> bool:
        """Delete the user with their accounts, positions and jobs; False if there was none."""
        return self.db.execute("DELETE FROM users WHERE clerk_user_id = :id", {"id": user_id}) > 0
