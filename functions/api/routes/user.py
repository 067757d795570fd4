"""The caller's profile and targets: created on first use, then updated."""

from fastapi import APIRouter

from functions.api.deps import DatabaseDep, UserDep
from shared.db import Users
from shared.schemas import User, UserUpdate

router = APIRouter(prefix="/api/user", tags=["user"])


@router.get("")
def get_user(user: UserDep) -> User:
    return user


@router.put("")
def update_user(changes: UserUpdate, user: UserDep, db: DatabaseDep) -> User:
    return Users(db).update(user.clerk_user_id, changes)
