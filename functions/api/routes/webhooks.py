"""Clerk's user webhook, Svix-signed: keeps `users` in step with Clerk's users."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel

from functions.api import svix
from functions.api.deps import DatabaseDep, WebhookSecretDep, new_user
from functions.api.models import WebhookReceived
from shared.db import Users
from shared.errors import InvalidInput
from shared.schemas import UserUpdate

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])


class ClerkEvent(BaseModel):
    type: str
    data: dict[str, Any]


async def raw_body(request: Request) -> bytes:
    return await request.body()


def _name(data: dict[str, Any]) -> str | None:
    first, last, username = (
        value if isinstance(value, str) else ""
        for value in (data.get(key) for key in ("first_name", "last_name", "username"))
    )
    return " ".join(filter(None, (first, last))) or username or None


@router.post("/clerk")
def clerk_webhook(
    body: Annotated[bytes, Depends(raw_body)],
    secret: WebhookSecretDep,
    db: DatabaseDep,
    svix_id: Annotated[str, Header(alias="svix-id")],
    svix_timestamp: Annotated[str, Header(alias="svix-timestamp")],
    svix_signature: Annotated[str, Header(alias="svix-signature")],
) -> WebhookReceived:
    """user.created / user.updated create or rename the user; user.deleted deletes them with
    their accounts, positions and jobs. Other events are acknowledged and ignored."""
    svix.verify(secret, svix_id, svix_timestamp, svix_signature, body)
    try:
        event = ClerkEvent.model_validate_json(body)
    except ValueError as error:
        raise InvalidInput("the webhook body is not a Clerk event", field="body") from error
    user_id = event.data.get("id")
    if event.type not in ("user.created", "user.updated", "user.deleted"):
        return WebhookReceived(event=event.type, handled=False)
    if not isinstance(user_id, str) or not user_id:
        raise InvalidInput(f"{event.type} carries no user id", field="data.id")
    users = Users(db)
    if event.type == "user.deleted":
        users.delete(user_id)
    else:
        created = new_user(user_id, _name(event.data))
        user = users.get_or_create(created)
        if event.type == "user.updated" and user.display_name != created.display_name:
            users.update(user_id, UserUpdate(display_name=created.display_name))
    return WebhookReceived(event=event.type, handled=True)
