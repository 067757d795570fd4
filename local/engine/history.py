"""An execution's history: events in Step Functions' shapes, numbered in the order they happen,
each written to the store as it happens.

Each line of control (the execution, a Map iteration, a Parallel branch) links its events through
`previousEventId`, so a failure can be followed back to the state it happened in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local.engine.store import Store


class History:
    def __init__(self, store: Store, arn: str, now: Callable[[], datetime], last_id: int) -> None:
        self._store, self._arn, self._now = store, arn, now
        self._lock = threading.Lock()
        self._last_id = last_id

    def add(self, kind: str, previous: int, details: dict[str, Any] | None = None) -> int:
        """Record an event of `kind` (its details under AWS's key for that kind); its id."""
        with self._lock:
            self._last_id += 1
            event = {
                "timestamp": self._now(),
                "type": kind,
                "id": self._last_id,
                "previousEventId": previous,
            }
            self._store.add_event(self._arn, event, details)
            return self._last_id

    @property
    def last_id(self) -> int:
        with self._lock:
            return self._last_id


def details_key(kind: str) -> str:
    """Where an event keeps its details: `TaskFailed` -> `taskFailedEventDetails`; a state's
    entry and exit share `stateEnteredEventDetails` and `stateExitedEventDetails`."""
    if kind.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if kind.endswith("StateExited"):
        return "stateExitedEventDetails"
    return f"{kind[0].lower()}{kind[1:]}EventDetails"
