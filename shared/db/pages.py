"""Keyset pagination: a bounded page of rows after an opaque cursor, and the next page's cursor.

A cursor holds the sort key of the last row a page returned (base64 of JSON), so a row added or
deleted between two requests neither repeats nor skips another, as an offset would.
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from shared.errors import InvalidInput

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
MAX_CURSOR_LENGTH = 200

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    """The cursor of the page after this one; None on the last page."""


def page_of(rows: list[T], limit: int, key: Callable[[T], Sequence[object]]) -> Page[T]:
    """The page of the first `limit` of `rows`, fetched as `limit + 1` to tell whether another
    page follows."""
    items = rows[:limit]
    more = len(rows) > limit
    return Page(items, _encode([str(part) for part in key(items[-1])]) if more else None)


def cursor_key(cursor: str, *parts: Callable[[str], Any]) -> tuple[Any, ...]:
    """The sort key a cursor holds, each part read by its parser; InvalidInput naming the
    cursor for anything but a cursor this API returned."""
    refused = InvalidInput(
        "is not a cursor this API returned: pass a page's next_cursor as it is, or none for"
        " the first page",
        field="cursor",
        location="query",
    )
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * 4))
        if (
            not isinstance(raw, list)
            or len(raw) != len(parts)
            or not all(isinstance(text, str) for text in raw)
        ):
            raise refused
        return tuple(parse(text) for parse, text in zip(parts, raw, strict=True))
    except (ValueError, TypeError, UnicodeError, binascii.Error) as error:
        raise refused from error


def _encode(parts: list[str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).rstrip(b"=").decode()
