"""Values no column can hold (NUL bytes, lone surrogates, NaN, ±Infinity) are refused at the schema
with 422 naming the field, in our words: never the database's or the validation library's."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Token, error_of

# JSON text, as a hostile client writes it: Python's json module reads NaN and Infinity.
BAD_TEXT = {"NUL": r'"Roth\u0000IRA"', "lone surrogate": r'"Roth\ud800IRA"'}
BAD_NUMBERS = {"NaN": "NaN", "Infinity": "Infinity", "-Infinity": "-Infinity"}

# (method, path, JSON body with {} where the bad value goes, the field named)
TEXT_FIELDS = [
    ("POST", "/api/accounts", '{"account_name": {}, "account_type": "taxable"}', "account_name"),
    (
        "POST",
        "/api/accounts",
        '{"account_name": "a", "account_type": "taxable", "account_purpose": {}}',
        "account_purpose",
    ),
    ("PUT", "/api/user", '{"display_name": {}}', "display_name"),
]
NUMBER_FIELDS = [
    (
        "POST",
        "/api/accounts",
        '{"account_name": "a", "account_type": "taxable", "cash_balance": {}}',
        "cash_balance",
    ),
    ("PUT", "/api/user", '{"asset_class_targets": {"equity": {}}}', "asset_class_targets.equity"),
    (
        "PUT",
        "/api/user",
        '{"region_targets": {"north_america": 50, "international": {}}}',
        "region_targets.international",
    ),
    ("PUT", "/api/user", '{"target_retirement_income": {}}', "target_retirement_income"),
    ("PUT", "/api/user", '{"years_until_retirement": {}}', "years_until_retirement"),
]
LIBRARY_WORDS = ("Input should", "Value error", "PostgreSQL", "psycopg", "invalid input syntax")


def refused(response: Any, field: str) -> str:
    assert response.status_code == 422, response.text
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert field in {d["field"] for d in error["details"]}, error
    message: str = error["message"]
    assert not any(words in response.text for words in LIBRARY_WORDS), response.text
    return message


@pytest.mark.parametrize("bad", BAD_TEXT.values(), ids=BAD_TEXT.keys())
@pytest.mark.parametrize(("method", "path", "body", "field"), TEXT_FIELDS)
def test_unstorable_text_is_refused_naming_the_field(
    client: TestClient, auth: Token, method: str, path: str, body: str, field: str, bad: str
) -> None:
    response = client.request(
        method,
        path,
        headers={**auth(), "content-type": "application/json"},
        content=body.replace("{}", bad, 1).encode(),
    )
    assert "character" in refused(response, field)


@pytest.mark.parametrize("bad", BAD_NUMBERS.values(), ids=BAD_NUMBERS.keys())
@pytest.mark.parametrize(("method", "path", "body", "field"), NUMBER_FIELDS)
def test_nan_and_infinity_are_refused_naming_the_field(
    client: TestClient, auth: Token, method: str, path: str, body: str, field: str, bad: str
) -> None:
    response = client.request(
        method,
        path,
        headers={**auth(), "content-type": "application/json"},
        content=body.replace("{}", bad, 1).encode(),
    )
    refused(response, field)


@pytest.mark.parametrize("bad", ["VT\x00I", "\ud800"])
def test_unstorable_text_in_a_symbol_or_a_search_is_refused(
    client: TestClient, auth: Token, bad: str
) -> None:
    account = client.post(
        "/api/accounts", headers=auth(), json={"account_name": "a", "account_type": "taxable"}
    ).json()
    position = client.post(
        "/api/positions",
        headers={**auth(), "content-type": "application/json"},
        content=json.dumps({"account_id": account["id"], "symbol": bad, "quantity": 1}).encode(),
    )
    refused(position, "symbol")


def test_a_nul_in_a_search_is_refused(client: TestClient, auth: Token) -> None:
    # A query string cannot carry a lone surrogate: percent-decoding replaces invalid UTF-8.
    refused(client.get("/api/instruments?q=VT%00I", headers=auth()), "q")


def test_nothing_was_stored_from_a_refused_request(client: TestClient, auth: Token) -> None:
    client.post(
        "/api/accounts",
        headers={**auth(), "content-type": "application/json"},
        content=b'{"account_name": "x\\u0000", "account_type": "taxable"}',
    )
    assert client.get("/api/accounts", headers=auth()).json()["items"] == []
