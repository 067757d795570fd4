"""`alex analyze`, run as a person runs it: the seeded user's analysis on a fresh database, the
workflow synthesized and run inside the command, the offline model."""

import json
import os
import subprocess
import sys

from shared.db import Jobs
from shared.db.migrate import migrate
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID, seed_instruments, seed_test_data
from shared.schemas import JobCreate
from shared.settings import PROJECT_ROOT

ALEX = [sys.executable, "-m", "local.cli"]


def analyze(database_url: str, *args: str, faults: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALEX_")}
    env.update(
        DATABASE_URL=database_url, ALEX_ENV="local", ALEX_MODEL="offline", ALEX_FAULTS=faults
    )
    return subprocess.run(
        [*ALEX, "analyze", *args],
        cwd=PROJECT_ROOT,
        env=env,
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
    assert "shown as Unclassified: AAPL, NVDA" in result.stdout


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
    assert all(step["status"] == "succeeded" for step in job["steps"].values())
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
