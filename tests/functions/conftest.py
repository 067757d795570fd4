"""Fixtures for the workflow's functions: the seeded demo portfolio and a running analysis."""

from collections.abc import Iterator

import pytest

from shared.db import Jobs
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID, seed_instruments, seed_test_data
from shared.schemas import Job, JobCreate, TagInput


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def seeded(pg: PsycopgDriver) -> PsycopgDriver:
    seed_instruments(pg)
    seed_test_data(pg)
    return pg


@pytest.fixture
def job(seeded: PsycopgDriver) -> Iterator[Job]:
    jobs = Jobs(seeded)
    created = jobs.create(TEST_USER_ID, JobCreate())
    yield jobs.set_status(TEST_USER_ID, created.id, "running")


@pytest.fixture
def offline_lambda_env(monkeypatch: pytest.MonkeyPatch, migrated_url: str) -> None:
    """A Lambda's environment for the handlers: the offline model and the test database."""
    monkeypatch.setenv("ALEX_MODEL", "offline")
    monkeypatch.setenv("DATABASE_URL", migrated_url)


def tag_input(job: Job, symbol: str) -> TagInput:
    return TagInput(job_id=job.id, user_id=job.clerk_user_id, symbol=symbol)
