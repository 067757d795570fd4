"""Retry (delays with backoff, max delay and full jitter, from an injected sleeper and random
source), Catch, and task and execution timeouts."""

import json
import random
import threading
from itertools import count
from typing import Any

from local.engine import LambdaError
from tests.engine.fakes import (
    Functions,
    Sleeper,
    always_fail,
    event_types,
    fail_first,
    machine,
    run,
    task,
)

RETRY_THROTTLED = {
    "ErrorEquals": ["ModelThrottled"],
    "IntervalSeconds": 5,
    "BackoffRate": 2,
    "MaxAttempts": 6,
    "MaxDelaySeconds": 60,
}


def test_retries_back_off_exponentially_up_to_the_max_delay() -> None:
    sleeper = Sleeper()
    functions = Functions({"tagger": fail_first(6, "ModelThrottled", result="tagged")})
    definition = machine({"Tag": task("tagger", Retry=[RETRY_THROTTLED])})
    _, _, description = run(definition, "VTI", functions, sleep=sleeper)
    assert description["status"] == "SUCCEEDED"
    assert json.loads(description["output"]) == "tagged"
    assert sleeper.delays == [5, 10, 20, 40, 60, 60]
    assert functions.calls["tagger"] == 7


def test_full_jitter_draws_each_delay_between_zero_and_the_computed_one() -> None:
    sleeper = Sleeper()
    draws = random.Random(42)
    expected = random.Random(42)
    functions = Functions({"tagger": fail_first(3, "ModelThrottled")})
    retrier = {**RETRY_THROTTLED, "JitterStrategy": "FULL"}
    run(
        machine({"Tag": task("tagger", Retry=[retrier])}),
        "VTI",
        functions,
        sleep=sleeper,
        random=draws.random,
    )
    assert sleeper.delays == [base * expected.random() for base in (5, 10, 20)]


def test_defaults_retry_three_times_one_second_apart_doubling() -> None:
    sleeper = Sleeper()
    functions = Functions({"f": always_fail("Boom")})
    engine = run(
        machine({"F": task("f", Retry=[{"ErrorEquals": ["States.ALL"]}])}),
        None,
        functions,
        sleep=sleeper,
    )
    assert engine[2]["status"] == "FAILED"
    assert sleeper.delays == [1, 2, 4]
    assert functions.calls["f"] == 4


def test_the_first_matching_retrier_decides_even_when_spent() -> None:
    sleeper = Sleeper()
    functions = Functions({"f": always_fail("DatabaseResuming")})
    retry = [
        {
            "ErrorEquals": ["DatabaseResuming"],
            "IntervalSeconds": 20,
            "BackoffRate": 1.5,
            "MaxAttempts": 2,
        },
        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 5},
    ]
    description = run(machine({"F": task("f", Retry=retry)}), None, functions, sleep=sleeper)[2]
    assert sleeper.delays == [20, 30]
    assert (description["error"], json.loads(description["cause"])["errorMessage"]) == (
        "DatabaseResuming",
        "it broke",
    )


def test_unmatched_errors_and_max_attempts_zero_are_not_retried() -> None:
    sleeper = Sleeper()
    functions = Functions({"f": always_fail("Other"), "g": always_fail("ModelThrottled")})
    run(machine({"F": task("f", Retry=[RETRY_THROTTLED])}), None, functions, sleep=sleeper)
    run(
        machine({"G": task("g", Retry=[{**RETRY_THROTTLED, "MaxAttempts": 0}])}),
        None,
        functions,
        sleep=sleeper,
    )
    assert sleeper.delays == []
    assert functions.calls == {"f": 1, "g": 1}


def test_task_failed_matches_function_errors_but_not_timeouts() -> None:
    functions = Functions({"f": fail_first(1, "AnyError")})
    description = run(
        machine({"F": task("f", Retry=[{"ErrorEquals": ["States.TaskFailed"]}])}), 1, functions
    )[2]
    assert description["status"] == "SUCCEEDED"


def test_lambda_error_becomes_the_task_error_with_aws_cause() -> None:
    functions = Functions({"f": always_fail("InvalidModelOutput", "no JSON in the answer")})
    engine, arn, description = run(machine({"F": task("f")}), None, functions)
    assert description["error"] == "InvalidModelOutput"
    assert json.loads(description["cause"]) == {
        "errorMessage": "no JSON in the answer",
        "errorType": "InvalidModelOutput",
        "stackTrace": [],
    }
    failed = [e for e in engine.get_execution_history(arn) if e["type"] == "TaskFailed"]
    assert failed[0]["taskFailedEventDetails"]["error"] == "InvalidModelOutput"
    assert failed[0]["taskFailedEventDetails"]["resourceType"] == "lambda"


def test_catch_routes_the_error_output_and_assigns_from_it() -> None:
    functions = Functions({"f": always_fail("Boom", "bad thing")})
    definition = machine(
        {
            "F": task(
                "f",
                Next="Unreachable",
                Assign={"not": "assigned"},
                Catch=[
                    {"ErrorEquals": ["Other"], "Next": "Unreachable"},
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Next": "Handle",
                        "Assign": {"why": "{% $states.errorOutput.Error %}"},
                    },
                ],
            ),
            "Unreachable": {"Type": "Fail"},
            "Handle": {
                "Type": "Pass",
                "Output": {"error": "{% $states.input.Error %}", "why": "{% $why %}"},
                "End": True,
            },
        }
    )
    engine, arn, description = run(definition, None, functions)
    assert json.loads(description["output"]) == {"error": "Boom", "why": "Boom"}
    assert "TaskStateExited" in event_types(engine, arn)


def test_catch_output_replaces_the_error_output() -> None:
    functions = Functions({"f": always_fail("Boom")})
    catch = [
        {
            "ErrorEquals": ["Boom"],
            "Next": "End",
            "Output": {"caught": "{% $states.errorOutput.Error %}"},
        }
    ]
    definition = machine({"F": task("f", Next="End", Catch=catch), "End": {"Type": "Succeed"}})
    assert json.loads(run(definition, None, functions)[2]["output"]) == {"caught": "Boom"}


def test_task_taking_longer_than_its_timeout_fails_with_states_timeout() -> None:
    release = threading.Event()

    def slow(payload: Any) -> Any:
        release.wait(5)
        return "late"

    functions = Functions({"slow": slow})
    definition = machine({"Slow": task("slow", TimeoutSeconds=1)})
    try:
        engine, arn, description = run(definition, None, functions, time_scale=0.01)
    finally:
        release.set()
    assert (description["status"], description["error"]) == ("FAILED", "States.Timeout")
    assert "TaskTimedOut" in event_types(engine, arn)


def test_timed_out_task_is_retried_by_a_states_timeout_retrier() -> None:
    release = threading.Event()
    calls = count()

    def slow_once(payload: Any) -> Any:
        if next(calls) == 0:
            release.wait(5)
        return "on time"

    retry = [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 5, "MaxAttempts": 1}]
    definition = machine({"Slow": task("slow", TimeoutSeconds=1, Retry=retry)})
    try:
        description = run(definition, None, Functions({"slow": slow_once}), time_scale=0.01)[2]
    finally:
        release.set()
    assert json.loads(description["output"]) == "on time"


def test_execution_past_its_timeout_times_out_and_is_redrivable() -> None:
    now = [0.0]

    def advance(payload: Any) -> Any:
        now[0] += 100
        return payload

    definition = machine(
        {"First": task("advance", Next="Second"), "Second": task("advance")}, TimeoutSeconds=50
    )
    functions = Functions({"advance": advance})
    engine, arn, description = run(definition, 1, functions, clock=lambda: now[0])
    assert (description["status"], description["error"]) == ("TIMED_OUT", "States.Timeout")
    assert description["redriveStatus"] == "REDRIVABLE"
    assert event_types(engine, arn)[-1] == "ExecutionTimedOut"
    assert functions.calls["advance"] == 1


def test_an_invoker_crash_is_a_lambda_unknown_error() -> None:
    def crash(payload: Any) -> Any:
        raise RuntimeError("segfault")

    description = run(machine({"F": task("f")}), None, Functions({"f": crash}))[2]
    assert description["error"] == "Lambda.Unknown"
    assert (
        LambdaError("A", "b").cause == '{"errorMessage": "b", "errorType": "A", "stackTrace": []}'
    )
