"""Lambda entry for "Finalize job": a short summary of the analysis, and the job completed.

The summary is assembled by code from what the steps stored; no model writes it.
"""

import asyncio
from collections.abc import Collection
from typing import Any

from runtime.handlers import database, step_handler
from runtime.model_choice import OFFLINE, OFFLINE_NOTICE
from runtime.steps import run_step
from shared.analytics import coverage_gaps
from shared.analytics.prose import dollars, percent
from shared.db import Database, Jobs
from shared.portfolio import Portfolio, load_portfolio
from shared.schemas import Job, StepInput
from state_machines.steps import BRANCHES, FINALIZE, START


def produced_by(writers: Collection[str | None]) -> dict[str, Any]:
    """One notice for the whole result: a language model wrote it, or the offline templates did
    (any part offline makes the whole offline: its words are not a model's)."""
    models = sorted({name for name in writers if name not in (None, OFFLINE, "none")})
    if OFFLINE in writers or not models:
        return {"mode": "offline", "model": None, "message": OFFLINE_NOTICE}
    model = ", ".join(models)
    return {
        "mode": "model",
        "model": model,
        "message": f"Written by the language model {model} from Alex's calculations: every"
        " figure in the text was checked against them. It is general information, not advice.",
    }


# The settings an analysis depends on: the SPA says when they have changed since.
SETTINGS = (
    "years_until_retirement",
    "target_retirement_income",
    "annual_contribution",
    "current_age",
    "asset_class_targets",
    "region_targets",
)


def summary(job: Job, portfolio: Portfolio) -> dict[str, Any]:
    """The headline figures of a finished analysis, what it could not see, what wrote each
    part (and, once, the whole), and the settings and value it was computed from."""
    valuation = portfolio.valuation
    total_value = float(valuation.total)
    unclassified = list(valuation.unclassified)
    gaps = coverage_gaps(valuation)
    retirement = job.retirement_payload or {}
    projection = retirement.get("projection", {})
    charts = list(job.charts_payload or {})
    success = projection.get("success_probability")
    lines = [f"Portfolio value: {dollars(total_value)}."]
    if success is not None:
        chance = retirement.get("verdict", {}).get("chance_words")
        lines.append(
            f"Chance the target retirement income lasts: {percent(100 * success)}"
            + (f" ({chance})." if chance else ".")
        )
    lines += gaps
    prices = job.steps[START.key].notice
    generated_by = {step.key: job.steps[step.key].generated_by for step in BRANCHES}
    if prices:
        lines.append(prices)
    return {
        "text": " ".join(lines),
        "total_value": total_value,
        "gaps": gaps,
        "unpriced": list(valuation.unpriced),
        "prices": prices,
        "success_probability": success,
        # The verdict and the change that helps most, for lists of analyses (dashboard, history).
        "verdict": retirement.get("verdict"),
        "helps_most": next((i["label"] for i in retirement.get("improvements", [])), None),
        "sustainable_income": projection.get("sustainable_income"),
        "charts": charts,
        "unclassified": unclassified,
        "generated_by": generated_by,
        "produced_by": produced_by(list(generated_by.values())),
        "settings": portfolio.user.model_dump(mode="json", include=set(SETTINGS)),
    }


async def finalize_job(db: Database, request: StepInput) -> dict[str, Any]:
    jobs = Jobs(db)

    async def work() -> dict[str, Any]:
        job = jobs.get(request.user_id, request.job_id)
        summarised = summary(job, load_portfolio(db, request.user_id))
        jobs.store_payload(request.user_id, request.job_id, FINALIZE.payload_kind, summarised)
        return {"charts": len(summarised["charts"])}

    result = await run_step(db, request, FINALIZE, work)
    if jobs.get(request.user_id, request.job_id).status == "failed":
        # A redrive whose RUNNING event job-events has not recorded yet (EventBridge is not
        # instant): it runs, and counts, now.
        jobs.set_status(request.user_id, request.job_id, "running")
    jobs.set_status(request.user_id, request.job_id, "completed")
    return result


@step_handler(FINALIZE)
def handler(event: dict[str, Any]) -> dict[str, Any]:
    return asyncio.run(finalize_job(database(), StepInput.model_validate(event)))
