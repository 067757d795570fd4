"""The local Step Functions engine: start, describe, stop and redrive executions of one checked
definition, in this process, with each execution's history in Step Functions' shapes."""

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
from local.engine.errors import (
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    ExecutionNotRedrivable,
)
from local.engine.history import History
from local.engine.interpreter import Cancel, Invoke, Line, Resume, Run, Stopped, run_chain

DEFAULT_STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:Analysis"
REDRIVABLE = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})
StatusListener = Callable[[dict[str, Any]], None]


@dataclass
class Execution:
    arn: str
    name: str
    input: Any
    start_date: datetime
    history: History
    status: str = "RUNNING"
    stop_date: datetime | None = None
    output: Any = None
    error: str | None = None
    cause: str | None = None
    redrive_count: int = 0
    redrive_date: datetime | None = None
    resume: Resume | None = None
    cancel: Cancel = field(default_factory=Cancel)
    finished: threading.Event = field(default_factory=threading.Event)


class Engine:
    """Runs one state machine. `invoke(function_name, payload)` stands in for Lambda: it returns
    the function's result or raises `LambdaError`. `sleep` waits between retries, `random`
    draws the full jitter, `clock` (seconds) measures the execution timeout, `now` dates events,
    and `time_scale` shrinks task timeouts (tests)."""

    def __init__(
        self,
        definition: str | dict[str, Any],
        invoke: Invoke,
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
        self.state_machine_arn = state_machine_arn
        self._invoke, self._sleep, self._random = invoke, sleep, random
        self._clock, self._now, self._time_scale = clock, now, time_scale
        self._on_status_change = on_status_change
        self._executions: dict[str, Execution] = {}
        self._lock = threading.Lock()

    def start_execution(self, input: Any = None, name: str | None = None) -> str:
        """Start an execution in a thread of its own; its ARN."""
        name = name or str(uuid.uuid4())
        prefix, _, machine = self.state_machine_arn.rpartition(":stateMachine:")
        arn = f"{prefix}:execution:{machine}:{name}"
        with self._lock:
            if arn in self._executions:
                raise ExecutionAlreadyExists(f"Execution Already Exists: '{arn}'")
            execution = Execution(arn, name, input, self._now(), History(self._now))
            self._executions[arn] = execution
        execution.history.add(
            "ExecutionStarted",
            0,
            {
                "input": json.dumps(input),
                "inputDetails": {"truncated": False},
                "roleArn": "arn:aws:iam::123456789012:role/local-engine",
                "stateMachineArn": self.state_machine_arn,
            },
        )
        self._launch(execution, None)
        return arn

    def redrive_execution(self, arn: str) -> datetime:
        """Resume a failed, timed out or aborted execution where it stopped; the redrive date."""
        execution = self._get(arn)
        with self._lock:
            if execution.status not in REDRIVABLE or execution.resume is None:
                raise ExecutionNotRedrivable(
                    f"Execution {arn} is {execution.status}: only FAILED, TIMED_OUT or ABORTED"
                    " executions can be redriven"
                )
            execution.redrive_count += 1
            execution.redrive_date = self._now()
            execution.status, execution.stop_date = "RUNNING", None
            execution.error = execution.cause = None
            execution.cancel = Cancel()
            execution.finished = threading.Event()
        resume, execution.resume = execution.resume, None
        execution.history.add(
            "ExecutionRedriven",
            execution.history.last_id,
            {"redriveCount": execution.redrive_count},
        )
        self._launch(execution, resume)
        return execution.redrive_date

    def stop_execution(self, arn: str, error: str | None = None, cause: str | None = None) -> None:
        """Abort a running execution: each line stops before its next state."""
        execution = self._get(arn)
        if execution.status == "RUNNING":
            execution.error, execution.cause = error, cause
            execution.cancel.set()

    def wait(self, arn: str, timeout: float | None = None) -> dict[str, Any]:
        """Block until the execution is no longer running; its description."""
        execution = self._get(arn)
        if not execution.finished.wait(timeout):
            raise TimeoutError(f"{arn} is still running")
        return self.describe_execution(arn)

    def describe_execution(self, arn: str) -> dict[str, Any]:
        e = self._get(arn)
        description: dict[str, Any] = {
            "executionArn": e.arn,
            "stateMachineArn": self.state_machine_arn,
            "name": e.name,
            "status": e.status,
            "startDate": e.start_date,
            "input": json.dumps(e.input),
            "inputDetails": {"included": True},
            "redriveCount": e.redrive_count,
        }
        optional = {
            "stopDate": e.stop_date,
            "output": None if e.status != "SUCCEEDED" else json.dumps(e.output),
            "error": e.error,
            "cause": e.cause,
            "redriveDate": e.redrive_date,
        }
        description.update({k: v for k, v in optional.items() if v is not None})
        if e.status != "RUNNING":
            redrivable = e.status in REDRIVABLE and e.resume is not None
            description["redriveStatus"] = "REDRIVABLE" if redrivable else "NOT_REDRIVABLE"
            if not redrivable:
                description["redriveStatusReason"] = f"Execution is {e.status}"
        return description

    def get_execution_history(self, arn: str, reverse_order: bool = False) -> list[dict[str, Any]]:
        events = list(self._get(arn).history.events)
        return events[::-1] if reverse_order else events

    def list_executions(self) -> list[dict[str, Any]]:
        with self._lock:
            executions = list(self._executions)
        return [self.describe_execution(arn) for arn in executions]

    def _get(self, arn: str) -> Execution:
        with self._lock:
            execution = self._executions.get(arn)
        if execution is None:
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{arn}'")
        return execution

    def _launch(self, execution: Execution, resume: Resume | None) -> None:
        self._notify(execution)
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
        line = Line(run, execution.history.last_id, execution.cancel, {}, {})
        try:
            output = run_chain(self.definition, execution.input, line, resume)
        except Stopped as stop:
            self._stopped(execution, stop)
        except Exception as error:  # a bug of the engine: fail the execution, visibly
            execution.history.add(
                "ExecutionFailed",
                execution.history.last_id,
                {"error": "States.Runtime", "cause": repr(error)},
            )
            self._end(execution, "FAILED", error="States.Runtime", cause=repr(error))
        else:
            execution.output = output
            execution.history.add(
                "ExecutionSucceeded",
                line.previous,
                {"output": json.dumps(output), "outputDetails": {"truncated": False}},
            )
            self._end(execution, "SUCCEEDED")

    def _stopped(self, execution: Execution, stop: Stopped) -> None:
        execution.resume = stop.resume
        last = execution.history.last_id
        if stop.aborted and stop.error == "States.Timeout":
            cause = "The execution ran past its TimeoutSeconds"
            details = {"error": "States.Timeout", "cause": cause}
            execution.history.add("ExecutionTimedOut", last, details)
            self._end(execution, "TIMED_OUT", error="States.Timeout", cause=cause)
        elif stop.aborted:
            details = {
                k: v for k, v in (("error", execution.error), ("cause", execution.cause)) if v
            }
            execution.history.add("ExecutionAborted", last, details)
            self._end(execution, "ABORTED", error=execution.error, cause=execution.cause)
        else:
            execution.history.add(
                "ExecutionFailed", last, {"error": stop.error, "cause": stop.cause}
            )
            self._end(execution, "FAILED", error=stop.error, cause=stop.cause)

    def _end(
        self,
        execution: Execution,
        status: str,
        *,
        error: str | None = None,
        cause: str | None = None,
    ) -> None:
        execution.status, execution.stop_date = status, self._now()
        execution.error, execution.cause = error, cause
        self._notify(execution)
        execution.finished.set()

    def _context(self, execution: Execution) -> dict[str, Any]:
        """`$states.context` of this run, without the parts each state adds (State, Map)."""
        machine = self.state_machine_arn.rpartition(":")[2]
        return {
            "Execution": {
                "Id": execution.arn,
                "Name": execution.name,
                "Input": execution.input,
                "StartTime": _iso(execution.start_date),
                "RoleArn": "arn:aws:iam::123456789012:role/local-engine",
                "RedriveCount": execution.redrive_count,
                **({"RedriveTime": _iso(execution.redrive_date)} if execution.redrive_date else {}),
            },
            "StateMachine": {"Id": self.state_machine_arn, "Name": machine},
        }

    def _notify(self, execution: Execution) -> None:
        """EventBridge's "Step Functions Execution Status Change" for the execution's status."""
        if self._on_status_change is None:
            return
        description = self.describe_execution(execution.arn)
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
                "resources": [execution.arn],
                "detail": detail,
            }
        )


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
