"""Svix's webhook signature scheme, as Clerk signs its webhooks: HMAC-SHA256 of
`<svix-id>.<svix-timestamp>.<body>` with the endpoint secret, base64, in `svix-signature` as
space-separated `v1,<signature>` entries; timestamps older or newer than 5 minutes are refused."""

import base64
import hashlib
import hmac
import time

from functions.api.errors import InvalidSignature

TOLERANCE_SECONDS = 5 * 60


def sign(secret: bytes, message_id: str, timestamp: str, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest()).decode()


def verify(
    secret: bytes,
    message_id: str,
    timestamp: str,
    signatures: str,
    body: bytes,
    now: float | None = None,
) -> None:
    """Return if one `v1` signature matches and the timestamp is recent; else InvalidSignature."""
    try:
        sent_at = int(timestamp)
    except ValueError as error:
        raise InvalidSignature("svix-timestamp is not a Unix time") from error
    if abs((time.time() if now is None else now) - sent_at) > TOLERANCE_SECONDS:
        raise InvalidSignature(
            "svix-timestamp is more than 5 minutes away: a stale or replayed message"
        )
    expected = sign(secret, message_id, timestamp, body)
    for entry in signatures.split():
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return
    raise InvalidSignature("no svix-signature matches the body: check the webhook secret")
