"""Where the local engine keeps executions: PostgreSQL, in a schema of its own beside the
product's tables, so every process on the machine (the dev server, the CLI) sees the same
executions and history, and a restart loses nothing.

Each execution row names the process running it (`owner`); a redrive claims the row in one
statement, so two processes never run the same execution at once.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any

from local.engine.errors import (
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    ExecutionNotRedrivable,
)
from local.engine.history import details_key
from local.engine.interpreter import Done, Resume
from shared.db import Database
from shared.errors import ConstraintViolation

REDRIVABLE = ("FAILED", "TIMED_OUT", "ABORTED")
# The engine's tables are its own: created here, not by the product's migrations, and dropped
# with `alex db reset`.
SCHEMA = """
CREATE SCHEMA IF NOT EXISTS local_engine;
CREATE TABLE IF NOT EXISTS local_engine.executions (
    arn text PRIMARY KEY,
    state_machine_arn text NOT NULL,
    name text NOT NULL,
    input jsonb NOT NULL,
    status text NOT NULL,
    start_date timestamptz NOT NULL,
    stop_date timestamptz,
    output jsonb,
    error text,
    cause text,
    redrive_count integer NOT NULL DEFAULT 0,
    redrive_date timestamptz,
    resume jsonb,
    owner integer
);
CREATE INDEX IF NOT EXISTS executions_by_machine
    ON local_engine.executions (state_machine_arn, start_date);
CREATE TABLE IF NOT EXISTS local_engine.events (
    execution_arn text NOT NULL REFERENCES local_engine.executions ON DELETE CASCADE,
    id integer NOT NULL,
    type text NOT NULL,
    previous_event_id integer NOT NULL,
    timestamp timestamptz NOT NULL,
    details jsonb,
    PRIMARY KEY (execution_arn, id)
);
"""
# Any constant: processes creating the schema at the same time take turns.
SCHEMA_LOCK = 4_815_162_342


class Store:
    def __init__(self, db: Database) -> None:
        self.db = db
        with db.transaction() as tx:
            # `SELECT 1 FROM`: the lock returns void, which the Data API would refuse.
            tx.execute("SELECT 1 FROM pg_advisory_xact_lock(:key)", {"key": SCHEMA_LOCK})
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    tx.execute(statement)

    def create(self, arn: str, machine: str, name: str, input: Any, start: datetime) -> None:
        try:
            self.db.execute(
                "INSERT INTO local_engine.executions"
                " (arn, state_machine_arn, name, input, status, start_date, owner)"
                " VALUES (:arn, :machine, :name, CAST(:input AS jsonb), 'RUNNING', :start,"
                " :owner)",
                {
                    "arn": arn,
                    "machine": machine,
                    "name": name,
                    "input": json.dumps(input),
                    "start": start,
                    "owner": os.getpid(),
                },
            )
        except ConstraintViolation as error:
            raise ExecutionAlreadyExists(f"Execution Already Exists: '{arn}'") from error

    def get(self, arn: str) -> dict[str, Any]:
        row = self.db.fetch_one(
            "SELECT * FROM local_engine.executions WHERE arn = :arn", {"arn": arn}
        )
        if row is None:
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{arn}'")
        return row

    def executions(self, machine: str) -> list[dict[str, Any]]:
        """The state machine's executions, in the order they started."""
        return self.db.fetch_all(
            "SELECT * FROM local_engine.executions WHERE state_machine_arn = :machine"
            " ORDER BY start_date, arn",
            {"machine": machine},
        )

    def claim_redrive(self, arn: str, now: datetime) -> dict[str, Any]:
        """Mark a redrivable execution running again, in this process; the row as it was."""
        with self.db.transaction() as tx:
            row = tx.fetch_one(
                "SELECT * FROM local_engine.executions WHERE arn = :arn FOR UPDATE", {"arn": arn}
            )
            if row is None:
                raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{arn}'")
            if row["status"] not in REDRIVABLE or row["resume"] is None:
                raise ExecutionNotRedrivable(
                    f"Execution {arn} is {row['status']}: only FAILED, TIMED_OUT or ABORTED"
                    " executions can be redriven"
                )
            tx.execute(
                "UPDATE local_engine.executions SET status = 'RUNNING', stop_date = NULL,"
                " error = NULL, cause = NULL, redrive_count = redrive_count + 1,"
                " redrive_date = :now, owner = :owner WHERE arn = :arn",
                {"arn": arn, "now": now, "owner": os.getpid()},
            )
        return row

    def checkpoint(self, arn: str, resume: Resume) -> None:
        """Where a redrive would start if this process stopped now."""
        self.db.execute(
            "UPDATE local_engine.executions SET resume = CAST(:resume AS jsonb) WHERE arn = :arn",
            {"arn": arn, "resume": json.dumps(_encode(resume))},
        )

    def end(
        self,
        arn: str,
        status: str,
        stop: datetime,
        *,
        output: Any = None,
        error: str | None = None,
        cause: str | None = None,
        resume: Resume | None = None,
    ) -> bool:
        """Record how a running execution ended; False if it was not running (another
        process recorded its end first)."""
        changed = self.db.execute(
            "UPDATE local_engine.executions SET status = :status, stop_date = :stop,"
            " output = CAST(:output AS jsonb), error = :error, cause = :cause,"
            " resume = CAST(:resume AS jsonb), owner = NULL"
            " WHERE arn = :arn AND status = 'RUNNING'",
            {
                "arn": arn,
                "status": status,
                "stop": stop,
                "output": None if status != "SUCCEEDED" else json.dumps(output),
                "error": error,
                "cause": cause,
                "resume": None if resume is None else json.dumps(_encode(resume)),
            },
        )
        return changed == 1

    def orphans(self, machine: str) -> list[dict[str, Any]]:
        """The state machine's executions marked running by a process that no longer exists."""
        rows = self.db.fetch_all(
            "SELECT * FROM local_engine.executions"
            " WHERE state_machine_arn = :machine AND status = 'RUNNING'",
            {"machine": machine},
        )
        return [row for row in rows if _orphaned(row)]

    def is_orphan(self, arn: str) -> bool:
        """Whether the execution is marked running by a process that no longer exists."""
        row = self.db.fetch_one(
            "SELECT status, owner FROM local_engine.executions WHERE arn = :arn", {"arn": arn}
        )
        return row is not None and row["status"] == "RUNNING" and _orphaned(row)

    def add_event(self, arn: str, event: dict[str, Any], details: dict[str, Any] | None) -> None:
        self.db.execute(
            "INSERT INTO local_engine.events"
            " (execution_arn, id, type, previous_event_id, timestamp, details)"
            " VALUES (:arn, :id, :type, :previous, :timestamp, CAST(:details AS jsonb))",
            {
                "arn": arn,
                "id": event["id"],
                "type": event["type"],
                "previous": event["previousEventId"],
                "timestamp": event["timestamp"],
                "details": None if details is None else json.dumps(details),
            },
        )

    def events(self, arn: str) -> list[dict[str, Any]]:
        rows = self.db.fetch_all(
            "SELECT * FROM local_engine.events WHERE execution_arn = :arn ORDER BY id",
            {"arn": arn},
        )
        events = []
        for row in rows:
            event = {
                "timestamp": row["timestamp"],
                "type": row["type"],
                "id": row["id"],
                "previousEventId": row["previous_event_id"],
            }
            if row["details"] is not None:
                event[details_key(row["type"])] = row["details"]
            events.append(event)
        return events

    def last_event_id(self, arn: str) -> int:
        row = self.db.fetch_one(
            "SELECT coalesce(max(id), 0) AS id FROM local_engine.events WHERE execution_arn = :arn",
            {"arn": arn},
        )
        return int(row["id"]) if row else 0


def drop(db: Database) -> None:
    """Forget every execution (with the database they ran against)."""
    db.execute("DROP SCHEMA IF EXISTS local_engine CASCADE")


def decode_resume(value: dict[str, Any]) -> Resume:
    return Resume(
        value["state"],
        value["input"],
        value["variables"],
        {
            int(index): Done(child["done"]) if "done" in child else decode_resume(child["resume"])
            for index, child in value["children"].items()
        },
    )


def _encode(resume: Resume) -> dict[str, Any]:
    return {
        "state": resume.state,
        "input": resume.input,
        "variables": resume.variables,
        "children": {
            str(index): {"done": child.output}
            if isinstance(child, Done)
            else {"resume": _encode(child)}
            for index, child in resume.children.items()
        },
    }


def _orphaned(row: dict[str, Any]) -> bool:
    return row["owner"] is None or not process_alive(row["owner"])


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True
