"""The caller's investment accounts."""

from uuid import UUID

from fastapi import APIRouter, status

from functions.api.deps import CallerDep, DatabaseDep, UserDep
from shared.db import Accounts
from shared.schemas import Account, AccountCreate, AccountUpdate

router = APIRouter(prefix="/api/accounts", tags=["accounts"])


@router.get("")
def list_accounts(caller: CallerDep, db: DatabaseDep) -> list[Account]:
    return Accounts(db).for_user(caller.user_id)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_account(account: AccountCreate, user: UserDep, db: DatabaseDep) -> Account:
    return Accounts(db).create(user.clerk_user_id, account)


@router.put("/{account_id}")
def update_account(
    account_id: UUID, changes: AccountUpdate, caller: CallerDep, db: DatabaseDep
) -> Account:
    return Accounts(db).update(caller.user_id, account_id, changes)


@router.delete("/{account_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_account(account_id: UUID, caller: CallerDep, db: DatabaseDep) -> None:
    """Delete the account with its positions."""
    Accounts(db).delete(caller.user_id, account_id)
