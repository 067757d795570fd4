"""`alex jobs redrive` against AWS: with ALEX_ENV=aws it redrives through Step Functions' own API
(here the local endpoint stands in for AWS) and the configured database, starting nothing."""

import time

import pytest
from click.testing import CliRunner

from local.cli import main
from local.workflow import local_workflow
from runtime.executions import start_analysis
from shared.db import Jobs
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID
from shared.schemas import JobCreate
from shared.settings import get_settings
from tests.functions.conftest import seeded

__all__ = ["seeded"]


def test_redrive_with_aws_settings_uses_the_configured_step_functions(
    seeded: PsycopgDriver, migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALEX_MODEL", "offline")
    monkeypatch.setenv("ALEX_FAULTS", "charter=fail:1")
    with local_workflow(seeded, migrated_url) as aws:
        job = start_analysis(seeded, aws.client(), aws.state_machine_arn, TEST_USER_ID, JobCreate())
        jobs = Jobs(seeded)
        deadline = time.monotonic() + 120
        while jobs.get(TEST_USER_ID, job.id).status != "failed":
            assert time.monotonic() < deadline
            time.sleep(0.2)

        monkeypatch.setenv("ALEX_ENV", "aws")
        monkeypatch.setenv("DATABASE_URL", migrated_url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_STEPFUNCTIONS", aws.endpoint_url)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
        monkeypatch.setenv("AWS_REGION", "us-east-1")
        get_settings.cache_clear()
        result = CliRunner().invoke(main, ["jobs", "redrive", str(job.id)])

        assert result.exit_code == 0, result.output
        assert f'Job {job.id}: redriven from "Build charts"' in result.output
        assert f"Job {job.id}: completed" in result.output
        assert jobs.get(TEST_USER_ID, job.id).redrive_count == 1
