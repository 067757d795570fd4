"""Users: created on first use, updated field by field, deleted with everything they own."""

from decimal import Decimal

import pytest

from shared.db import Accounts, Database, Jobs, Users
from shared.errors import NotFound
from shared.schemas import AccountCreate, JobCreate, UserCreate, UserUpdate


def test_first_use_creates_the_user_with_defaults(db: Database) -> None:
    user = Users(db).get_or_create(UserCreate(clerk_user_id="user_a", display_name="Ada"))
    assert user.display_name == "Ada"
    assert user.years_until_retirement == 20
    assert user.asset_class_targets == {"equity": 70, "fixed_income": 30}
    assert user.region_targets == {"north_america": 50, "international": 50}
    assert user.created_at == user.updated_at


def test_get_or_create_never_overwrites_an_existing_user(db: Database) -> None:
    users = Users(db)
    users.get_or_create(UserCreate(clerk_user_id="user_a", display_name="Ada"))
    users.update("user_a", UserUpdate(years_until_retirement=7))
    again = users.get_or_create(UserCreate(clerk_user_id="user_a", display_name="Other"))
    assert (again.display_name, again.years_until_retirement) == ("Ada", 7)


def test_update_changes_only_the_given_fields_and_bumps_updated_at(db: Database) -> None:
    users = Users(db)
    before = users.get_or_create(UserCreate(clerk_user_id="user_a", display_name="Ada"))
    after = users.update(
        "user_a",
        UserUpdate(
            target_retirement_income=Decimal("95000.50"),
            asset_class_targets={"equity": 50, "fixed_income": 40, "cash": 10},
        ),
    )
    assert after.target_retirement_income == Decimal("95000.50")
    assert after.asset_class_targets == {"equity": 50, "fixed_income": 40, "cash": 10}
    assert after.display_name == before.display_name
    assert after.updated_at > before.updated_at


def test_updating_or_reading_an_unknown_user_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="user 'nobody' does not exist"):
        Users(db).update("nobody", UserUpdate(display_name="X"))
    with pytest.raises(NotFound):
        Users(db).get("nobody")


def test_deleting_a_user_removes_their_accounts_and_jobs(db: Database) -> None:
    Users(db).get_or_create(UserCreate(clerk_user_id="user_a"))
    Accounts(db).create("user_a", AccountCreate(account_name="IRA", account_type="roth_ira"))
    Jobs(db).create("user_a", JobCreate())
    assert Users(db).delete("user_a") is True
    assert Accounts(db).for_user("user_a") == []
    assert Jobs(db).recent("user_a").items == []
    assert Users(db).delete("user_a") is False
