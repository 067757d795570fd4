"""Jobs: one active per user, a lifecycle that refuses impossible moves, per-step progress."""

import threading
from decimal import Decimal

import pytest

from shared.db import Database, Jobs, Users
from shared.errors import Conflict, InvalidTransition, NotFound
from shared.schemas import STEP_NAMES, Job, JobCreate, UserCreate


@pytest.fixture
def job(db: Database) -> Job:
    for user_id in ("user_a", "user_b"):
        Users(db).get_or_create(UserCreate(clerk_user_id=user_id))
    return Jobs(db).create("user_a", JobCreate(request_payload={"source": "test"}))


def test_a_new_job_is_pending_with_every_step_pending(job: Job) -> None:
    assert job.status == "pending"
    assert tuple(job.steps) == STEP_NAMES
    assert all(step.status == "pending" and step.attempts == 0 for step in job.steps.values())
    assert job.request_payload == {"source": "test"}
    assert job.started_at is None and job.redrive_count == 0


def test_only_one_analysis_is_active_per_user(db: Database, job: Job) -> None:
    jobs = Jobs(db)
    with pytest.raises(Conflict, match="already pending or running"):
        jobs.create("user_a", JobCreate())
    assert jobs.active("user_a") == job
    assert jobs.create("user_b", JobCreate()).clerk_user_id == "user_b"
    jobs.set_status("user_a", job.id, "running")
    jobs.set_status("user_a", job.id, "completed")
    assert jobs.active("user_a") is None
    assert jobs.create("user_a", JobCreate()).status == "pending"


def test_lifecycle_stamps_start_and_end(db: Database, job: Job) -> None:
    jobs = Jobs(db)
    running = jobs.set_status("user_a", job.id, "running")
    assert running.started_at is not None and running.completed_at is None
    assert jobs.set_status("user_a", job.id, "running") == running, "a repeat changes nothing"
    done = jobs.set_status("user_a", job.id, "completed")
    assert done.completed_at is not None and done.completed_at >= running.started_at  # type: ignore[operator]


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["running", "completed"], "pending"),
        (["running", "completed"], "running"),
        (["running", "completed"], "failed"),
        ([], "completed"),
        (["running"], "pending"),
    ],
)
def test_impossible_status_moves_are_refused_and_change_nothing(
    db: Database, job: Job, path: list[str], refused: str
) -> None:
    jobs = Jobs(db)
    for status in path:
        jobs.set_status("user_a", job.id, status)  # type: ignore[arg-type]
    before = jobs.get("user_a", job.id)
    with pytest.raises(InvalidTransition, match=f"cannot become {refused}"):
        jobs.set_status("user_a", job.id, refused)  # type: ignore[arg-type]
    assert jobs.get("user_a", job.id) == before


def test_failure_records_the_step_and_a_redrive_clears_it(db: Database, job: Job) -> None:
    jobs = Jobs(db)
    jobs.set_status("user_a", job.id, "running")
    failed = jobs.set_status(
        "user_a",
        job.id,
        "failed",
        error="ModelThrottled",
        cause="rate limited",
        failed_step="charts",
    )
    assert (failed.failed_step, failed.error_message, failed.error_cause) == (
        "charts",
        "ModelThrottled",
        "rate limited",
    )
    assert failed.completed_at is not None
    duplicate = jobs.set_status("user_a", job.id, "failed", error="Other", failed_step="report")
    assert duplicate == failed, "a repeated failure event must not overwrite the first"
    redriven = jobs.set_status("user_a", job.id, "running")
    assert redriven.redrive_count == 1
    assert (redriven.failed_step, redriven.error_message, redriven.completed_at) == (
        None,
        None,
        None,
    )
    assert redriven.started_at == failed.started_at


def test_redrive_while_another_analysis_runs_is_a_conflict(db: Database, job: Job) -> None:
    jobs = Jobs(db)
    jobs.set_status("user_a", job.id, "failed", error="boom")
    other = jobs.create("user_a", JobCreate())
    with pytest.raises(Conflict):
        jobs.set_status("user_a", job.id, "running")
    assert jobs.get("user_a", job.id).status == "failed"
    assert jobs.active("user_a") == other


def test_step_attempts_and_timestamps(db: Database, job: Job) -> None:
    jobs = Jobs(db)
    first = jobs.mark_step("user_a", job.id, "report", "running").steps["report"]
    assert (first.status, first.attempts, first.completed_at) == ("running", 1, None)
    retried = jobs.mark_step("user_a", job.id, "report", "running").steps["report"]
    assert retried.attempts == 2 and retried.started_at == first.started_at
    failed = jobs.mark_step("user_a", job.id, "report", "failed", error="boom").steps["report"]
    assert (failed.status, failed.error) == ("failed", "boom") and failed.completed_at
    again = jobs.mark_step("user_a", job.id, "report", "running").steps["report"]
    assert (again.attempts, again.error, again.completed_at) == (3, None, None)
    done = jobs.mark_step("user_a", job.id, "report", "succeeded").steps["report"]
    assert done.status == "succeeded" and done.completed_at
    assert jobs.get("user_a", job.id).steps["charts"].status == "pending"


def test_finished_steps_do_not_move_back(db: Database, job: Job) -> None:
    jobs = Jobs(db)
    jobs.mark_step("user_a", job.id, "charts", "running")
    done = jobs.mark_step("user_a", job.id, "charts", "succeeded")
    assert jobs.mark_step("user_a", job.id, "charts", "succeeded") == done
    for status in ("running", "failed", "pending"):
        with pytest.raises(InvalidTransition, match=r"step charts .* is succeeded"):
            jobs.mark_step("user_a", job.id, "charts", status)  # type: ignore[arg-type]
    with pytest.raises(InvalidTransition, match="is pending and cannot become succeeded"):
        jobs.mark_step("user_a", job.id, "finalize", "succeeded")
    assert jobs.get("user_a", job.id) == done


def test_tagging_progress_counts_each_item_once_and_succeeds_with_the_last(
    db: Database, job: Job
) -> None:
    jobs = Jobs(db)
    jobs.mark_step("user_a", job.id, "tagging", "running", total=12)
    symbols = [f"S{i}" for i in range(12)]

    def tag(chunk: list[str]) -> None:
        for symbol in chunk:
            jobs.finish_step_item("user_a", job.id, "tagging", symbol)
            jobs.finish_step_item("user_a", job.id, "tagging", symbol)  # a retried iteration

    threads = [threading.Thread(target=tag, args=(symbols[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    step = jobs.get("user_a", job.id).steps["tagging"]
    assert (step.done, step.total, sorted(step.items)) == (12, 12, sorted(symbols))
    assert step.status == "succeeded" and step.completed_at is not None


def test_tagging_step_stays_running_until_its_last_item(db: Database, job: Job) -> None:
    jobs = Jobs(db)
    jobs.mark_step("user_a", job.id, "tagging", "running", total=2)
    step = jobs.finish_step_item("user_a", job.id, "tagging", "AAPL").steps["tagging"]
    assert (step.status, step.done) == ("running", 1)


def test_payloads_and_usage_are_stored_without_double_counting(db: Database, job: Job) -> None:
    jobs = Jobs(db)
    charts = {"asset_allocation": {"title": "Assets", "data": [{"name": "Equity", "value": 1.5}]}}
    assert jobs.store_payload("user_a", job.id, "charts", charts).charts_payload == charts
    jobs.record_usage(
        "user_a",
        job.id,
        "reporter",
        input_tokens=100,
        output_tokens=50,
        cost_usd=Decimal("0.001"),
    )
    jobs.record_usage(
        "user_a", job.id, "charter", input_tokens=10, output_tokens=5, cost_usd=Decimal("0.0002")
    )
    again = jobs.record_usage(
        "user_a",
        job.id,
        "reporter",
        input_tokens=100,
        output_tokens=50,
        cost_usd=Decimal("0.001"),
    )
    assert (again.input_tokens, again.output_tokens, again.cost_usd) == (
        110,
        55,
        Decimal("0.0012"),
    )
    assert set(again.usage) == {"reporter", "charter"}


def test_what_wrote_a_result_is_recorded_on_its_step_and_replaced_by_a_rerun(
    db: Database, job: Job
) -> None:
    jobs = Jobs(db)
    jobs.mark_step("user_a", job.id, "report", "running")
    offline = jobs.record_provenance(
        "user_a", job.id, "report", generated_by="offline", notice="Written offline."
    )
    step = offline.steps["report"]
    assert (step.status, step.generated_by, step.notice) == (
        "running",
        "offline",
        "Written offline.",
    )
    assert all(s.generated_by is None for name, s in offline.steps.items() if name != "report")
    rerun = jobs.record_provenance("user_a", job.id, "report", generated_by="bedrock/claude")
    assert (rerun.steps["report"].generated_by, rerun.steps["report"].notice) == (
        "bedrock/claude",
        None,
    )
    assert jobs.get("user_a", job.id) == rerun


def test_another_users_job_is_not_found_and_untouched(db: Database, job: Job) -> None:
    jobs = Jobs(db)
    with pytest.raises(NotFound):
        jobs.get("user_b", job.id)
    with pytest.raises(NotFound):
        jobs.set_status("user_b", job.id, "running")
    with pytest.raises(NotFound):
        jobs.mark_step("user_b", job.id, "start", "running")
    with pytest.raises(NotFound):
        jobs.store_payload("user_b", job.id, "summary", {"text": "mine"})
    with pytest.raises(NotFound):
        jobs.record_provenance("user_b", job.id, "report", generated_by="offline")
    assert jobs.recent("user_b").items == []
    assert jobs.get("user_a", job.id) == job


def test_recent_lists_newest_first_in_pages(db: Database, job: Job) -> None:
    jobs = Jobs(db)
    created = [job]
    for _ in range(4):
        jobs.set_status("user_a", created[-1].id, "failed", error="x")
        created.append(jobs.create("user_a", JobCreate()))
    newest_first = [j.id for j in reversed(created)]
    first = jobs.recent("user_a", limit=3)
    assert [j.id for j in first.items] == newest_first[:3]
    rest = jobs.recent("user_a", limit=3, cursor=first.next_cursor)
    assert [j.id for j in rest.items] == newest_first[3:]
