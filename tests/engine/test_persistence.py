"""Executions live in PostgreSQL: another engine on the same database (another process, or
this one after a restart) sees them, redrives them, and takes over those whose process died."""

import json
import subprocess
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from local.engine import Engine, ExecutionNotRedrivable, ExecutionRunsElsewhere, Store
from local.engine.interpreter import Done, Resume
from local.engine.store import decode_resume
from tests.engine.fakes import Functions, always_fail, event_types, run
from tests.engine.test_redrive import INPUT, Switch, signalling, workflow


def restarted(store: Store, functions: Functions, **options: Any) -> Engine:
    """An engine as a new process starts it: nothing in memory, the same database."""
    return Engine(workflow(), functions, store, sleep=lambda _: None, **options)


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_another_engine_sees_executions_and_their_history(store: Store) -> None:
    engine, arn, description = run(workflow(), INPUT)
    other = restarted(store, Functions())

    assert other.describe_execution(arn) == description
    assert other.get_execution_history(arn) == engine.get_execution_history(arn)
    assert [e["executionArn"] for e in other.list_executions()] == [arn]
    assert json.loads(description["output"])["job"] == "job-1"


def test_a_restarted_engine_redrives_only_the_failed_branch(store: Store) -> None:
    called = threading.Event(), threading.Event()
    charter = Switch("charts", after=called)
    first = Functions(
        {"reporter": signalling(called[0]), "charter": charter, "retirement": signalling(called[1])}
    )
    _, arn, description = run(workflow(), INPUT, first)
    assert description["status"] == "FAILED"

    # The first process is gone; a new one, with the function fixed, redrives.
    second = Functions()
    engine = restarted(store, second)
    engine.redrive_execution(arn)
    description = engine.wait(arn, timeout=10)

    assert (description["status"], description["redriveCount"]) == ("SUCCEEDED", 1)
    assert dict(second.calls) == {"charter": 1, "finalize": 1}
    assert second.payloads[-1] == (
        "finalize",
        {"job": "job-1", "branches": ["reporter", "charter", "retirement"]},
    )
    types = event_types(engine, arn)
    assert types.count("ExecutionRedriven") == 1 and types[-1] == "ExecutionSucceeded"
    ids = [event["id"] for event in engine.get_execution_history(arn)]
    assert ids == list(range(1, len(ids) + 1))


def test_two_engines_cannot_both_redrive_an_execution(store: Store) -> None:
    _, arn, _ = run(workflow(), INPUT, Functions({"finalize": always_fail("Crash")}))
    release = threading.Event()

    def blocked(payload: Any) -> Any:
        release.wait(5)
        return payload

    one = restarted(store, Functions({"finalize": blocked}))
    one.redrive_execution(arn)
    try:
        with pytest.raises(ExecutionNotRedrivable, match="is RUNNING"):
            restarted(store, Functions()).redrive_execution(arn)
        with pytest.raises(ExecutionRunsElsewhere, match="runs in process"):
            restarted(store, Functions()).stop_execution(arn)
    finally:
        release.set()
    assert one.wait(arn, timeout=10)["status"] == "SUCCEEDED"


def test_an_execution_whose_process_died_is_aborted_and_resumes_where_it_was(
    store: Store,
) -> None:
    # A process ran the execution as far as "Analyze portfolio", then died.
    arn = "arn:aws:states:us-east-1:123456789012:execution:Analysis:job-1"
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:Analysis"
    store.create(arn, machine, "job-1", INPUT, _now())
    started = {"id": 1, "type": "ExecutionStarted", "previousEventId": 0, "timestamp": _now()}
    store.add_event(arn, started, {"input": json.dumps(INPUT)})
    tagged = {"tagged": ["VTI", "BND", "GLD"]}
    store.checkpoint(arn, Resume("Analyze portfolio", tagged, {"job": "job-1"}, {}))
    store.db.execute(
        "UPDATE local_engine.executions SET owner = :pid WHERE arn = :arn",
        {"pid": dead_pid(), "arn": arn},
    )
    changes: list[dict[str, Any]] = []

    functions = Functions()
    engine = restarted(store, functions, on_status_change=changes.append)
    assert engine.abort_orphans() == [arn]

    description = engine.describe_execution(arn)
    assert (description["status"], description["error"]) == ("ABORTED", "Local.EngineStopped")
    assert 'resume at "Analyze portfolio"' in description["cause"]
    assert description["redriveStatus"] == "REDRIVABLE"
    assert [change["detail"]["status"] for change in changes] == ["ABORTED"]
    assert event_types(engine, arn)[-1] == "ExecutionAborted"

    engine.redrive_execution(arn)
    assert engine.wait(arn, timeout=10)["status"] == "SUCCEEDED"
    assert dict(functions.calls) == {"reporter": 1, "charter": 1, "retirement": 1, "finalize": 1}


def test_resume_points_keep_what_each_branch_had_done(store: Store) -> None:
    _, arn, _ = run(workflow(), INPUT, Functions({"finalize": always_fail("Crash")}))
    resume = Resume(
        "Analyze portfolio",
        {"tagged": []},
        {"job": "job-1"},
        {0: Done("reporter"), 2: Resume("Project retirement", {}, {}, {1: Done([1.5])})},
    )
    store.checkpoint(arn, resume)

    assert decode_resume(store.get(arn)["resume"]) == resume


def _now() -> datetime:
    return datetime.now(UTC)
