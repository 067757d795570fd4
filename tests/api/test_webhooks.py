"""Clerk's user webhook: Svix-signed events keep `users` in step; tampered or stale ones are
refused and change nothing."""

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.db import Users
from shared.db.psycopg_driver import PsycopgDriver
from shared.errors import NotFound
from tests.api.conftest import error_of, signed_webhook

URL = "/api/webhooks/clerk"


def user_event(kind: str, **data: Any) -> dict[str, Any]:
    return {"type": kind, "object": "event", "data": {"id": "user_hook", "object": "user", **data}}


def deliver(client: TestClient, event: dict[str, Any], sent_at: float | None = None) -> Any:
    body, headers = signed_webhook(event, sent_at)
    return client.post(URL, content=body, headers=headers)


def test_user_events_create_rename_and_delete_the_user(
    client: TestClient, pg: PsycopgDriver
) -> None:
    created = deliver(client, user_event("user.created", first_name="Grace", last_name="Hopper"))
    assert created.status_code == 200, created.text
    assert created.json() == {"event": "user.created", "handled": True}
    assert Users(pg).get("user_hook").display_name == "Grace Hopper"

    deliver(client, user_event("user.updated", first_name="Admiral", last_name="Hopper"))
    assert Users(pg).get("user_hook").display_name == "Admiral Hopper"

    deleted = deliver(
        client, {"type": "user.deleted", "data": {"id": "user_hook", "deleted": True}}
    )
    assert deleted.status_code == 200
    with pytest.raises(NotFound):
        Users(pg).get("user_hook")


def test_an_update_for_a_user_never_seen_creates_them(
    client: TestClient, pg: PsycopgDriver
) -> None:
    deliver(client, user_event("user.updated", username="gh"))
    assert Users(pg).get("user_hook").display_name == "gh"


def test_other_events_are_acknowledged_and_ignored(client: TestClient) -> None:
    response = deliver(client, {"type": "session.created", "data": {"id": "sess_1"}})
    assert response.json() == {"event": "session.created", "handled": False}


def test_a_tampered_body_is_refused_and_changes_nothing(
    client: TestClient, pg: PsycopgDriver
) -> None:
    body, headers = signed_webhook(user_event("user.created", first_name="Real"))
    tampered = body.replace(b"Real", b"Fake")

    response = client.post(URL, content=tampered, headers=headers)

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_signature"
    assert pg.fetch_all("SELECT * FROM users") == []


def test_a_signature_with_another_secret_is_refused(client: TestClient) -> None:
    body, headers = signed_webhook(user_event("user.created"))
    headers["svix-signature"] = "v1,bm90IHRoZSByaWdodCBzaWduYXR1cmUgYXQgYWxsIQ=="
    assert client.post(URL, content=body, headers=headers).status_code == 400


def test_a_stale_or_future_message_is_refused(client: TestClient, pg: PsycopgDriver) -> None:
    stale = deliver(client, user_event("user.created"), sent_at=time.time() - 6 * 60)
    assert stale.status_code == 400
    assert "5 minutes" in error_of(stale)["message"]
    future = deliver(client, user_event("user.created"), sent_at=time.time() + 6 * 60)
    assert future.status_code == 400
    assert pg.fetch_all("SELECT * FROM users") == []


def test_missing_signature_headers_are_named(client: TestClient) -> None:
    response = client.post(URL, json=user_event("user.created"))
    assert response.status_code == 422
    fields = {d["field"] for d in error_of(response)["details"]}
    assert fields == {"svix-id", "svix-timestamp", "svix-signature"}


def test_a_signed_user_event_without_a_user_id_is_refused_naming_it(client: TestClient) -> None:
    response = deliver(client, {"type": "user.created", "data": {"first_name": "Nobody"}})
    assert response.status_code == 422
    assert error_of(response)["details"][0]["field"] == "data.id"
