"""Map's MaxConcurrency and Parallel's branches, observed as calls in flight at once."""

import contextlib
import threading
from typing import Any

from tests.engine.fakes import Functions, chain, machine, run, task


class InFlight:
    """A function that counts the calls running at once; each call waits until `width` calls
    are in flight (or a short bound passes), so concurrency shows without real sleeps."""

    def __init__(self, width: int) -> None:
        self.now = self.most = 0
        self._lock = threading.Lock()
        self._barrier = threading.Barrier(width)

    def __call__(self, payload: Any) -> Any:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
        with contextlib.suppress(threading.BrokenBarrierError):
            self._barrier.wait(timeout=2)
        with self._lock:
            self.now -= 1
        return payload


def tag_all(max_concurrency: int) -> dict[str, Any]:
    return machine(
        {
            "Tag instruments": {
                "Type": "Map",
                "Items": "{% $states.input %}",
                "MaxConcurrency": max_concurrency,
                "ItemProcessor": chain({"Tag instrument": task("tagger")}),
                "End": True,
            }
        }
    )


def test_map_runs_at_most_max_concurrency_iterations_at_once() -> None:
    tagger = InFlight(width=3)
    functions = Functions({"tagger": tagger})
    description = run(tag_all(3), list(range(9)), functions)[2]
    assert description["status"] == "SUCCEEDED"
    assert tagger.most == 3
    assert functions.calls["tagger"] == 9


def test_map_without_limit_runs_every_iteration_at_once() -> None:
    tagger = InFlight(width=6)
    run(tag_all(0), list(range(6)), Functions({"tagger": tagger}))
    assert tagger.most == 6


def test_parallel_runs_its_branches_at_once() -> None:
    work = InFlight(width=3)
    definition = machine(
        {
            "Analyze": {
                "Type": "Parallel",
                "Branches": [chain({name: task("work")}) for name in ("A", "B", "C")],
                "End": True,
            }
        }
    )
    description = run(definition, 1, Functions({"work": work}))[2]
    assert description["status"] == "SUCCEEDED"
    assert work.most == 3
