"""Reading a job checks it against its execution only when it has been pending or running
unchanged past ALEX_STALE_JOB_AFTER, and a Step Functions out of reach never fails the read."""

import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from local.api_server import local_app
from shared.db import Jobs, Users
from shared.db.psycopg_driver import PsycopgDriver
from shared.schemas import Job, JobCreate, UserCreate
from tests.api.conftest import Token, api_settings


def running_job(db: PsycopgDriver, user_id: str) -> Job:
    Users(db).get_or_create(UserCreate(clerk_user_id=user_id))
    jobs = Jobs(db)
    job = jobs.create(user_id, JobCreate())
    arn = f"arn:aws:states:us-east-1:000000000000:execution:Analysis:{job.id}"
    jobs.set_execution(user_id, job.id, arn)
    return jobs.set_status(user_id, job.id, "running")


def described(app: FastAPI) -> list[str]:
    """The executions the app's Step Functions client is asked to describe, from now on."""
    calls: list[str] = []

    def record(params: dict[str, Any], **kwargs: Any) -> None:
        calls.append(params["executionArn"])

    app.state.workflow.client.meta.events.register(
        "before-parameter-build.sfn.DescribeExecution", record
    )
    return calls


@pytest.fixture
def stale_app(pg: PsycopgDriver, issuer_dir: Path, migrated_url: str) -> FastAPI:
    """The API for which every pending or running job is stale, its Step Functions out of reach."""
    return local_app(api_settings(issuer_dir, migrated_url, ALEX_STALE_JOB_AFTER=0), db=pg)


def test_a_job_that_changed_recently_is_read_without_asking_step_functions(
    app: FastAPI, client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    job = running_job(pg, "user_alice")
    calls = described(app)

    read = client.get(f"/api/jobs/{job.id}", headers=auth("user_alice"))
    listed = client.get("/api/jobs", headers=auth("user_alice"))

    assert (read.status_code, read.json()["status"]) == (200, "running")
    assert [item["status"] for item in listed.json()["items"]] == ["running"]
    assert calls == []


def test_a_stale_job_is_read_as_it_is_when_step_functions_is_out_of_reach(
    stale_app: FastAPI, auth: Token, pg: PsycopgDriver, caplog: pytest.LogCaptureFixture
) -> None:
    job = running_job(pg, "user_alice")
    calls = described(stale_app)

    with (
        TestClient(stale_app, raise_server_exceptions=False) as client,
        caplog.at_level(logging.WARNING, logger="alex.api"),
    ):
        read = client.get(f"/api/jobs/{job.id}", headers=auth("user_alice"))
        listed = client.get("/api/jobs", headers=auth("user_alice"))

    assert read.status_code == 200, read.text
    assert read.json() == Job.model_validate(job).model_dump(mode="json") | {
        "updated_at": read.json()["updated_at"]
    }
    assert read.json()["status"] == "running"
    assert [item["id"] for item in listed.json()["items"]] == [str(job.id)]
    assert calls == [job.execution_arn, job.execution_arn]
    assert f"job {job.id} of user_alice: not checked against its execution" in caplog.text
    assert Jobs(pg).get("user_alice", job.id) == job
