"""Fault injection for local runs: ALEX_FAULTS makes named functions fail, so retries, failed
executions and redrive can be shown and tested on one machine (syntax: runtime/faults.py).
"""

import logging
import threading
from collections import Counter
from typing import Any

from local.engine import LambdaError
from local.invoker import LocalLambda
from runtime.faults import ERROR_OF_KIND, Fault, parse_faults
from runtime.handlers import database
from runtime.steps import record_failed_call
from shared.errors import InvalidInput
from shared.settings import get_settings
from state_machines.steps import STEP_OF_FUNCTION

log = logging.getLogger("alex.faults")


class FaultyLambda:
    """`LocalLambda` with faults: a faulty function's call fails before its handler runs."""

    def __init__(self, functions: LocalLambda, faults: dict[str, Fault]) -> None:
        known = {functions.folder(name) for name in functions.handlers}
        unknown = sorted(set(faults) - known)
        if unknown:
            raise InvalidInput(
                f"ALEX_FAULTS names {', '.join(unknown)}, not functions of the workflow"
                f" ({', '.join(sorted(known))})",
                field="ALEX_FAULTS",
            )
        self.functions, self.faults = functions, faults
        self._calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, function_name: str, payload: Any) -> Any:
        fault = self.faults.get(self.functions.folder(function_name))
        if fault is not None:
            with self._lock:
                self._calls[fault.function] += 1
                call = self._calls[fault.function]
            if fault.times is None or call <= fault.times:
                error = LambdaError(
                    ERROR_OF_KIND[fault.kind],
                    f"{fault.function} call {call}: fault injected by ALEX_FAULTS={fault.kind}",
                )
                # As the deployed handler does for its injected faults (runtime/handlers.py).
                step = STEP_OF_FUNCTION.get(fault.function)
                if step is not None:
                    record_failed_call(database, payload, step, error)
                raise error
        return self.functions(function_name, payload)


def with_faults(functions: LocalLambda, spec: str | None = None) -> LocalLambda | FaultyLambda:
    """`functions` with the faults of `spec` (default: ALEX_FAULTS) in local mode; as they are
    elsewhere, where the faults are ignored, and a log line says so."""
    spec = get_settings().faults if spec is None else spec
    if not spec.strip():
        return functions
    if get_settings().environment != "local":
        log.warning("ALEX_FAULTS=%r ignored: faults are injected only when ALEX_ENV=local", spec)
        return functions
    faults = parse_faults(spec)
    log.warning("injecting faults: %s", spec)
    return FaultyLambda(functions, faults)
