"""Accounts and positions: full CRUD, scoped to the owner; bad writes leave nothing behind."""

from decimal import Decimal
from uuid import uuid4

import pytest

from shared.db import Accounts, Database, Instruments, Positions, Users
from shared.errors import Conflict, ConstraintViolation, NotFound
from shared.schemas import (
    Account,
    AccountCreate,
    AccountUpdate,
    InstrumentCreate,
    PositionCreate,
    PositionUpdate,
    UserCreate,
)


@pytest.fixture
def owned(db: Database) -> tuple[Account, Account]:
    """An account for user_a and one for user_b; VTI and BND exist."""
    for user_id in ("user_a", "user_b"):
        Users(db).get_or_create(UserCreate(clerk_user_id=user_id))
    for symbol in ("VTI", "BND"):
        Instruments(db).upsert(InstrumentCreate(symbol=symbol, name=symbol))
    account_a = Accounts(db).create(
        "user_a", AccountCreate(account_name="401k", account_type="401k")
    )
    account_b = Accounts(db).create(
        "user_b", AccountCreate(account_name="Taxable", account_type="taxable")
    )
    return account_a, account_b


def _position(account: Account, symbol: str = "VTI", quantity: str = "10") -> PositionCreate:
    return PositionCreate(account_id=account.id, symbol=symbol, quantity=Decimal(quantity))


def test_account_crud(db: Database, owned: tuple[Account, Account]) -> None:
    account, _ = owned
    accounts = Accounts(db)
    assert [a.id for a in accounts.for_user("user_a")] == [account.id]
    updated = accounts.update("user_a", account.id, AccountUpdate(cash_balance=Decimal("1234.56")))
    assert updated.cash_balance == Decimal("1234.56") and updated.account_name == "401k"
    assert accounts.get("user_a", account.id) == updated
    accounts.delete("user_a", account.id)
    assert accounts.for_user("user_a") == []


def test_one_user_never_reaches_another_users_account(
    db: Database, owned: tuple[Account, Account]
) -> None:
    _, theirs = owned
    accounts = Accounts(db)
    with pytest.raises(NotFound):
        accounts.get("user_a", theirs.id)
    with pytest.raises(NotFound):
        accounts.update("user_a", theirs.id, AccountUpdate(account_name="mine now"))
    with pytest.raises(NotFound):
        accounts.delete("user_a", theirs.id)
    with pytest.raises(NotFound):
        Positions(db).for_account("user_a", theirs.id, 10)
    assert accounts.get("user_b", theirs.id) == theirs


def test_account_for_an_unknown_user_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="user 'ghost'"):
        Accounts(db).create("ghost", AccountCreate(account_name="x", account_type="hsa"))


def test_position_crud(db: Database, owned: tuple[Account, Account]) -> None:
    account, _ = owned
    positions = Positions(db)
    created = positions.create("user_a", _position(account, quantity="10.125"))
    assert created.quantity == Decimal("10.125")
    assert positions.for_account("user_a", account.id, 10).items == [created]
    updated = positions.update("user_a", created.id, PositionUpdate(quantity=Decimal("3")))
    assert updated.quantity == Decimal("3")
    assert positions.get("user_a", created.id) == updated
    positions.delete("user_a", created.id)
    assert positions.for_account("user_a", account.id, 10).items == []
    with pytest.raises(NotFound):
        positions.delete("user_a", created.id)


def test_positions_of_another_user_cannot_be_read_changed_or_added_to(
    db: Database, owned: tuple[Account, Account]
) -> None:
    mine, theirs = owned
    positions = Positions(db)
    their_position = positions.create("user_b", _position(theirs))
    positions.create("user_a", _position(mine, "BND"))
    with pytest.raises(NotFound):
        positions.get("user_a", their_position.id)
    with pytest.raises(NotFound):
        positions.update("user_a", their_position.id, PositionUpdate(quantity=Decimal(1)))
    with pytest.raises(NotFound):
        positions.delete("user_a", their_position.id)
    with pytest.raises(NotFound, match=f"account {theirs.id}"):
        positions.create("user_a", _position(theirs, "BND"))
    assert [p.symbol for p in positions.for_user("user_a")] == ["BND"]
    assert positions.for_user("user_b") == [their_position]


def test_position_in_unknown_symbol_or_account_writes_nothing(
    db: Database, owned: tuple[Account, Account]
) -> None:
    account, _ = owned
    with pytest.raises(NotFound, match="instrument 'NOPE' does not exist"):
        Positions(db).create("user_a", _position(account, "NOPE"))
    with pytest.raises(NotFound, match="account"):
        Positions(db).create(
            "user_a", PositionCreate(account_id=uuid4(), symbol="VTI", quantity=Decimal(1))
        )
    assert Positions(db).for_user("user_a") == []


def test_second_position_in_the_same_symbol_is_a_conflict(
    db: Database, owned: tuple[Account, Account]
) -> None:
    account, _ = owned
    first = Positions(db).create("user_a", _position(account))
    with pytest.raises(Conflict, match="already holds VTI"):
        Positions(db).create("user_a", _position(account, quantity="99"))
    assert Positions(db).for_user("user_a") == [first]


def test_deleting_an_account_deletes_its_positions(
    db: Database, owned: tuple[Account, Account]
) -> None:
    account, _ = owned
    Positions(db).create("user_a", _position(account))
    Accounts(db).delete("user_a", account.id)
    assert Positions(db).for_user("user_a") == []


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        ("UPDATE positions SET quantity = -1", "positions_quantity_check"),
        ("UPDATE positions SET quantity = 0", "positions_quantity_check"),
        ("UPDATE accounts SET cash_balance = -0.01", "accounts_cash_balance_check"),
        ("UPDATE accounts SET cash_interest = 1.5", "accounts_cash_interest_check"),
    ],
)
def test_database_refuses_what_the_schemas_refuse(
    db: Database, owned: tuple[Account, Account], sql: str, constraint: str
) -> None:
    """The last line of defence, for writes that bypass the schemas: nothing changes."""
    account, _ = owned
    Positions(db).create("user_a", _position(account))
    before = (Accounts(db).for_user("user_a"), Positions(db).for_user("user_a"))
    with pytest.raises(ConstraintViolation) as excinfo:
        db.execute(sql)
    assert excinfo.value.constraint == constraint
    assert (Accounts(db).for_user("user_a"), Positions(db).for_user("user_a")) == before


def test_a_failed_transaction_leaves_no_partial_write(
    db: Database, owned: tuple[Account, Account]
) -> None:
    account, _ = owned
    with pytest.raises(NotFound), db.transaction() as tx:
        Positions(tx).create("user_a", _position(account, "VTI"))
        Positions(tx).create("user_a", _position(account, "NOPE"))
    assert Positions(db).for_user("user_a") == []
