"""What stands in for Lambda and time in the engine's tests: functions that record their calls
(and may fail or block on cue), a sleeper that only notes the delays, and a clock tests move."""

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from local.engine import Engine, LambdaError, Store

Handler = Callable[[Any], Any]

_stores: list[Store] = []


def use_store(current: Store) -> None:
    """Keep the engines of the test that starts now in `current` (conftest.py's fixture)."""
    _stores[:] = [current]


def store() -> Store:
    """Where the current test's engines keep their executions."""
    return _stores[0]


class Functions:
    """Lambda functions by name; an unknown name echoes its payload. Thread-safe counts."""

    def __init__(self, handlers: dict[str, Handler] | None = None) -> None:
        self.handlers = dict(handlers or {})
        self.calls: Counter[str] = Counter()
        self.payloads: list[tuple[str, Any]] = []
        self._lock = threading.Lock()

    def __call__(self, function_name: str, payload: Any) -> Any:
        with self._lock:
            self.calls[function_name] += 1
            self.payloads.append((function_name, payload))
        handler = self.handlers.get(function_name, lambda event: event)
        return handler(payload)


def fail_first(times: int, error: str, result: Any = None) -> Handler:
    """A handler that raises `error` on its first `times` calls, then returns `result`."""
    calls = Counter[str]()

    def handler(payload: Any) -> Any:
        calls["n"] += 1
        if calls["n"] <= times:
            raise LambdaError(error, f"failure {calls['n']}")
        return payload if result is None else result

    return handler


def always_fail(error: str, message: str = "it broke") -> Handler:
    def handler(payload: Any) -> Any:
        raise LambdaError(error, message)

    return handler


class Sleeper:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def task(function: str, **fields: Any) -> dict[str, Any]:
    """A Lambda task state passing its input to `function` and outputting the result."""
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": function, "Payload": "{% $states.input %}"},
        "Output": "{% $states.result.Payload %}",
        **({"End": True} if "Next" not in fields else {}),
        **fields,
    }


def machine(states: dict[str, Any], start: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "QueryLanguage": "JSONata",
        "StartAt": start or next(iter(states)),
        "States": states,
        **fields,
    }


def chain(states: dict[str, Any]) -> dict[str, Any]:
    """A Map's item processor or a Parallel's branch."""
    return {"StartAt": next(iter(states)), "States": states}


def run(
    definition: dict[str, Any],
    input: Any = None,
    functions: Functions | None = None,
    **options: Any,
) -> tuple[Engine, str, dict[str, Any]]:
    """Run the definition to its end; the engine, the execution's ARN and its description."""
    engine = Engine(
        definition, functions or Functions(), store(), **{"sleep": Sleeper(), **options}
    )
    # A test may run several: each its own name.
    arn = engine.start_execution(input, name=f"test-{uuid.uuid4().hex[:8]}")
    return engine, arn, engine.wait(arn, timeout=10)


def event_types(engine: Engine, arn: str) -> list[str]:
    return [event["type"] for event in engine.get_execution_history(arn)]
