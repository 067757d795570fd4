"""An execution's history: events in Step Functions' shapes, numbered in the order they happen.

Each line of control (the execution, a Map iteration, a Parallel branch) links its events through
`previousEventId`, so a failure can be followed back to the state it happened in.
"""

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any


class History:
    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []

    def add(self, kind: str, previous: int, details: dict[str, Any] | None = None) -> int:
        """Record an event of `kind` (its details under AWS's key for that kind); its id."""
        with self._lock:
            event: dict[str, Any] = {
                "timestamp": self._now(),
                "type": kind,
                "id": len(self.events) + 1,
                "previousEventId": previous,
            }
            if details is not None:
                event[details_key(kind)] = details
            self.events.append(event)
            return len(self.events)

    @property
    def last_id(self) -> int:
        with self._lock:
            return len(self.events)


def details_key(kind: str) -> str:
    """Where an event keeps its details: `TaskFailed` -> `taskFailedEventDetails`; a state's
    entry and exit share `stateEnteredEventDetails` and `stateExitedEventDetails`."""
    if kind.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if kind.endswith("StateExited"):
        return "stateExitedEventDetails"
    return f"{kind[0].lower()}{kind[1:]}EventDetails"
