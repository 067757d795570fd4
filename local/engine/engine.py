"""The local Step Functions engine: start, describe, stop and redrive executions of one checked
definition, each run in a thread of this process, with its history in Step Functions' shapes."""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from local.engine.definition import load_definition
from local.engine.errors import ExecutionRunsElsewhere
from local.engine.history import History
from local.engine.interpreter import (
    ABANDONED,
    Cancel,
    Invoke,
    Line,
    Resume,
    Run,
    Stopped,
    run_chain,
)
from local.engine.store import REDRIVABLE, Store, decode_resume

DEFAULT_STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Analysis"
ROLE_ARN = "arn:aws:iam::123456789012:role/local-engine"
# The error of an execution aborted because the process running it stopped.
ENGINE_STOPPED = "Local.EngineStopped"
WAIT_POLL_SECONDS = 0.05
StatusListener = Callable[[dict[str, Any]], None]


@dataclass
class Execution:
    """An execution this process is running (the store has the rest)."""

    arn: str
    name: str
    input: Any
    start_date: datetime
    history: History
    redrive_count: int = 0
    redrive_date: datetime | None = None
    # What a stop request asked for, reported when the execution aborts.
    error: str | None = None
    cause: str | None = None
    cancel: Cancel = field(default_factory=Cancel)
    finished: threading.Event = field(default_factory=threading.Event)


class Engine:
    """Runs one state machine's executions, kept in `store`. `invoke(function_name, payload)`
    stands in for Lambda: it returns the function's result or raises `LambdaError`. `sleep`
    waits between retries, `random` draws the full jitter, `clock` (seconds) measures the
    execution timeout, `now` dates events, and `time_scale` shrinks task timeouts (tests).

    Executions left running by a process that has gone are aborted by `abort_orphans()`, so they
    can be redriven: its owner calls it once whatever listens to status changes can act on them
    (job-events reads the history through the endpoint that serves this engine)."""

    def __init__(
        self,
        definition: str | dict[str, Any],
        invoke: Invoke,
        store: Store,
        *,
        state_machine_arn: str = DEFAULT_STATE_MACHINE_ARN,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        time_scale: float = 1.0,
        on_status_change: StatusListener | None = None,
    ) -> None:
        self.definition = load_definition(definition)
        self.store = store
        self.state_machine_arn = state_machine_arn
        self._invoke, self._sleep, self._random = invoke, sleep, random
        self._clock, self._now, self._time_scale = clock, now, time_scale
        self._on_status_change = on_status_change
        self._running: dict[str, Execution] = {}
        self._lock = threading.Lock()

    def start_execution(self, input: Any = None, name: str | None = None) -> str:
        """Start an execution in a thread of its own; its ARN."""
        name = name or str(uuid.uuid4())
        prefix, _, machine = self.state_machine_arn.rpartition(":stateMachine:")
        arn = f"{prefix}:execution:{machine}:{name}"
        start = self._now()
        self.store.create(arn, self.state_machine_arn, name, input, start)
        execution = Execution(arn, name, input, start, History(self.store, arn, self._now, 0))
        execution.history.add(
            "ExecutionStarted",
            0,
            {
                "input": json.dumps(input),
                "inputDetails": {"truncated": False},
                "roleArn": ROLE_ARN,
                "stateMachineArn": self.state_machine_arn,
            },
        )
        self._launch(execution, None)
        return arn

    def redrive_execution(self, arn: str) -> datetime:
        """Resume a failed, timed out or aborted execution where it stopped, in this process;
        the redrive date."""
        redrive_date = self._now()
        row = self.store.claim_redrive(arn, redrive_date)
        history = History(self.store, arn, self._now, self.store.last_event_id(arn))
        execution = Execution(
            arn,
            row["name"],
            row["input"],
            row["start_date"],
            history,
            redrive_count=row["redrive_count"] + 1,
            redrive_date=redrive_date,
        )
        history.add("ExecutionRedriven", history.last_id, {"redriveCount": execution.redrive_count})
        self._launch(execution, decode_resume(row["resume"]))
        return redrive_date

    def stop_execution(self, arn: str, error: str | None = None, cause: str | None = None) -> None:
        """Abort a running execution: each line stops before its next state."""
        with self._lock:
            execution = self._running.get(arn)
        if execution is not None:
            execution.error, execution.cause = error, cause
            execution.cancel.set()
            return
        row = self.store.get(arn)
        if row["status"] == "RUNNING":
            raise ExecutionRunsElsewhere(
                f"Execution {arn} runs in process {row['owner']}: stop it through the endpoint"
                " of that process (`alex dev`), or stop that process and redrive it"
            )

    def close(self, timeout: float) -> None:
        """Abort the executions this process runs, waiting up to `timeout` seconds in all for
        them to stop and for the invocations they abandoned to finish; executions still running
        then are aborted by the next engine to start."""
        with self._lock:
            running = list(self._running.values())
        for execution in running:
            execution.error = ENGINE_STOPPED
            execution.cause = "The local engine running it was stopped: redrive it to go on"
            execution.cancel.set()
        deadline = time.monotonic() + timeout
        for execution in running:
            execution.finished.wait(max(0.0, deadline - time.monotonic()))
        for invocation in list(ABANDONED):
            invocation.join(max(0.0, deadline - time.monotonic()))
            ABANDONED.discard(invocation)

    def wait(self, arn: str, timeout: float | None = None) -> dict[str, Any]:
        """Block until the execution is no longer running; its description."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            execution = self._running.get(arn)
        if execution is not None and not execution.finished.wait(timeout):
            raise TimeoutError(f"{arn} is still running")
        # Run by another process (or just ended here): its row says when it is over.
        while (description := self.describe_execution(arn))["status"] == "RUNNING":
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"{arn} is still running")
            time.sleep(WAIT_POLL_SECONDS)
        return description

    def describe_execution(self, arn: str) -> dict[str, Any]:
        return self._describe(self.store.get(arn))

    def get_execution_history(self, arn: str, reverse_order: bool = False) -> list[dict[str, Any]]:
        self.store.get(arn)
        events = self.store.events(arn)
        return events[::-1] if reverse_order else events

    def list_executions(self) -> list[dict[str, Any]]:
        """The executions of this state machine, in the order they started."""
        return [self._describe(row) for row in self.store.executions(self.state_machine_arn)]

    def _describe(self, row: dict[str, Any]) -> dict[str, Any]:
        status = row["status"]
        description: dict[str, Any] = {
            "executionArn": row["arn"],
            "stateMachineArn": row["state_machine_arn"],
            "name": row["name"],
            "status": status,
            "startDate": row["start_date"],
            "input": json.dumps(row["input"]),
            "inputDetails": {"included": True},
            "redriveCount": row["redrive_count"],
        }
        optional = {
            "stopDate": row["stop_date"],
            "output": None if status != "SUCCEEDED" else json.dumps(row["output"]),
            "error": row["error"],
            "cause": row["cause"],
            "redriveDate": row["redrive_date"],
        }
        description.update({k: v for k, v in optional.items() if v is not None})
        if status != "RUNNING":
            redrivable = status in REDRIVABLE and row["resume"] is not None
            description["redriveStatus"] = "REDRIVABLE" if redrivable else "NOT_REDRIVABLE"
            if not redrivable:
                description["redriveStatusReason"] = f"Execution is {status}"
        return description

    def _launch(self, execution: Execution, resume: Resume | None) -> None:
        with self._lock:
            self._running[execution.arn] = execution
        self._notify(execution.arn)
        worker = threading.Thread(
            target=self._run, args=(execution, resume), name=execution.name, daemon=True
        )
        worker.start()

    def _run(self, execution: Execution, resume: Resume | None) -> None:
        timeout = self.definition.get("TimeoutSeconds")
        start = self._clock()
        run = Run(
            history=execution.history,
            invoke=self._invoke,
            sleep=self._sleep,
            random=self._random,
            clock=self._clock,
            deadline=None if timeout is None else start + timeout,
            time_scale=self._time_scale,
            execution=self._context(execution),
            cancel=execution.cancel,
        )
        line = Line(
            run,
            execution.history.last_id,
            execution.cancel,
            {},
            {},
            checkpoint=lambda snapshot: self.store.checkpoint(execution.arn, snapshot),
        )
        try:
            output = run_chain(self.definition, execution.input, line, resume)
        except Stopped as stop:
            self._stopped(execution, stop)
        except Exception as error:  # a bug of the engine: fail the execution, visibly
            details = {"error": "States.Runtime", "cause": repr(error)}
            execution.history.add("ExecutionFailed", execution.history.last_id, details)
            self._end(execution, "FAILED", error="States.Runtime", cause=repr(error))
        else:
            execution.history.add(
                "ExecutionSucceeded",
                line.previous,
                {"output": json.dumps(output), "outputDetails": {"truncated": False}},
            )
            self._end(execution, "SUCCEEDED", output=output)

    def _stopped(self, execution: Execution, stop: Stopped) -> None:
        last = execution.history.last_id
        if stop.aborted and stop.error == "States.Timeout":
            cause = "The execution ran past its TimeoutSeconds"
            details = {"error": "States.Timeout", "cause": cause}
            execution.history.add("ExecutionTimedOut", last, details)
            self._end(
                execution, "TIMED_OUT", error="States.Timeout", cause=cause, resume=stop.resume
            )
        elif stop.aborted:
            details = {
                k: v for k, v in (("error", execution.error), ("cause", execution.cause)) if v
            }
            execution.history.add("ExecutionAborted", last, details)
            self._end(
                execution,
                "ABORTED",
                error=execution.error,
                cause=execution.cause,
                resume=stop.resume,
            )
        else:
            # A Fail state without Error (or Cause) leaves it out, as AWS does.
            details = {k: v for k, v in (("error", stop.error), ("cause", stop.cause)) if v}
            execution.history.add("ExecutionFailed", last, details)
            self._end(execution, "FAILED", error=stop.error, cause=stop.cause, resume=stop.resume)

    def _end(
        self,
        execution: Execution,
        status: str,
        *,
        output: Any = None,
        error: str | None = None,
        cause: str | None = None,
        resume: Resume | None = None,
    ) -> None:
        self.store.end(
            execution.arn,
            status,
            self._now(),
            output=output,
            error=error,
            cause=cause,
            resume=resume,
        )
        with self._lock:
            del self._running[execution.arn]
        self._notify(execution.arn)
        execution.finished.set()

    def abort_orphans(self) -> list[str]:
        """Abort this state machine's executions whose process has gone, resumable where
        that process last recorded being; their ARNs."""
        aborted = []
        for row in self.store.orphans(self.state_machine_arn):
            resume = None if row["resume"] is None else decode_resume(row["resume"])
            where = f' at "{resume.state}"' if resume else ""
            cause = (
                f"The local engine running it (process {row['owner']}) stopped: redrive it to"
                f" resume{where}"
            )
            arn = row["arn"]
            if self.store.end(
                arn, "ABORTED", self._now(), error=ENGINE_STOPPED, cause=cause, resume=resume
            ):
                history = History(self.store, arn, self._now, self.store.last_event_id(arn))
                history.add(
                    "ExecutionAborted", history.last_id, {"error": ENGINE_STOPPED, "cause": cause}
                )
                self._notify(arn)
                aborted.append(arn)
        return aborted

    def _context(self, execution: Execution) -> dict[str, Any]:
        """`$states.context` of this run, without the parts each state adds (State, Map)."""
        machine = self.state_machine_arn.rpartition(":")[2]
        return {
            "Execution": {
                "Id": execution.arn,
                "Name": execution.name,
                "Input": execution.input,
                "StartTime": _iso(execution.start_date),
                "RoleArn": ROLE_ARN,
                "RedriveCount": execution.redrive_count,
                **({"RedriveTime": _iso(execution.redrive_date)} if execution.redrive_date else {}),
            },
            "StateMachine": {"Id": self.state_machine_arn, "Name": machine},
        }

    def _notify(self, arn: str) -> None:
        """EventBridge's "Step Functions Execution Status Change" for the execution's status."""
        if self._on_status_change is None:
            return
        description = self.describe_execution(arn)
        detail = {
            key: value
            for key, value in description.items()
            if key not in ("inputDetails", "redriveStatus", "redriveStatusReason", "redriveDate")
        }
        for key in ("startDate", "stopDate"):
            if key in detail:
                detail[key] = int(detail[key].timestamp() * 1000)
        self._on_status_change(
            {
                "version": "0",
                "id": str(uuid.uuid4()),
                "detail-type": "Step Functions Execution Status Change",
                "source": "aws.states",
                "account": "123456789012",
                "time": _iso(self._now()),
                "region": "us-east-1",
                "resources": [arn],
                "detail": detail,
            }
        )


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
