"""Running the states of a checked definition: one line of control per execution, Map iteration
and Parallel branch, each able to stop and be resumed later where it stopped (redrive).

A line that fails leaves a `Resume`: the state to enter again, its input, the line's own
variables, and for a Map or Parallel what each iteration or branch had done, so a redrive re-runs
only what did not succeed.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

from local.engine.errors import LambdaError
from local.engine.expressions import QueryEvaluationError, evaluate, unexpected_type
from local.engine.history import History

Invoke = Callable[[str, Any], Any]

# States.ALL matches every error but these (AWS: they cannot be retried or caught).
UNCATCHABLE = frozenset({"States.Runtime", "States.DataLimitExceeded"})
LAMBDA = {"resourceType": "lambda", "resource": "invoke"}
EVALUATION_ERROR = "States.QueryEvaluationError"
# How often a task waiting for its function looks whether it must stop waiting.
WATCH_SECONDS = 0.02
ABANDONED: set[threading.Thread] = set()
"""Invocations no execution waits for any more (aborted, timed out), still running: the engine
lets them finish as it closes (Engine.close), as a Lambda runs on after Step Functions stops
waiting, rather than have the process's exit break them half-way."""


@dataclass
class Done:
    """An iteration or branch that succeeded: its output is kept across a redrive."""

    output: Any


@dataclass
class Resume:
    state: str
    input: Any
    variables: dict[str, Any]
    children: dict[int, Done | Resume] = field(default_factory=dict)


class Stopped(Exception):
    """A line of control stopped: failed (error, cause) or aborted, resumable at `resume`.
    A Fail state without Error or Cause leaves them None, as AWS reports none."""

    def __init__(
        self, error: str | None, cause: str | None, resume: Resume, *, aborted: bool = False
    ) -> None:
        super().__init__(f"{error}: {cause}")
        self.error, self.cause, self.resume, self.aborted = error, cause, resume, aborted


class StateError(Exception):
    """A state's attempt failed; Retry and Catch look at `error`. `children` is what a Map's
    iterations or a Parallel's branches had done, kept in case the state is not retried."""

    def __init__(
        self,
        error: str | None,
        cause: str | None,
        children: dict[int, Done | Resume] | None = None,
        *,
        aborted: bool = False,
    ) -> None:
        super().__init__(f"{error}: {cause}")
        self.error, self.cause, self.children = error, cause, children or {}
        self.aborted = aborted


class Cancel:
    """Set when a line must stop at its next state: a sibling failed, or the execution was
    stopped or ran out of time. A child is cancelled with its parent."""

    def __init__(self, parent: Cancel | None = None) -> None:
        self._event = threading.Event()
        self._parent = parent
        self.reason = "States.Aborted"

    def set(self, reason: str = "States.Aborted") -> None:
        self.reason = reason
        self._event.set()

    def why(self) -> str | None:
        if self._event.is_set():
            return self.reason
        return self._parent.why() if self._parent else None


@dataclass
class Run:
    """What every line of one run of an execution shares."""

    history: History
    invoke: Invoke
    sleep: Callable[[float], None]
    random: Callable[[], float]
    clock: Callable[[], float]
    deadline: float | None
    time_scale: float
    execution: dict[str, Any]
    cancel: Cancel


@dataclass
class Line:
    """One line of control: the chain of states it runs, its variables and its last event."""

    run: Run
    previous: int
    cancel: Cancel
    variables: dict[str, Any]
    outer: Mapping[str, Any]
    # The execution's own line records where it is, so a redrive can resume there even after
    # the process running it stopped.
    checkpoint: Callable[[Resume], None] | None = None
    # "Parallel" or "Map" for a branch or an iteration: AWS logs some events only there.
    within: str | None = None
    # The id of the entered event of the state being run, which AWS's evaluation errors cite.
    entered: int = 0

    def visible(self) -> dict[str, Any]:
        return {**self.outer, **self.variables}

    def child(self, previous: int, cancel: Cancel, within: str) -> Line:
        return Line(
            self.run, previous, cancel, {}, self.visible(), within=within, entered=self.entered
        )

    def event(self, kind: str, details: dict[str, Any] | None = None) -> int:
        self.previous = self.run.history.add(kind, self.previous, details)
        return self.previous


def run_chain(chain: dict[str, Any], value: Any, line: Line, resume: Resume | None = None) -> Any:
    """Run the chain's states from StartAt (or from `resume`) to its end; the last output."""
    states: dict[str, Any] = chain["States"]
    name: str = chain["StartAt"]
    children: dict[int, Done | Resume] = {}
    if resume is not None:
        name, value, children = resume.state, resume.input, resume.children
        line.variables = dict(resume.variables)
    while True:
        snapshot = Resume(name, value, dict(line.variables), children)
        if line.checkpoint is not None:
            line.checkpoint(snapshot)
        reason = _cancelled(line)
        if reason is not None:
            raise Stopped(reason, "The execution stopped before this state", snapshot, aborted=True)
        try:
            value, following = _run_state(name, states[name], value, line, children)
        except StateError as error:
            snapshot.children = error.children
            raise Stopped(error.error, error.cause, snapshot, aborted=error.aborted) from error
        if following is None:
            return value
        name, children = following, {}


def _cancelled(line: Line) -> str | None:
    run = line.run
    if run.deadline is not None and run.clock() >= run.deadline:
        run.cancel.set("States.Timeout")
    return line.cancel.why()


def _run_state(
    name: str, state: dict[str, Any], value: Any, line: Line, children: dict[int, Done | Resume]
) -> tuple[Any, str | None]:
    """The state's output and the next state's name (None where the chain ends)."""
    kind: str = state["Type"]
    line.entered = line.event(f"{kind}StateEntered", {"name": name, "input": _json(value)})
    states = _states(line, name, value)
    if kind == "Fail":
        error, cause = (
            None if field not in state else str(_evaluate(state[field], states, line, name, field))
            for field in ("Error", "Cause")
        )
        raise StateError(error, cause)
    if kind == "Choice":
        return _choose(name, state, value, line)
    if kind in ("Pass", "Succeed"):
        return _finish(name, state, value, line, states, default=value)
    attempt = {"Task": _task, "Map": _map, "Parallel": _parallel}[kind]
    retries = [0] * len(state.get("Retry", []))
    while True:
        try:
            result = attempt(name, state, value, line, children)
            break
        except StateError as error:
            if error.aborted:
                raise
            children = {}
            delay = _retry_delay(state, retries, error.error, line)
            if delay is not None:
                line.run.sleep(delay)
                continue
            # AWS logs a Map's or a Parallel's failure once, after its last attempt; and a task
            # that fails a branch of a Parallel is aborted with the branch.
            if kind != "Task":
                line.event(f"{kind}StateFailed")
            caught = _catch(name, state, value, line, error)
            if caught is None:
                if kind == "Task" and line.within == "Parallel":
                    line.event("TaskStateAborted")
                raise
            return caught
    return _finish(name, state, value, line, {**states, "result": result}, default=result)


def _finish(
    name: str,
    state: dict[str, Any],
    value: Any,
    line: Line,
    states: dict[str, Any],
    *,
    default: Any,
    next_state: str | None = None,
) -> tuple[Any, str | None]:
    """Evaluate the state's Output and Assign (both see the variables as they were before the
    state), then assign, then leave; the output and the next state."""
    output = (
        _evaluate(state["Output"], states, line, name, "Output") if "Output" in state else default
    )
    assigned = _evaluate(state.get("Assign", {}), states, line, name, "Assign")
    line.variables.update(assigned)
    line.event(f"{state['Type']}StateExited", {"name": name, "output": _json(output)})
    return output, next_state if next_state is not None else state.get("Next")


def _choose(name: str, state: dict[str, Any], value: Any, line: Line) -> tuple[Any, str | None]:
    states = _states(line, name, value)
    for rule in state.get("Choices", []):
        if _evaluate(rule["Condition"], states, line, name, "Condition") is True:
            merged = {**state, **{k: rule[k] for k in ("Output", "Assign") if k in rule}}
            return _finish(
                name, merged, value, line, states, default=value, next_state=rule["Next"]
            )
    if "Default" not in state:
        raise StateError("States.NoChoiceMatched", f'No Choice rule of "{name}" matched')
    return _finish(name, state, value, line, states, default=value, next_state=state["Default"])


def _task(
    name: str, state: dict[str, Any], value: Any, line: Line, children: dict[int, Done | Resume]
) -> Any:
    states = _states(line, name, value)
    arguments = _evaluate(state["Arguments"], states, line, name, "Arguments")
    if not (isinstance(arguments, dict) and isinstance(arguments.get("FunctionName"), str)):
        raise _evaluation_failed(
            line,
            name,
            QueryEvaluationError(
                f"Arguments must be an object naming the FunctionName, but was {_json(arguments)}",
                "Arguments",
            ),
        )
    timeout = _whole_number(state, "TimeoutSeconds", states, line, name)
    line.event(
        "TaskScheduled",
        {
            **LAMBDA,
            "region": "us-east-1",
            "parameters": _json(arguments),
            "timeoutInSeconds": timeout,
        },
    )
    line.event("TaskStarted", dict(LAMBDA))
    try:
        payload = _invoke(line, arguments, timeout)
    except TimeoutError:
        cause = f"The task did not finish within {timeout} seconds"
        line.event("TaskTimedOut", {**LAMBDA, "error": "States.Timeout", "cause": cause})
        raise StateError("States.Timeout", cause) from None
    except LambdaError as error:
        line.event("TaskFailed", {**LAMBDA, "error": error.error_type, "cause": error.cause})
        raise StateError(error.error_type, error.cause) from error
    except Aborted as aborted:
        # AWS stops waiting for the function; whatever it returns later is discarded, and a
        # redrive runs this state again.
        line.event("TaskStateAborted")
        raise StateError(aborted.reason, "Aborted while the task ran", aborted=True) from None
    result = _lambda_result(payload)
    line.event("TaskSucceeded", {**LAMBDA, "output": _json(result)})
    return result


class Aborted(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _invoke(line: Line, arguments: dict[str, Any], timeout: int | None) -> Any:
    """The function's result, waited for in a thread at most `timeout` seconds (scaled), and
    only while the line is not cancelled (`Aborted`)."""
    run = line.run
    outcome: dict[str, Any] = {}

    def call() -> None:
        try:
            outcome["result"] = run.invoke(arguments["FunctionName"], arguments.get("Payload"))
        except LambdaError as error:
            outcome["error"] = error
        except Exception as error:  # a crash outside the handler, as Lambda reports it
            outcome["error"] = LambdaError("Lambda.Unknown", f"{type(error).__name__}: {error}")

    # A daemon thread: a call that is abandoned (timed out, aborted) cannot be killed, so it
    # may run on, unwatched, as a Lambda invocation does after Step Functions stops waiting.
    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    limit = None if timeout is None else run.clock() + timeout * run.time_scale
    while worker.is_alive():
        reason = _cancelled(line)
        if reason is not None:
            ABANDONED.add(worker)
            raise Aborted(reason)
        if limit is not None and run.clock() >= limit:
            ABANDONED.add(worker)
            raise TimeoutError
        worker.join(WATCH_SECONDS)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def _lambda_result(payload: Any) -> dict[str, Any]:
    """`$states.result` of a lambda:invoke task, in the shape AWS gives it (the SDK's response
    with its HTTP metadata); only the values of the headers are local."""
    request_id = str(uuid.uuid4())
    length = str(len(_json(payload)))
    date = formatdate(usegmt=True)
    headers = {
        "Connection": "keep-alive",
        "Content-Length": length,
        "Content-Type": "application/json",
        "Date": date,
        "X-Amz-Executed-Version": "$LATEST",
        "x-amzn-Remapped-Content-Length": "0",
        "x-amzn-RequestId": request_id,
    }
    return {
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {key: [value] for key, value in headers.items()},
            "HttpHeaders": headers,
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200,
    }


def _map(
    name: str, state: dict[str, Any], value: Any, line: Line, children: dict[int, Done | Resume]
) -> Any:
    states = _states(line, name, value)
    if "Items" in state:
        items = _evaluate(state["Items"], states, line, name, "Items")
        if not isinstance(items, list):
            text = str(state["Items"])[2:-2].strip()
            raise _evaluation_failed(line, name, unexpected_type(text, "Items", "array", items))
    elif isinstance(value, list):
        items = value
    else:
        error = QueryEvaluationError(
            f"Map state input must be an array but was: {_json(value)}", None
        )
        raise _evaluation_failed(line, name, error)
    limit = _whole_number(state, "MaxConcurrency", states, line, name) or 0
    line.event("MapStateStarted", {"length": len(items)})

    def iteration(index: int, child: Line) -> Any:
        prior = children.get(index)
        child.event("MapIterationStarted", {"name": name, "index": index})
        if isinstance(prior, Resume):
            return run_chain(state["ItemProcessor"], None, child, prior)
        item_states = {**states, "context": {**states["context"], "Map": _item(index, items)}}
        selector = state.get("ItemSelector")
        if selector is None:
            item = items[index]
        else:
            item = _evaluate(selector, item_states, child, name, "ItemSelector")
        return run_chain(state["ItemProcessor"], item, child)

    return _fan_out(name, "Map", len(items), iteration, line, children, limit)


def _parallel(
    name: str, state: dict[str, Any], value: Any, line: Line, children: dict[int, Done | Resume]
) -> Any:
    branches: list[dict[str, Any]] = state["Branches"]
    line.event("ParallelStateStarted")

    def branch(index: int, child: Line) -> Any:
        prior = children.get(index)
        return run_chain(
            branches[index], value, child, prior if isinstance(prior, Resume) else None
        )

    return _fan_out(name, "Parallel", len(branches), branch, line, children, 0)


def _fan_out(
    name: str,
    kind: str,
    count: int,
    body: Callable[[int, Line], Any],
    line: Line,
    children: dict[int, Done | Resume],
    limit: int,
) -> list[Any]:
    """Run `count` iterations or branches in threads (at most `limit` at once, 0 for no limit),
    keeping the outputs of those done before; on the first failure the others are aborted (a
    task in flight at once, the rest at their next state), and the state fails with that
    failure's error. What failed or was aborted is kept as a `Resume`, for a redrive."""
    cancel = Cancel(line.cancel)
    started = line.previous
    outcomes: dict[int, Done | Resume] = {
        index: prior for index, prior in children.items() if isinstance(prior, Done)
    }
    failures: list[Stopped] = []
    lock = threading.Lock()

    def one(index: int) -> None:
        if cancel.why() is not None:
            return  # never started: a redrive runs it from the beginning
        child = line.child(started, cancel, kind)
        try:
            output = body(index, child)
        except Stopped as stop:
            with lock:
                outcomes[index] = stop.resume
                if not stop.aborted:
                    failures.append(stop)
                    cancel.set()
            if kind == "Map":
                child.event(
                    "MapIterationAborted" if stop.aborted else "MapIterationFailed",
                    {"name": name, "index": index},
                )
            return
        with lock:
            outcomes[index] = Done(output)
        if kind == "Map":
            child.event("MapIterationSucceeded", {"name": name, "index": index})

    pending = [index for index in range(count) if index not in outcomes]
    if pending:
        workers = min(limit or len(pending), len(pending))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"{kind} {name}") as pool:
            for done in [pool.submit(one, index) for index in pending]:
                done.result()
    line.previous = line.run.history.last_id
    if failures:
        # The state's failure event follows in _run_state, once no retry is left.
        first = failures[0]
        raise StateError(first.error, first.cause, outcomes)
    if len(outcomes) < count or any(isinstance(o, Resume) for o in outcomes.values()):
        line.event(f"{kind}StateAborted")
        error = line.cancel.why() or "States.Aborted"
        raise StateError(error, f'"{name}" was stopped', outcomes, aborted=True)
    line.event(f"{kind}StateSucceeded")
    return [outcome.output for _, outcome in sorted(outcomes.items()) if isinstance(outcome, Done)]


def _item(index: int, items: list[Any]) -> dict[str, Any]:
    return {"Item": {"Index": index, "Value": items[index]}}


def _whole_number(
    state: dict[str, Any], field: str, states: dict[str, Any], line: Line, name: str
) -> int | None:
    """A field of seconds or items, given as a number or a JSONata expression."""
    if field not in state:
        return None
    value = _evaluate(state[field], states, line, name, field)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        text = str(state[field])[2:-2].strip()
        raise _evaluation_failed(line, name, unexpected_type(text, field, "integer", value))
    return int(value)


def _retry_delay(
    state: dict[str, Any], retries: list[int], error: str | None, line: Line
) -> float | None:
    """Seconds to wait before the next attempt, or None when no retrier has attempts left.

    The first retrier that matches the error decides, even when its attempts are spent."""
    if line.cancel.why() is not None:
        return None
    for position, retrier in enumerate(state.get("Retry", [])):
        if not _matches(retrier["ErrorEquals"], error):
            continue
        attempt = retries[position]
        if attempt >= retrier.get("MaxAttempts", 3):
            return None
        retries[position] += 1
        delay = (
            float(retrier.get("IntervalSeconds", 1)) * retrier.get("BackoffRate", 2.0) ** attempt
        )
        if "MaxDelaySeconds" in retrier:
            delay = min(delay, float(retrier["MaxDelaySeconds"]))
        if retrier.get("JitterStrategy") == "FULL":
            delay *= line.run.random()
        return float(delay)
    return None


def _catch(
    name: str, state: dict[str, Any], value: Any, line: Line, error: StateError
) -> tuple[Any, str | None] | None:
    for catcher in state.get("Catch", []):
        if _matches(catcher["ErrorEquals"], error.error):
            error_output = {
                key: text for key, text in (("Error", error.error), ("Cause", error.cause)) if text
            }
            states = {**_states(line, name, value), "errorOutput": error_output}
            # The state's own Output and Assign give way to the catcher's.
            merged = {"Type": state["Type"]}
            merged.update({k: catcher[k] for k in ("Output", "Assign") if k in catcher})
            return _finish(
                name, merged, value, line, states, default=error_output, next_state=catcher["Next"]
            )
    return None


def _matches(names: list[str], error: str | None) -> bool:
    if error in names:
        return True
    if "States.ALL" in names and error not in UNCATCHABLE:
        return True
    return "States.TaskFailed" in names and error not in UNCATCHABLE | {"States.Timeout"}


def _states(line: Line, name: str, value: Any) -> dict[str, Any]:
    context = {**line.run.execution, "State": {"Name": name}}
    return {"input": value, "context": context}


def _evaluate(template: Any, states: dict[str, Any], line: Line, name: str, field: str) -> Any:
    try:
        return evaluate(template, states, line.visible(), field)
    except QueryEvaluationError as error:
        raise _evaluation_failed(line, name, error) from error


def _evaluation_failed(line: Line, name: str, error: QueryEvaluationError) -> StateError:
    """Record AWS's `EvaluationFailed` for the state; the error that fails it."""
    cause = (
        f"An error occurred while executing the state '{name}' (entered at the event id"
        f" #{line.entered}). {error}"
    )
    details = {"error": EVALUATION_ERROR, "cause": cause, "state": name}
    if error.location is not None:
        details["location"] = error.location
    line.event("EvaluationFailed", details)
    return StateError(EVALUATION_ERROR, cause)


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
