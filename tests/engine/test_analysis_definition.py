"""The analysis definition the CDK app synthesizes, run by the engine with recording fakes for
its functions; and its history read by the job-events handler as it reads AWS's."""

import json
import threading
import uuid
from typing import Any

import pytest

from functions.job_events.handler import parse_event, where_it_stopped
from local.engine import Engine, LambdaError
from state_machines.analysis import TAGGING_CONCURRENCY
from tests.engine import fakes
from tests.engine.fakes import Sleeper
from tests.support.templates import definition

JOB = {"job_id": str(uuid.uuid4()), "user_id": "test_user_001"}
SYMBOLS = ["VTI", "BND", "GLD", "QQQ", "VXUS", "SCHD"]
ROLES = ("StartJob", "Tagger", "Reporter", "Charter", "Retirement", "FinalizeJob")


class AnalysisFunctions:
    """The workflow's six functions, told apart by their logical ids in the function ARNs;
    each records its payloads. `broken` names roles that fail with an error, once the other
    branches of the parallel have been called; `slow` names roles whose calls wait for an event
    (so they are in flight when a sibling fails)."""

    def __init__(self) -> None:
        self.calls: dict[str, list[Any]] = {role: [] for role in ROLES}
        self.broken: dict[str, str] = {}
        self.slow: dict[str, threading.Event] = {}
        self.in_flight = self.most_in_flight = 0
        self._lock = threading.Condition()

    def __call__(self, function_name: str, payload: Any) -> Any:
        role = next(r for r in ROLES if function_name.rpartition(":")[2].startswith(r))
        with self._lock:
            self.calls[role].append(payload)
            if role == "Tagger":
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self._lock.notify_all()
        try:
            if role in self.slow:
                self.slow[role].wait(10)
            if role in self.broken:
                with self._lock:
                    self._lock.wait_for(self._branches_called, timeout=5)
                raise LambdaError(self.broken[role], f"{role} failed for job {JOB['job_id']}")
            if role == "StartJob":
                return {**payload, "symbols": SYMBOLS}
            return {"job_id": payload["job_id"], "step": role}
        finally:
            if role == "Tagger":
                with self._lock:
                    self.in_flight -= 1

    def _branches_called(self) -> bool:
        return all(self.calls[role] for role in ("Reporter", "Charter", "Retirement"))


@pytest.fixture(scope="module")
def analysis(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return definition(templates["AlexAnalysis"])


class HistoryClient:
    """Just enough of boto3's Step Functions client for the job-events handler, over the engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get_execution_history(self, **request: Any) -> dict[str, Any]:
        events = self.engine.get_execution_history(
            request["executionArn"], reverse_order=request.get("reverseOrder", False)
        )
        return {"events": events}


def test_analysis_runs_every_step_with_the_job_ids(analysis: dict[str, Any]) -> None:
    functions = AnalysisFunctions()
    engine = Engine(analysis, functions, fakes.store(), sleep=Sleeper())
    arn = engine.start_execution(JOB, name=JOB["job_id"])
    description = engine.wait(arn, timeout=20)

    assert description["status"] == "SUCCEEDED"
    assert json.loads(description["output"]) == {"job_id": JOB["job_id"], "step": "FinalizeJob"}
    assert functions.calls["StartJob"] == [JOB]
    assert sorted(p["symbol"] for p in functions.calls["Tagger"]) == sorted(SYMBOLS)
    assert all(p == {**JOB, "symbol": p["symbol"]} for p in functions.calls["Tagger"])
    assert functions.most_in_flight <= TAGGING_CONCURRENCY
    for role in ("Reporter", "Charter", "Retirement", "FinalizeJob"):
        assert functions.calls[role] == [JOB]
    entered = [
        e["stateEnteredEventDetails"]["name"]
        for e in engine.get_execution_history(arn)
        if e["type"].endswith("StateEntered")
    ]
    assert entered[:2] == ["Start job", "Tag instruments"]
    assert entered.count("Tag instrument") == len(SYMBOLS)
    assert entered[-1] == "Finalize job"


def test_throttled_model_is_retried_with_jittered_backoff(analysis: dict[str, Any]) -> None:
    functions = AnalysisFunctions()
    functions.broken["Reporter"] = "ModelThrottled"
    sleeper = Sleeper()
    engine = Engine(analysis, functions, fakes.store(), sleep=sleeper, random=lambda: 0.5)
    description = engine.wait(engine.start_execution(JOB, name="throttled"), timeout=20)
    assert (description["status"], description["error"]) == ("FAILED", "ModelThrottled")
    assert len(functions.calls["Reporter"]) == 7
    assert sleeper.delays == [2.5, 5, 10, 20, 30, 30]


def test_job_events_finds_the_failed_state_and_redrive_reruns_only_it(
    analysis: dict[str, Any],
) -> None:
    functions = AnalysisFunctions()
    functions.broken["Charter"] = "ChartsFailed"
    changes: list[dict[str, Any]] = []
    engine = Engine(
        analysis, functions, fakes.store(), sleep=Sleeper(), on_status_change=changes.append
    )
    arn = engine.start_execution(JOB, name=JOB["job_id"])
    assert engine.wait(arn, timeout=20)["status"] == "FAILED"

    change = parse_event(changes[-1])
    stop = where_it_stopped(HistoryClient(engine), change.detail)
    assert (stop.state, stop.error, stop.step) == ("Build charts", "ChartsFailed", "charts")
    assert stop.cause == f"Charter failed for job {JOB['job_id']}"

    del functions.broken["Charter"]
    engine.redrive_execution(arn)
    assert engine.wait(arn, timeout=20)["status"] == "SUCCEEDED"
    assert parse_event(changes[2]).detail.redrive_count == 1
    assert {role: len(calls) for role, calls in functions.calls.items()} == {
        "StartJob": 1,
        "Tagger": len(SYMBOLS),
        "Reporter": 1,
        "Charter": 2,
        "Retirement": 1,
        "FinalizeJob": 1,
    }


def test_job_events_finds_a_failed_tagging_iteration(analysis: dict[str, Any]) -> None:
    functions = AnalysisFunctions()
    functions.broken["Tagger"] = "InvalidModelOutput"
    changes: list[dict[str, Any]] = []
    engine = Engine(
        analysis, functions, fakes.store(), sleep=Sleeper(), on_status_change=changes.append
    )
    arn = engine.start_execution(JOB, name=JOB["job_id"])
    assert engine.wait(arn, timeout=20)["status"] == "FAILED"

    stop = where_it_stopped(HistoryClient(engine), parse_event(changes[-1]).detail)
    assert (stop.state, stop.error, stop.step) == (
        "Tag instrument",
        "InvalidModelOutput",
        "tagging",
    )
    assert functions.calls["Reporter"] == []


def test_a_failing_branch_aborts_a_sibling_in_flight_and_redrive_reruns_both(
    analysis: dict[str, Any],
) -> None:
    # AWS: when a branch fails, the other branches stop; a task in flight is aborted and its
    # result discarded, and a redrive runs the failed and the aborted branches again.
    # (https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html,
    # https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html)
    release = threading.Event()
    functions = AnalysisFunctions()
    functions.broken["Charter"] = "ChartsFailed"
    functions.slow["Reporter"] = release
    engine = Engine(analysis, functions, fakes.store(), sleep=Sleeper())
    arn = engine.start_execution(JOB, name=JOB["job_id"])
    assert engine.wait(arn, timeout=20)["status"] == "FAILED"
    release.set()  # the abandoned call returns late: its result is discarded

    history = engine.get_execution_history(arn)
    ends = {
        state_name(history, event): event["type"]
        for event in history
        if event["type"] in ("TaskSucceeded", "TaskFailed", "TaskStateAborted")
        and state_name(history, event) in ("Write report", "Build charts", "Project retirement")
    }
    # The charts' TaskFailed is followed by TaskStateAborted, as AWS logs it; the retirement
    # branch may have finished before the charts failed, or been aborted with the report.
    assert ends["Write report"] == ends["Build charts"] == "TaskStateAborted"
    retirement_aborted = ends["Project retirement"] == "TaskStateAborted"
    types = [event["type"] for event in history]
    assert types[-2:] == ["ParallelStateFailed", "ExecutionFailed"]
    assert "TaskStateExited" not in [
        e["type"] for e in history if state_name(history, e) == "Write report"
    ]

    del functions.broken["Charter"]
    engine.redrive_execution(arn)
    assert engine.wait(arn, timeout=20)["status"] == "SUCCEEDED"
    assert {role: len(calls) for role, calls in functions.calls.items()} == {
        "StartJob": 1,
        "Tagger": len(SYMBOLS),
        "Reporter": 2,
        "Charter": 2,
        "Retirement": 1 + retirement_aborted,
        "FinalizeJob": 1,
    }


def state_name(history: list[dict[str, Any]], event: dict[str, Any]) -> str | None:
    """The state an event belongs to: back along its previous events to the state's entry."""
    by_id = {e["id"]: e for e in history}
    while not event["type"].endswith("StateEntered"):
        if event["previousEventId"] not in by_id:
            return None
        event = by_id[event["previousEventId"]]
    name: str = event["stateEnteredEventDetails"]["name"]
    return name
