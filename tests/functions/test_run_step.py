"""The step lifecycle when an aborted run of the same step finishes while its redrive starts."""

from typing import Any

import pytest

from runtime.steps import run_step
from shared.db import Jobs
from shared.db.psycopg_driver import PsycopgDriver
from shared.schemas import Job, StepInput
from state_machines.steps import RETIREMENT


@pytest.mark.anyio
async def test_a_step_finished_by_its_aborted_run_meanwhile_is_not_run_again(
    seeded: PsycopgDriver, job: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = Jobs(seeded)
    jobs.mark_step(job.clerk_user_id, job.id, "retirement", "running")
    jobs.mark_step(job.clerk_user_id, job.id, "retirement", "aborted")
    mark_step = Jobs.mark_step

    def aborted_run_finishes_first(self: Jobs, *args: Any, **kwargs: Any) -> Job:
        Jobs.mark_step = mark_step  # type: ignore[method-assign]
        mark_step(self, job.clerk_user_id, job.id, "retirement", "succeeded")
        return mark_step(self, *args, **kwargs)

    monkeypatch.setattr(Jobs, "mark_step", aborted_run_finishes_first)
    ran = []

    async def work() -> dict[str, Any]:
        ran.append(True)
        return {}

    request = StepInput(job_id=job.id, user_id=job.clerk_user_id)
    result = await run_step(seeded, request, RETIREMENT, work)

    assert result == {"step": "retirement", "outcome": "already done"}
    assert not ran
    assert jobs.get(job.clerk_user_id, job.id).steps["retirement"].status == "succeeded"
