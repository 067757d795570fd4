"""Holdings in the caller's accounts; an unknown symbol becomes an instrument to be tagged."""

from uuid import UUID

from fastapi import APIRouter, status

from functions.api.deps import CallerDep, DatabaseDep
from functions.api.models import Cursor, Page, PageSize
from shared.db import Accounts, Instruments, Positions
from shared.db.pages import DEFAULT_PAGE_SIZE
from shared.db.positions import MAX_POSITIONS_PER_USER
from shared.schemas import Position, PositionCreate, PositionUpdate

router = APIRouter(prefix="/api", tags=["positions"])


@router.get("/accounts/{account_id}/positions")
def list_positions(
    account_id: UUID,
    caller: CallerDep,
    db: DatabaseDep,
    limit: PageSize = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
) -> Page[Position]:
    """The account's positions by symbol, a page at a time."""
    page = Positions(db).for_account(caller.user_id, account_id, limit, cursor)
    return Page[Position](items=page.items, next_cursor=page.next_cursor)


@router.post(
    "/positions",
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {
            "description": "The account holds the symbol already, or the caller holds"
            f" {MAX_POSITIONS_PER_USER} positions"
        }
    },
)
def create_position(position: PositionCreate, caller: CallerDep, db: DatabaseDep) -> Position:
    """Add a holding; a symbol not yet known is created untagged, for the next analysis to tag."""
    with db.transaction() as tx:
        # The account first: a request for someone else's account creates nothing.
        Accounts(tx).get(caller.user_id, position.account_id)
        Instruments(tx).ensure(position.symbol)
        return Positions(tx).create(caller.user_id, position)


@router.put("/positions/{position_id}")
def update_position(
    position_id: UUID, changes: PositionUpdate, caller: CallerDep, db: DatabaseDep
) -> Position:
    return Positions(db).update(caller.user_id, position_id, changes)


@router.delete("/positions/{position_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_position(position_id: UUID, caller: CallerDep, db: DatabaseDep) -> None:
    Positions(db).delete(caller.user_id, position_id)
