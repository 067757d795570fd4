"""The caller's investment accounts."""

from uuid import UUID

from fastapi import APIRouter, status

from functions.api.deps import CallerDep, DatabaseDep, UserDep
from functions.api.models import Cursor, Page, PageSize
from shared.db import Accounts
from shared.db.accounts import MAX_ACCOUNTS_PER_USER
from shared.db.pages import DEFAULT_PAGE_SIZE
from shared.schemas import Account, AccountCreate, AccountUpdate

router = APIRouter(prefix="/api/accounts", tags=["accounts"])


@router.get("")
def list_accounts(
    caller: CallerDep,
    db: DatabaseDep,
    limit: PageSize = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[Account]:
    """The caller's accounts in the order they were created, a page at a time."""
    page = Accounts(db).page(caller.user_id, limit, cursor)
    return Page[Account](items=page.items, next_cursor=page.next_cursor)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": f"The caller has {MAX_ACCOUNTS_PER_USER} accounts already"}},
)
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
