"""The caller's profile: created on first use from the token, then updated."""

from fastapi.testclient import TestClient

from shared.db.psycopg_driver import PsycopgDriver
from tests.api.conftest import Token, error_of


def test_first_use_creates_the_user_with_defaults_and_the_tokens_name(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    response = client.get("/api/user", headers=auth("user_new", name="  Ada Lovelace "))

    assert response.status_code == 200
    user = response.json()
    assert user["clerk_user_id"] == "user_new"
    assert user["display_name"] == "Ada Lovelace"
    assert user["years_until_retirement"] == 20
    assert user["asset_class_targets"] == {"equity": 70, "fixed_income": 30}
    assert pg.fetch_one("SELECT count(*) AS n FROM users")["n"] == 1  # type: ignore[index]
    again = client.get("/api/user", headers=auth("user_new", name="Someone Else")).json()
    assert again["display_name"] == "Ada Lovelace"  # created once, not overwritten


def test_a_token_without_a_name_gets_the_default_name(client: TestClient, auth: Token) -> None:
    assert client.get("/api/user", headers=auth("user_x")).json()["display_name"] == "Investor"


def test_update_changes_only_the_fields_sent(client: TestClient, auth: Token) -> None:
    response = client.put(
        "/api/user",
        headers=auth(),
        json={
            "display_name": "Alice",
            "years_until_retirement": 25,
            "target_retirement_income": 85000.5,
            "asset_class_targets": {"equity": 60, "fixed_income": 35, "cash": 5},
            "region_targets": {"north_america": 60, "international": 40},
        },
    )

    assert response.status_code == 200, response.text
    user = response.json()
    assert (user["display_name"], user["years_until_retirement"]) == ("Alice", 25)
    assert user["target_retirement_income"] == 85000.5
    assert user["asset_class_targets"] == {"equity": 60, "fixed_income": 35, "cash": 5}
    kept = client.put("/api/user", headers=auth(), json={"current_age": 40}).json()
    assert (kept["display_name"], kept["current_age"]) == ("Alice", 40)


def test_targets_that_do_not_sum_to_100_are_refused_naming_the_field(
    client: TestClient, auth: Token
) -> None:
    response = client.put(
        "/api/user", headers=auth(), json={"asset_class_targets": {"equity": 70, "cash": 20}}
    )

    assert response.status_code == 422
    error = error_of(response)
    assert error["details"][0]["field"] == "asset_class_targets"
    assert "sum to 100" in error["message"]
    assert client.get("/api/user", headers=auth()).json()["asset_class_targets"]["equity"] == 70
