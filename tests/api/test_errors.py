"""Bad input gets a clear JSON error naming the field, never a server error or a stack trace;
text is stored as sent, whatever it contains."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from functions.api.app import MAX_BODY_BYTES
from shared.errors import ConstraintViolation, RefusedValue
from tests.api.conftest import Token, error_of

HOSTILE_TEXT = [
    "Robert'); DROP TABLE accounts; --",
    "' OR '1'='1",
    "<script>alert('x')</script>",
    "{{7*7}} ${jndi:ldap://x} %s %(name)s :name $1",
    'Ünïcødé 💰 \\ backslash "quotes"',
]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_sql_and_script_text_is_stored_and_returned_verbatim(
    client: TestClient, auth: Token, text: str
) -> None:
    created = client.post(
        "/api/accounts",
        headers=auth(),
        json={"account_name": text, "account_type": "taxable", "account_purpose": text},
    )
    assert created.status_code == 201, created.text
    assert (created.json()["account_name"], created.json()["account_purpose"]) == (text, text)
    listed = client.get("/api/accounts", headers=auth()).json()["items"]
    assert [a["account_name"] for a in listed] == [text]
    renamed = client.put("/api/user", headers=auth(), json={"display_name": text})
    assert renamed.json()["display_name"] == text
    assert client.get("/api/instruments", params={"q": text}, headers=auth()).status_code == 200


def test_each_invalid_field_is_named(client: TestClient, auth: Token) -> None:
    response = client.post(
        "/api/accounts",
        headers=auth(),
        json={"account_name": "", "account_type": "piggy_bank", "cash_balance": -1, "extra": 1},
    )

    assert response.status_code == 422
    error = error_of(response)
    fields = {d["field"] for d in error["details"]}
    assert fields == {"account_name", "account_type", "cash_balance", "extra"}
    assert "account_type" in error["message"]
    assert "Traceback" not in response.text


def test_a_body_that_is_not_json_is_refused(client: TestClient, auth: Token) -> None:
    response = client.post(
        "/api/accounts",
        headers={**auth(), "content-type": "application/json"},
        content=b"{not json",
    )
    assert response.status_code == 422
    assert error_of(response)["details"][0]["field"] == "body"


def test_an_id_that_is_not_a_uuid_is_refused_naming_it(client: TestClient, auth: Token) -> None:
    response = client.get("/api/jobs/123", headers=auth())
    assert response.status_code == 422
    assert error_of(response)["details"][0] == {
        "field": "job_id",
        "location": "path",
        "message": response.json()["error"]["details"][0]["message"],
        "type": "uuid_parsing",
    }


def test_an_oversized_body_is_refused_before_it_is_read(client: TestClient, auth: Token) -> None:
    response = client.post(
        "/api/accounts",
        headers={**auth(), "content-type": "application/json"},
        content=b" " * (MAX_BODY_BYTES + 1),
    )
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"


def test_an_oversized_body_without_a_length_is_refused_as_it_streams(
    client: TestClient, auth: Token
) -> None:
    def chunks() -> object:
        for _ in range(5):
            yield b" " * (MAX_BODY_BYTES // 4)

    response = client.post(
        "/api/accounts",
        headers={**auth(), "content-type": "application/json"},
        content=chunks(),  # type: ignore[arg-type]
    )
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"


def test_unknown_routes_and_methods_answer_in_the_error_shape(client: TestClient) -> None:
    assert error_of(client.get("/api/nothing"))["code"] == "not_found"
    assert client.patch("/api/accounts").status_code == 405
    assert error_of(client.patch("/api/accounts"))["code"] == "method_not_allowed"


def test_an_unknown_query_parameter_is_refused_naming_it(client: TestClient, auth: Token) -> None:
    # A misspelt `limit` must not silently give a page of the default size.
    response = client.get("/api/accounts", params={"limt": 5}, headers=auth())
    assert response.status_code == 422
    (problem,) = error_of(response)["details"]
    assert (problem["field"], problem["location"]) == ("limt", "query")
    assert "cursor, limit" in problem["message"]


def test_a_body_that_is_not_utf8_is_refused_as_invalid_json(
    client: TestClient, auth: Token
) -> None:
    response = client.post(
        "/api/accounts",
        headers={**auth(), "content-type": "application/json"},
        content=b"\xff\xfe\x00{",
    )
    assert response.status_code == 422
    assert error_of(response)["details"][0]["field"] == "body"


@pytest.mark.parametrize(
    ("raised", "status"),
    [
        (ConstraintViolation('new row for relation "accounts" violates check "x"', "x"), 409),
        (RefusedValue('value "1e400" is out of range for type numeric'), 422),
    ],
)
def test_the_databases_own_words_never_reach_the_caller(
    app: FastAPI, raised: Exception, status: int
) -> None:
    def refused() -> None:
        raise raised

    app.add_api_route("/api/refused", refused)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/refused")
    assert response.status_code == status
    assert "relation" not in response.text and "numeric" not in response.text
    assert "try again" in error_of(response)["message"]


@pytest.mark.parametrize("value", ["true", '"30"', "30.0"])
def test_a_whole_number_must_be_a_json_integer(client: TestClient, auth: Token, value: str) -> None:
    response = client.put(
        "/api/user",
        headers={**auth(), "content-type": "application/json"},
        content=f'{{"years_until_retirement": {value}}}'.encode(),
    )
    assert response.status_code == 422
    assert error_of(response)["details"][0]["field"] == "years_until_retirement"
