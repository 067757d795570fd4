"""Jobs never stick: a process running an analysis is killed (SIGKILL, no clean-up), and the next
engine marks its execution aborted and the job failed with a cause, so a redrive completes it."""

import signal
import subprocess
import time
from uuid import UUID

import psycopg

from shared.db import Jobs
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID
from shared.settings import PROJECT_ROOT
from tests.test_analyze_command import ALEX, alex, alex_env

KILL_AFTER_SECONDS = 120


def wait_for_a_throttled_charts_call(database_url: str, process: subprocess.Popen[str]) -> UUID:
    """The job, once its "Build charts" call has been throttled: the engine is waiting to retry
    it, in the middle of the execution."""
    deadline = time.monotonic() + KILL_AFTER_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            with psycopg.connect(database_url, autocommit=True) as conn:
                row = conn.execute(
                    "SELECT j.id FROM jobs j JOIN local_engine.events e"
                    " ON e.execution_arn = j.execution_arn"
                    " WHERE e.type = 'TaskFailed' AND e.details::text LIKE '%ModelThrottled%'"
                ).fetchone()
        except psycopg.errors.UndefinedTable:  # not migrated yet
            row = None
        if row is not None:
            return UUID(str(row[0]))
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"no throttled charts call within {KILL_AFTER_SECONDS}s")


def test_a_killed_analysis_is_failed_by_the_next_engine_and_redriven_to_completion(
    fresh_database_url: str,
) -> None:
    running = subprocess.Popen(
        [*ALEX, "analyze"],
        cwd=PROJECT_ROOT,
        env=alex_env(fresh_database_url, faults="charter=throttle"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    job_id = wait_for_a_throttled_charts_call(fresh_database_url, running)
    running.send_signal(signal.SIGKILL)
    running.wait(timeout=30)
    db = PsycopgDriver(fresh_database_url)
    try:
        assert Jobs(db).get(TEST_USER_ID, job_id).status == "running"  # as the kill left it

        shown = alex(fresh_database_url, "jobs", "show", str(job_id))

        assert shown.returncode == 0, shown.stderr
        assert f"Job {job_id}: failed" in shown.stdout, shown.stdout
        job = Jobs(db).get(TEST_USER_ID, job_id)
        assert job.status == "failed", job.model_dump_json()
        assert job.error_cause and "redrive it to resume" in job.error_cause, job.model_dump_json(
            include={"error_message", "error_cause", "failed_step"}
        )
        # Where it stopped: one of the branches running beside the throttled charts.
        assert job.failed_step in ("report", "charts", "retirement")
        assert job.steps[job.failed_step].status != "succeeded"

        redriven = alex(fresh_database_url, "jobs", "redrive", str(job_id))

        assert redriven.returncode == 0, redriven.stdout + redriven.stderr
        assert f"Job {job_id}: completed" in redriven.stdout
        done = Jobs(db).get(TEST_USER_ID, job_id)
        assert done.status == "completed" and done.redrive_count == 1
        # Offline, tagging classifies nothing: skipped, as in any offline analysis.
        assert {name: step.status for name, step in done.steps.items()} == {
            **dict.fromkeys(done.steps, "succeeded"),
            "tagging": "skipped",
        }
    finally:
        db.close()
