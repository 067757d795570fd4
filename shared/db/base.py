"""The one database interface every part of Alex uses, whichever driver is underneath.

SQL is written once, with `:name` parameters; both drivers run it unchanged and return rows as
dicts of the same Python types (Decimal, UUID, datetime in UTC, date, dict/list for JSON).
"""

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any

Params = Mapping[str, Any]
Row = dict[str, Any]

# `:name` but not the second colon of a `::type` cast.
PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_CONSTRAINT = re.compile(r'constraint "([^"]+)"')


class Database(ABC):
    @abstractmethod
    def execute(self, sql: str, params: Params | None = None) -> int:
        """Run a statement; return the number of rows it changed."""

    @abstractmethod
    def fetch_all(self, sql: str, params: Params | None = None) -> list[Row]:
        """Run a query; return every row."""

    def fetch_one(self, sql: str, params: Params | None = None) -> Row | None:
        rows = self.fetch_all(sql, params)
        return rows[0] if rows else None

    @abstractmethod
    def transaction(self) -> AbstractContextManager["Database"]:
        """A block whose statements commit together or not at all.

        Use the database it yields; a transaction opened inside another joins it.
        """

    def close(self) -> None:  # noqa: B027 - drivers without resources need not override
        """Release connections."""


def constraint_name(message: str) -> str | None:
    """The constraint a PostgreSQL error message names, if any."""
    match = _CONSTRAINT.search(message)
    return match.group(1) if match else None


def split_statements(script: str) -> Iterator[str]:
    """Split a SQL script into statements, respecting quotes, $$ bodies and comments.

    The Data API runs one statement per call, so migrations are sent statement by statement.
    """
    statement: list[str] = []
    i, quote = 0, ""
    while i < len(script):
        char = script[i]
        if quote:
            if script.startswith(quote, i):
                statement.append(quote)
                i += len(quote)
                quote = ""
                continue
        elif script.startswith("--", i):
            end = script.find("\n", i)
            i = len(script) if end == -1 else end
            continue
        elif char == "'":
            quote = "'"
        elif char == "$":
            match = re.match(r"\$\w*\$", script[i:])
            if match:
                quote = match.group(0)
                statement.append(quote)
                i += len(quote)
                continue
        elif char == ";":
            text = "".join(statement).strip()
            if text:
                yield text
            statement = []
            i += 1
            continue
        statement.append(char)
        i += 1
    text = "".join(statement).strip()
    if text:
        yield text


def assignments(columns: Iterator[str] | list[str]) -> str:
    """`a = :a, b = :b` for an UPDATE's SET clause (column names come from schemas, not users)."""
    return ", ".join(f"{column} = :{column}" for column in columns)
