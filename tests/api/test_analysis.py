"""End to end through HTTP: sign in, build a portfolio, analyze it on the local workflow (the
synthesized definition, the real handlers, the offline model), see it fail where a fault is
injected, retry it from the failed step, and read every result."""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from local.api_server import local_app
from local.workflow import LocalWorkflow, local_workflow
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import seed_instruments
from shared.settings import get_settings
from tests.api.conftest import Token, api_settings


@pytest.fixture(scope="module")
def workflow(migrated_url: str) -> Iterator[LocalWorkflow]:
    """The local workflow, whose charts step crashes on its first call only."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in {
            "ALEX_ENV": "local",
            "ALEX_MODEL": "offline",
            "ALEX_FAULTS": "charter=fail:1",
            "DATABASE_URL": migrated_url,
        }.items():
            env.setenv(name, value)
        get_settings.cache_clear()
        db = PsycopgDriver(migrated_url)
        try:
            with local_workflow(db, migrated_url) as running:
                yield running
        finally:
            db.close()


@pytest.fixture
def app(pg: PsycopgDriver, issuer_dir: Any, migrated_url: str, workflow: LocalWorkflow) -> FastAPI:
    settings = api_settings(
        issuer_dir,
        migrated_url,
        ANALYSIS_STATE_MACHINE_ARN=workflow.state_machine_arn,
        AWS_ENDPOINT_URL_STEPFUNCTIONS=workflow.endpoint_url,
    )
    return local_app(settings, db=pg)


def wait_for(
    client: TestClient, headers: dict[str, str], job_id: str, status: str
) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/jobs/{job_id}", headers=headers).json()
        if job["status"] == status:
            return job
        assert job["status"] in ("pending", "running"), job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not become {status} in 120 s")


def test_an_analysis_requested_over_http_fails_at_the_fault_and_redrive_completes_it(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    seed_instruments(pg)
    alice = auth("user_alice", name="Alice")
    account = client.post(
        "/api/accounts", headers=alice, json={"account_name": "Taxable", "account_type": "taxable"}
    ).json()
    for symbol, quantity in [("VTI", 40), ("BND", 25), ("UNKNWN", 3)]:
        created = client.post(
            "/api/positions",
            headers=alice,
            json={"account_id": account["id"], "symbol": symbol, "quantity": quantity},
        )
        assert created.status_code == 201, created.text

    started = client.post("/api/analyze", headers=alice)
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    assert started.json()["started"] is True
    again = client.post("/api/analyze", headers=alice)
    assert (again.status_code, again.json()["job_id"], again.json()["started"]) == (
        200,
        job_id,
        False,
    )

    failed = wait_for(client, alice, job_id, "failed")
    assert failed["failed_step"] == "charts"
    assert "fault injected" in (failed["error_cause"] or failed["error_message"])
    # As in AWS, the report is aborted when it was still running as the charts failed.
    report = failed["steps"]["report"]
    assert report["status"] in ("succeeded", "aborted")

    redriven = client.post(f"/api/jobs/{job_id}/redrive", headers=alice)
    assert redriven.status_code == 202, redriven.text
    done = wait_for(client, alice, job_id, "completed")

    assert done["redrive_count"] == 1
    # Offline, tagging (of UNKNWN) is skipped; every other step succeeded.
    assert {name: step["status"] for name, step in done["steps"].items()} == {
        **dict.fromkeys(done["steps"], "succeeded"),
        "tagging": "skipped",
    }
    if report["status"] == "succeeded":
        assert done["steps"]["report"]["attempts"] == report["attempts"]  # not run again
    for payload in ("report_payload", "charts_payload", "retirement_payload", "summary_payload"):
        assert done[payload], payload
    assert done["steps"]["tagging"]["total"] == 1  # UNKNWN, created by the position
    history = client.get("/api/jobs", headers=alice).json()["items"]
    assert [(j["id"], j["status"]) for j in history] == [(job_id, "completed")]
    assert client.get(f"/api/jobs/{job_id}", headers=auth("user_bob")).status_code == 404
