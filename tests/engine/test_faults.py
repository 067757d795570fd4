"""ALEX_FAULTS on the seeded user's analysis: a throttled call is retried, a crash fails the job at
its state, and a redrive without the fault completes it, re-running only what failed."""

import logging
import threading
from collections import Counter
from typing import Any

import pytest

from functions.job_events.handler import parse_event, record_status_change
from local.engine import Engine, LambdaError
from local.faults import Fault, FaultyLambda, parse_faults, with_faults
from local.invoker import LocalLambda
from shared.db import Jobs
from shared.db.psycopg_driver import PsycopgDriver
from shared.errors import InvalidInput
from shared.schemas import Job
from tests.engine import fakes
from tests.engine.fakes import Sleeper
from tests.engine.test_local_analysis import (
    Analysis,
    analysis,
    execution_input,
    job,
    offline_lambda_env,
    seeded,
)

__all__ = ["analysis", "job", "offline_lambda_env", "seeded"]  # the fixtures these tests share


class Counted:
    """An invoker that counts calls by function folder, then passes them to `inner`."""

    def __init__(self, inner: LocalLambda | FaultyLambda, functions: LocalLambda) -> None:
        self.inner, self.functions = inner, functions
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, function_name: str, payload: Any) -> Any:
        with self._lock:
            self.calls[self.functions.folder(function_name)] += 1
        return self.inner(function_name, payload)


class HistoryClient:
    """Just enough of boto3's Step Functions client for the job-events handler, over the engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get_execution_history(self, **request: Any) -> dict[str, Any]:
        arn = request["executionArn"]
        reverse = request.get("reverseOrder", False)
        return {"events": self.engine.get_execution_history(arn, reverse_order=reverse)}


def state_of(history: list[dict[str, Any]], event: dict[str, Any]) -> str:
    """The state an event of the history belongs to: back along its previous events."""
    by_id = {e["id"]: e for e in history}
    while event["type"] != "TaskStateEntered":
        event = by_id[event["previousEventId"]]
    name: str = event["stateEnteredEventDetails"]["name"]
    return name


@pytest.fixture
def local_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALEX_ENV", "local")


def test_faults_parse_with_or_without_a_count() -> None:
    assert parse_faults(" charter=fail, reporter=fail:2,tagger=throttle:1 ") == {
        "charter": Fault("charter", "fail"),
        "reporter": Fault("reporter", "fail", 2),
        "tagger": Fault("tagger", "throttle", 1),
    }
    assert parse_faults("") == {}


@pytest.mark.parametrize(
    "entry", ["charter", "charter=explode", "=fail", "tagger=fail:0", "x=fail:"]
)
def test_bad_fault_entry_is_named(entry: str) -> None:
    with pytest.raises(InvalidInput, match=f"entry '{entry}'"):
        parse_faults(f"reporter=fail,{entry}")


@pytest.mark.usefixtures("local_env")
def test_fault_on_an_unknown_function_is_refused(analysis: Analysis) -> None:
    with pytest.raises(InvalidInput, match="names chartr, not functions"):
        with_faults(LocalLambda(analysis[1]), "chartr=fail")


@pytest.mark.usefixtures("local_env")
def test_fault_fails_the_first_calls_then_runs_the_handler(analysis: Analysis) -> None:
    functions = LocalLambda(analysis[1])
    faulty = with_faults(functions, "start_job=throttle:2")
    name = next(n for n in functions.handlers if functions.folder(n) == "start_job")
    for call in (1, 2):
        with pytest.raises(LambdaError) as raised:
            faulty(name, {})
        assert raised.value.error_type == "ModelThrottled"
        assert f"call {call}" in raised.value.message
    with pytest.raises(LambdaError) as raised:
        faulty(name, {})  # the real handler now: it refuses an event without ids
    assert raised.value.error_type == "ValidationError"


def test_faults_are_ignored_outside_local_mode(
    analysis: Analysis, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("ALEX_ENV", "aws")
    monkeypatch.setenv("ALEX_FAULTS", "charter=fail")
    functions = LocalLambda(analysis[1])
    with caplog.at_level(logging.WARNING, logger="alex.faults"):
        assert with_faults(functions) is functions
    assert "ALEX_FAULTS='charter=fail' ignored" in caplog.text


@pytest.mark.usefixtures("offline_lambda_env", "local_env")
def test_throttled_tagging_is_retried_and_the_job_completes(
    analysis: Analysis, seeded: PsycopgDriver, job: Job
) -> None:
    definition, handlers = analysis
    sleeper = Sleeper()
    engine = Engine(
        definition,
        with_faults(LocalLambda(handlers), "tagger=throttle:1"),
        fakes.store(),
        sleep=sleeper,
    )
    description = engine.wait(engine.start_execution(execution_input(job)), timeout=120)

    assert description["status"] == "SUCCEEDED", description
    assert len(sleeper.delays) == 1  # one tagging call throttled, retried once
    assert Jobs(seeded).get(job.clerk_user_id, job.id).status == "completed"


@pytest.mark.usefixtures("offline_lambda_env", "local_env")
def test_every_attempt_of_a_step_is_counted_throttled_retries_included(
    analysis: Analysis, seeded: PsycopgDriver, job: Job
) -> None:
    definition, handlers = analysis
    engine = Engine(
        definition,
        with_faults(LocalLambda(handlers), "charter=throttle:2,tagger=throttle:1"),
        fakes.store(),
        sleep=Sleeper(),
    )
    description = engine.wait(engine.start_execution(execution_input(job)), timeout=120)

    assert description["status"] == "SUCCEEDED", description
    steps = Jobs(seeded).get(job.clerk_user_id, job.id).steps
    # Two throttled calls of the charter, then the one that ran.
    assert (steps["charts"].attempts, steps["charts"].status) == (3, "succeeded")
    # The tagging map's run, and its one retried (throttled) call; offline, it classifies nothing.
    assert (steps["tagging"].attempts, steps["tagging"].status) == (2, "skipped")
    assert all(steps[key].attempts == 1 for key in ("start", "report", "retirement", "finalize"))


@pytest.mark.usefixtures("offline_lambda_env", "local_env")
def test_crashed_charts_fail_the_job_and_redrive_reruns_only_them(
    analysis: Analysis, seeded: PsycopgDriver, job: Job
) -> None:
    definition, handlers = analysis
    functions = LocalLambda(handlers)
    invoke = Counted(with_faults(functions, "charter=fail"), functions)
    engines: list[Engine] = []

    def job_events(event: dict[str, Any]) -> None:
        # What the EventBridge rule of the CDK app delivers to the job-events function.
        record_status_change(seeded, HistoryClient(engines[0]), parse_event(event))

    engines.append(
        Engine(
            definition,
            invoke,
            fakes.store(),
            sleep=lambda seconds: None,
            on_status_change=job_events,
        )
    )
    engine = engines[0]
    arn = engine.start_execution(execution_input(job), name=str(job.id))
    failed = engine.wait(arn, timeout=120)

    assert (failed["status"], failed["error"]) == ("FAILED", "Crash")
    history = engine.get_execution_history(arn)
    (task_failed,) = [e for e in history if e["type"] == "TaskFailed"]
    assert state_of(history, task_failed) == "Build charts"
    # The sibling branches still running when the charts crashed are aborted (their results
    # discarded), as AWS does; those that had finished keep their results.
    aborted = {
        state_of(history, e)
        for e in history
        if e["type"] == "TaskStateAborted" and state_of(history, e) != "Build charts"
    }
    finished = {
        state_of(history, e)
        for e in history
        if e["type"] == "TaskSucceeded"
        and state_of(history, e) in ("Write report", "Project retirement")
    }
    assert aborted | finished == {"Write report", "Project retirement"}
    assert not aborted & finished
    stopped = Jobs(seeded).get(job.clerk_user_id, job.id)
    assert (stopped.status, stopped.failed_step, stopped.error_message) == (
        "failed",
        "charts",
        "Crash",
    )
    assert stopped.error_cause and "injected by ALEX_FAULTS" in stopped.error_cause

    invoke.inner = functions  # the fault removed
    engine.redrive_execution(arn)
    redriven = engine.wait(arn, timeout=120)

    assert (redriven["status"], redriven["redriveCount"]) == ("SUCCEEDED", 1)
    # The redrive runs the failed branch and the aborted ones again, nothing else.
    assert invoke.calls == {
        "start_job": 1,
        "tagger": 2,
        "reporter": 1 + ("Write report" in aborted),
        "charter": 2,
        "retirement": 1 + ("Project retirement" in aborted),
        "finalize_job": 1,
    }
    done = Jobs(seeded).get(job.clerk_user_id, job.id)
    assert (done.status, done.redrive_count) == ("completed", 1)
    assert done.charts_payload and done.report_payload and done.retirement_payload
    # Offline, tagging is skipped (nothing classified); every other step succeeded.
    assert {n: s.status for n, s in done.steps.items()} == {
        **dict.fromkeys(done.steps, "succeeded"),
        "tagging": "skipped",
    }
