"""RedriveExecution with AWS's semantics: resume at the failed state with the same input and
variables; in a Parallel or Map re-run only what failed, keeping the successful results."""

import json
import threading
from typing import Any

import pytest

from local.engine import Engine, ExecutionDoesNotExist, ExecutionNotRedrivable
from tests.engine import fakes
from tests.engine.fakes import Functions, always_fail, chain, event_types, machine, run, task


class Switch:
    """A function that fails until it is fixed (the operator's fix before a redrive), once the
    `after` events are set (its siblings have been called)."""

    def __init__(self, result: Any, after: tuple[threading.Event, ...] = ()) -> None:
        self.broken, self.result, self.after = True, result, after

    def __call__(self, payload: Any) -> Any:
        for event in self.after:
            event.wait(5)
        return always_fail("Crash", "not yet")(payload) if self.broken else self.result


def signalling(event: threading.Event) -> Any:
    def handler(payload: Any) -> Any:
        event.set()
        return payload

    return handler


def workflow() -> dict[str, Any]:
    return machine(
        {
            "Start job": task(
                "start", Next="Tag instruments", Assign={"job": "{% $states.input.job %}"}
            ),
            "Tag instruments": {
                "Type": "Map",
                "Items": "{% $states.input.symbols %}",
                "MaxConcurrency": 2,
                "ItemProcessor": chain(
                    {
                        "Tag instrument": {
                            **task("tagger"),
                            "Arguments": {
                                "FunctionName": "{% 'tagger-' & $states.input %}",
                                "Payload": {"job": "{% $job %}", "symbol": "{% $states.input %}"},
                            },
                        }
                    }
                ),
                "Output": {"tagged": "{% $states.result %}"},
                "Next": "Analyze portfolio",
            },
            "Analyze portfolio": {
                "Type": "Parallel",
                "Branches": [
                    chain({name: {**task(function), "Output": function}})
                    for name, function in (
                        ("Write report", "reporter"),
                        ("Build charts", "charter"),
                        ("Project retirement", "retirement"),
                    )
                ],
                "Next": "Finalize job",
            },
            "Finalize job": {
                **task("finalize"),
                "Arguments": {
                    "FunctionName": "finalize",
                    "Payload": {"job": "{% $job %}", "branches": "{% $states.input %}"},
                },
            },
        }
    )


INPUT = {"job": "job-1", "symbols": ["VTI", "BND", "GLD"]}


def test_redrive_reruns_only_failed_branch() -> None:
    # The charts fail once the other branches are under way: they are not aborted, and succeed.
    called = threading.Event(), threading.Event()
    charter = Switch("charts", after=called)
    functions = Functions(
        {"reporter": signalling(called[0]), "charter": charter, "retirement": signalling(called[1])}
    )
    engine, arn, description = run(workflow(), INPUT, functions)
    assert (description["status"], description["error"]) == ("FAILED", "Crash")
    assert description["redriveStatus"] == "REDRIVABLE"
    before = dict(functions.calls)
    assert before["charter"] == 1

    charter.broken = False
    engine.redrive_execution(arn)
    description = engine.wait(arn, timeout=10)

    assert description["status"] == "SUCCEEDED"
    assert description["redriveCount"] == 1
    rerun = {name: functions.calls[name] - before.get(name, 0) for name in functions.calls}
    assert {name: n for name, n in rerun.items() if n} == {"charter": 1, "finalize": 1}
    # The kept branch results, the variables and the input are those of the first run.
    assert functions.payloads[-1] == (
        "finalize",
        {"job": "job-1", "branches": ["reporter", "charter", "retirement"]},
    )
    types = event_types(engine, arn)
    assert types.count("ExecutionFailed") == 1
    assert types[types.index("ExecutionFailed") + 1] == "ExecutionRedriven"
    redriven = engine.get_execution_history(arn)[types.index("ExecutionRedriven")]
    assert redriven["executionRedrivenEventDetails"] == {"redriveCount": 1}
    assert types[-1] == "ExecutionSucceeded"


def test_redrive_reruns_only_failed_map_iteration() -> None:
    # BND fails once the other symbols are being tagged: they succeed, and must not re-run.
    called = threading.Event(), threading.Event()
    bnd = Switch("tagged BND", after=called)
    functions = Functions(
        {
            "tagger-VTI": signalling(called[0]),
            "tagger-BND": bnd,
            "tagger-GLD": signalling(called[1]),
        }
    )
    definition = workflow()
    definition["States"]["Tag instruments"]["MaxConcurrency"] = 3
    engine, arn, description = run(definition, INPUT, functions)
    assert description["status"] == "FAILED"
    assert functions.calls["tagger-BND"] == 1
    assert functions.calls["reporter"] == 0
    tagged_before = functions.calls["tagger-VTI"] + functions.calls["tagger-GLD"]
    assert tagged_before == 2

    bnd.broken = False
    engine.redrive_execution(arn)
    description = engine.wait(arn, timeout=10)

    assert description["status"] == "SUCCEEDED"
    assert functions.calls["start"] == 1
    assert functions.calls["tagger-BND"] == 2
    assert functions.calls["tagger-VTI"] + functions.calls["tagger-GLD"] == tagged_before
    # Each iteration's output sits at its index, whichever run produced it.
    payload = dict(functions.payloads)["reporter"]
    assert payload["tagged"][1] == "tagged BND"
    assert payload["tagged"][0] == {"job": "job-1", "symbol": "VTI"}


def test_map_iterations_not_started_before_the_failure_run_on_redrive() -> None:
    first = Switch("ok")
    functions = Functions({"tagger-VTI": first})
    definition = workflow()
    definition["States"]["Tag instruments"]["MaxConcurrency"] = 1
    engine, arn, description = run(definition, INPUT, functions)
    assert description["status"] == "FAILED"
    assert functions.calls["tagger-BND"] == functions.calls["tagger-GLD"] == 0

    first.broken = False
    engine.redrive_execution(arn)
    assert engine.wait(arn, timeout=10)["status"] == "SUCCEEDED"
    assert [functions.calls[f"tagger-{s}"] for s in ("VTI", "BND", "GLD")] == [2, 1, 1]


def test_redrive_resumes_at_the_failed_state_with_its_input() -> None:
    finalize = Switch("done")
    functions = Functions({"finalize": finalize})
    engine, arn, _ = run(workflow(), INPUT, functions)
    finalize.broken = False
    engine.redrive_execution(arn)
    description = engine.wait(arn, timeout=10)
    assert json.loads(description["output"]) == "done"
    assert functions.calls["start"] == functions.calls["reporter"] == 1
    assert functions.calls["finalize"] == 2
    assert functions.payloads[-1] == functions.payloads[-2]


def test_a_succeeded_execution_is_not_redrivable() -> None:
    engine, arn, description = run(workflow(), INPUT, Functions())
    assert description["status"] == "SUCCEEDED"
    assert description["redriveStatus"] == "NOT_REDRIVABLE"
    with pytest.raises(ExecutionNotRedrivable, match="SUCCEEDED"):
        engine.redrive_execution(arn)
    assert "ExecutionRedriven" not in event_types(engine, arn)


def test_an_execution_can_be_redriven_again_after_failing_again() -> None:
    called = threading.Event(), threading.Event()
    charter = Switch("charts", after=called)
    functions = Functions(
        {"reporter": signalling(called[0]), "charter": charter, "retirement": signalling(called[1])}
    )
    engine, arn, _ = run(workflow(), INPUT, functions)
    engine.redrive_execution(arn)
    assert engine.wait(arn, timeout=10)["status"] == "FAILED"
    charter.broken = False
    engine.redrive_execution(arn)
    description = engine.wait(arn, timeout=10)
    assert (description["status"], description["redriveCount"]) == ("SUCCEEDED", 2)
    assert functions.calls["charter"] == 3
    assert functions.calls["reporter"] == 1


def test_unknown_execution_does_not_exist() -> None:
    engine, _, _ = run(workflow(), INPUT, Functions())
    with pytest.raises(ExecutionDoesNotExist):
        engine.describe_execution("arn:aws:states:us-east-1:123456789012:execution:Analysis:nope")


def test_a_stopped_execution_is_aborted_and_redrivable_from_where_it_stopped() -> None:
    entered, release = threading.Event(), threading.Event()

    def start(payload: Any) -> Any:
        entered.set()
        release.wait(5)
        return payload

    functions = Functions({"start": start})
    engine = Engine(workflow(), functions, fakes.store(), sleep=lambda _: None)
    arn = engine.start_execution(INPUT, name="job-1")
    entered.wait(5)
    engine.stop_execution(arn, error="Operator", cause="stopped to test")
    description = engine.wait(arn, timeout=10)
    release.set()  # the abandoned call returns after the stop: its result is discarded
    assert (description["status"], description["error"]) == ("ABORTED", "Operator")
    assert event_types(engine, arn)[-2:] == ["TaskStateAborted", "ExecutionAborted"]

    # The task that was running is run again, as AWS redrives an aborted state.
    engine.redrive_execution(arn)
    assert engine.wait(arn, timeout=10)["status"] == "SUCCEEDED"
    assert functions.calls["start"] == 2
    assert functions.calls["reporter"] == 1


def test_status_changes_are_sent_in_eventbridge_shape() -> None:
    changes: list[dict[str, Any]] = []
    functions = Functions({"finalize": always_fail("Crash")})
    engine = Engine(
        workflow(), functions, fakes.store(), sleep=lambda _: None, on_status_change=changes.append
    )
    arn = engine.start_execution(INPUT, name="job-1")
    engine.wait(arn, timeout=10)
    functions.handlers.pop("finalize")
    engine.redrive_execution(arn)
    engine.wait(arn, timeout=10)
    assert [(c["detail"]["status"], c["detail"]["redriveCount"]) for c in changes] == [
        ("RUNNING", 0),
        ("FAILED", 0),
        ("RUNNING", 1),
        ("SUCCEEDED", 1),
    ]
    failed = changes[1]
    assert failed["source"] == "aws.states"
    assert failed["detail-type"] == "Step Functions Execution Status Change"
    assert failed["resources"] == [arn]
    assert failed["detail"]["error"] == "Crash"
    assert json.loads(failed["detail"]["input"]) == INPUT
    assert isinstance(failed["detail"]["stopDate"], int)
