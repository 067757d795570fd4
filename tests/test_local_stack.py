"""The local run command and the embedded PostgreSQL it starts, driven as a person would."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import boto3
import httpx
import psutil
import psycopg
import pytest

from local.postgres import start
from shared.settings import PROJECT_ROOT

ALEX = [sys.executable, "-m", "local.cli"]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "ALEX_DATA_DIR": str(data_dir), **extra}


def _wait_until_gone(pid: int) -> None:
    """PostgreSQL must stop with the last process using it (it may take a moment under load)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.1)
    raise AssertionError(f"PostgreSQL (process {pid}) is still running")


def test_a_second_process_joins_the_running_server(scratch: Path) -> None:
    server, url = start(scratch / "postgres", "alex")
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from local.postgres import start;"
            " s, url = start(Path(sys.argv[1]), 'alex'); print(s.get_pid())",
            str(scratch / "postgres"),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(child.stdout.split()[-1]) == server.get_pid()
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,), "the child's exit must not stop it"
    pid = server.get_pid()
    server.cleanup()
    _wait_until_gone(pid)


def test_run_command_serves_the_database_and_workflow_to_others_and_stops_on_ctrl_c(
    scratch: Path,
) -> None:
    env = _env(scratch, ALEX_STEPFUNCTIONS_PORT="0", ALEX_API_PORT="0", ALEX_MODEL="offline")
    dev = subprocess.Popen(
        [*ALEX, "dev"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert dev.stdout is not None
    lines = []
    deadline = time.monotonic() + 180  # it may synthesize the CDK app first
    while time.monotonic() < deadline:
        line = dev.stdout.readline()
        lines.append(line)
        if "Press Ctrl-C" in line or not line:
            break
    output = "".join(lines)
    assert "Demo user test_user_001: created." in output, output
    url = next(line.split("=", 1)[1].strip() for line in lines if "DATABASE_URL=" in line)
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM accounts WHERE clerk_user_id = 'test_user_001'")
        assert row.fetchone() == (3,)

    again = subprocess.run(
        [*ALEX, "db", "seed", "--with-test-data"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    assert "instruments seeded." in again.stdout and "created" not in again.stdout

    endpoint = next(line.split("=", 1)[1].strip() for line in lines if "_STEPFUNCTIONS=" in line)
    analysis = subprocess.run(
        [*ALEX, "analyze"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert analysis.returncode == 0, analysis.stderr
    assert f"Using the workflow served by process {dev.pid}." in analysis.stderr
    assert "Job " in analysis.stdout and ": completed" in analysis.stdout
    arn = next(
        line.split("started ")[1] for line in analysis.stdout.splitlines() if "started" in line
    )
    client = boto3.client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    assert client.describe_execution(executionArn=arn)["status"] == "SUCCEEDED"

    # The API, signed in through the dev issuer as the SPA signs in.
    app = next(line.split("Alex:", 1)[1].split()[0] for line in lines if "Alex:" in line)
    assert httpx.get(f"{app}health").status_code == 200
    token = httpx.post(f"{app}dev/token", json={"user_id": "test_user_001"}).json()["token"]
    signed_in = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{app}api/user", headers=signed_in).json()["display_name"] == "Test User"
    (job,) = httpx.get(f"{app}api/jobs", headers=signed_in).json()["items"]
    assert job["status"] == "completed"

    pid = int((scratch / "postgres" / "postmaster.pid").read_text().split()[0])
    dev.send_signal(signal.SIGINT)
    assert dev.wait(timeout=30) == 0
    assert "Stopping." in dev.stdout.read()
    _wait_until_gone(pid)


def test_db_reset_twice_leaves_the_same_rows(fresh_database_url: str, scratch: Path) -> None:
    def reset_and_count() -> list[tuple[str, int]]:
        result = subprocess.run(
            [*ALEX, "db", "reset", "--with-test-data", "--yes"],
            cwd=PROJECT_ROOT,
            env=_env(scratch, DATABASE_URL=fresh_database_url),
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        with psycopg.connect(fresh_database_url) as conn:
            return [
                (table, conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]
                for table in ("users", "instruments", "accounts", "positions", "jobs")
            ]

    first = reset_and_count()
    assert first == reset_and_count()
    assert dict(first)["accounts"] == 3


def test_a_database_that_cannot_be_reached_is_a_clear_error(scratch: Path) -> None:
    result = subprocess.run(
        [*ALEX, "db", "migrate"],
        cwd=PROJECT_ROOT,
        env=_env(scratch, DATABASE_URL="postgresql://nobody@127.0.0.1:1/none"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Error: cannot connect to PostgreSQL" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["db", "reset"], ["db", "reset", "--with-test-data"]])
def test_reset_asks_before_dropping_anything(args: list[str], scratch: Path) -> None:
    result = subprocess.run(
        [*ALEX, *args],
        cwd=PROJECT_ROOT,
        env=_env(scratch, DATABASE_URL="postgresql://x@/y"),
        input="n\n",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "Aborted" in result.stderr


def test_test_command_fails_when_no_test_runs() -> None:
    result = subprocess.run(
        [*ALEX, "test", "--no-lint", "tests/test_schemas.py", "-k", "no_test_has_this_name"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "No tests ran: that is a failure." in result.stderr
