"""Lambda entry for "Start job": the job runs, the held symbols' prices are refreshed from the
market-data source (when one is configured), and the instruments that need tagging are listed.

Its result feeds the "Tag instruments" map, so it is computed afresh on every run (a retry, a
redrive): ids only, never payloads. Prices are refreshed once per job, by the run that starts
it; the source's throttling is raised for the workflow to retry with backoff.
"""

from typing import Any

from runtime.handlers import database, step_handler
from runtime.prices import market_data
from shared.db import Database, Instruments, Jobs, Positions
from shared.prices import MarketData, refresh_prices
from shared.schemas import StepInput
from state_machines.steps import START, TAGGING


def start_job(db: Database, request: StepInput, prices: MarketData | None) -> dict[str, Any]:
    jobs = Jobs(db)
    job = jobs.set_status(request.user_id, request.job_id, "running")
    first_run = job.steps[START.key].status != "succeeded"
    if first_run:
        jobs.mark_step(request.user_id, request.job_id, START.key, "running")
    try:
        held = sorted({p.symbol for p in Positions(db).for_user(request.user_id)})
        if first_run:
            refresh = refresh_prices(db, prices, held)
            jobs.record_provenance(
                request.user_id,
                request.job_id,
                START.key,
                generated_by=refresh.source or "stored prices",
                notice=refresh.notice,
            )
        untagged = Instruments(db).untagged(held)
        if job.steps[TAGGING.key].status == "pending":
            jobs.mark_step(
                request.user_id, request.job_id, TAGGING.key, "running", total=len(untagged)
            )
            if not untagged:
                jobs.mark_step(request.user_id, request.job_id, TAGGING.key, "succeeded")
    except Exception as error:
        jobs.mark_step(
            request.user_id,
            request.job_id,
            START.key,
            "failed",
            error=f"{type(error).__name__}: {error}",
        )
        raise
    if first_run:
        jobs.mark_step(request.user_id, request.job_id, START.key, "succeeded")
    return {
        "job_id": str(request.job_id),
        "user_id": request.user_id,
        "symbols": untagged,
        "holdings": len(held),
    }


@step_handler(START)
def handler(event: dict[str, Any]) -> dict[str, Any]:
    return start_job(database(), StepInput.model_validate(event), market_data())
