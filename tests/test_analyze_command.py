"""`alex analyze` and `alex jobs`, run as a person runs them: the seeded user's analysis on a
fresh database, the workflow run inside the command (or in the background), the offline model."""

import json
import os
import signal
import subprocess
import sys
import time
from uuid import UUID

from local.workflow import running_workflow
from shared.db import Jobs
from shared.db.migrate import migrate
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID, seed_instruments, seed_test_data
from shared.schemas import JobCreate
from shared.settings import PROJECT_ROOT
from state_machines.steps import CHARTS, REPORT, RETIREMENT

ALEX = [sys.executable, "-m", "local.cli"]


def analyze(database_url: str, *args: str, faults: str = "") -> subprocess.CompletedProcess[str]:
    return alex(database_url, "analyze", *args, faults=faults)


def alex_env(database_url: str, faults: str = "") -> dict[str, str]:
    """The environment of a command run on this database, offline, with these faults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALEX_")}
    env.update(
        DATABASE_URL=database_url, ALEX_ENV="local", ALEX_MODEL="offline", ALEX_FAULTS=faults
    )
    return env


def alex(database_url: str, *args: str, faults: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ALEX, *args],
        cwd=PROJECT_ROOT,
        env=alex_env(database_url, faults),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_seeded_users_analysis_completes_printing_its_states_and_summary(
    fresh_database_url: str,
) -> None:
    result = analyze(fresh_database_url)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for state in ("Start job", "Tag instrument", "Build charts", "Finalize job"):
        assert any(line.endswith(f"entered {state}") for line in lines), result.stdout
        assert any(line.endswith(f"exited  {state}") for line in lines), result.stdout
    assert lines.index(next(x for x in lines if x.endswith("exited  Start job"))) < lines.index(
        next(x for x in lines if x.endswith("entered Finalize job"))
    )
    assert any(line.endswith(": completed") for line in lines), result.stdout
    assert "Portfolio value: $" in result.stdout
    assert "not yet classified (AAPL, NVDA): it is shown as Unclassified" in result.stdout
    assert (
        '"Tag instruments" (step tagging) was skipped. No language model is configured'
        in result.stdout
    )


def test_crashing_charts_fail_the_job_naming_the_step_and_error(fresh_database_url: str) -> None:
    result = analyze(fresh_database_url, faults="charter=fail")

    assert result.returncode == 1, result.stderr
    assert any(line.endswith(": failed") for line in result.stdout.splitlines()), result.stdout
    assert 'Failed in "Build charts" (step charts)' in result.stdout
    assert "Error: Crash: charter call 1: fault injected by ALEX_FAULTS=fail" in result.stdout


def test_json_prints_the_job_alone_on_stdout(fresh_database_url: str) -> None:
    result = analyze(fresh_database_url, "--json", "--user", "test_user_001")

    assert result.returncode == 0, result.stderr
    job = json.loads(result.stdout)
    assert (job["clerk_user_id"], job["status"]) == ("test_user_001", "completed")
    assert job["execution_arn"].endswith(f":execution:Analysis:{job['id']}")
    # Offline, tagging is skipped; every other step succeeded.
    assert {name: step["status"] for name, step in job["steps"].items()} == {
        **dict.fromkeys(job["steps"], "succeeded"),
        "tagging": "skipped",
    }
    assert job["summary_payload"]["unclassified"] == ["AAPL", "NVDA"]
    assert "entered Build charts" in result.stderr  # progress goes to stderr


def test_a_user_with_an_active_analysis_is_shown_it_instead(fresh_database_url: str) -> None:
    db = PsycopgDriver(fresh_database_url)
    migrate(db)
    seed_instruments(db)
    seed_test_data(db)
    active = Jobs(db).create(TEST_USER_ID, JobCreate())
    db.close()

    result = analyze(fresh_database_url)

    assert result.returncode == 1
    assert "test_user_001 already has an analysis pending or running" in result.stderr
    assert f"Job {active.id}: pending" in result.stdout


def test_a_failed_analysis_is_redriven_from_the_cli_rerunning_only_the_failed_step(
    fresh_database_url: str,
) -> None:
    failed = analyze(fresh_database_url, "--json", faults="charter=fail")
    assert failed.returncode == 1, failed.stderr
    job_id = json.loads(failed.stdout)["id"]

    shown = alex(fresh_database_url, "jobs", "show", job_id)
    assert shown.returncode == 0, shown.stderr
    assert "charts     failed" in shown.stdout
    assert 'Failed in "Build charts" (step charts)' in shown.stdout
    # As in AWS, the branches still running when "Build charts" failed were aborted.
    status = {line.split()[0]: line.split()[1] for line in shown.stdout.splitlines()[:6]}
    assert status["report"] in ("succeeded", "aborted")
    assert status["retirement"] in ("succeeded", "aborted")
    aborted = {REPORT.state: status["report"], RETIREMENT.state: status["retirement"]}

    redriven = alex(fresh_database_url, "jobs", "redrive", job_id)

    assert redriven.returncode == 0, redriven.stderr
    assert f'Job {job_id}: redriven from "Build charts"' in redriven.stdout
    entered = [
        line.split("entered ")[1] for line in redriven.stdout.splitlines() if "entered" in line
    ]
    # The redrive runs the failed branch and the aborted ones again, as AWS does.
    assert entered[0] == "Analyze portfolio" and entered[-1] == "Finalize job"
    rerun = set(entered[1:-1])
    assert CHARTS.state in rerun
    assert {state for state, was in aborted.items() if was == "aborted"} <= rerun
    assert f"Job {job_id}: completed" in redriven.stdout
    db = PsycopgDriver(fresh_database_url)
    done = Jobs(db).get(TEST_USER_ID, UUID(job_id))
    db.close()
    assert (done.status, done.redrive_count) == ("completed", 1)
    # Every call is an attempt: the charter's injected crash and its rerun, an aborted step and
    # its rerun; every other step once.
    assert {n: s.status for n, s in done.steps.items()} == {
        **dict.fromkeys(done.steps, "succeeded"),
        "tagging": "skipped",
    }
    for name, step in done.steps.items():
        twice = name == "charts" or status.get(name) == "aborted"
        assert step.attempts == (2 if twice else 1), name

    listed = alex(fresh_database_url, "jobs", "list")
    assert listed.returncode == 0, listed.stderr
    assert f"{job_id}" in listed.stdout and "completed" in listed.stdout
    again = alex(fresh_database_url, "jobs", "redrive", job_id)
    assert again.returncode == 1
    assert "is completed: only a failed job can be retried" in again.stderr


def test_no_wait_returns_at_once_and_the_analysis_completes_in_the_background(
    fresh_database_url: str,
) -> None:
    started = analyze(fresh_database_url, "--no-wait", "--json")

    assert started.returncode == 0, started.stderr
    assert "The workflow runs in the background" in started.stderr
    job = json.loads(started.stdout)
    db = PsycopgDriver(fresh_database_url)
    try:
        deadline = time.monotonic() + 180
        while (current := Jobs(db).get(TEST_USER_ID, UUID(job["id"]))).status != "completed":
            assert current.status in ("pending", "running"), current
            assert time.monotonic() < deadline, current
            time.sleep(0.5)
    finally:
        db.close()
        served = running_workflow(fresh_database_url)
        if served is not None:
            os.kill(served.pid, signal.SIGTERM)
    shown = alex(fresh_database_url, "jobs", "show", job["id"], "--json")
    assert json.loads(shown.stdout)["status"] == "completed"


def test_unknown_jobs_are_a_clear_error(fresh_database_url: str) -> None:
    missing = "00000000-0000-0000-0000-000000000000"
    for command in ("show", "redrive"):
        result = alex(fresh_database_url, "jobs", command, missing)
        assert result.returncode == 1
        assert f"test_user_001 has no job {missing}" in result.stderr
