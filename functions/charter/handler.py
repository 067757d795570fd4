"""Lambda entry for "Build charts": the model chooses and words the charts, code fills them."""

import asyncio
from typing import Any

from agents import Model

from functions.charter.agent import CharterContext, charter, chosen_charts, offline_model
from functions.charter.templates import charts_prompt
from runtime import snapstart
from runtime.agents import run_agent, store_result
from runtime.handlers import database, step_handler
from runtime.model_factory import agent_model
from runtime.steps import run_step
from shared.analytics import coverage_gaps, standard_charts
from shared.db import Database, Jobs
from shared.portfolio import load_portfolio
from shared.schemas import StepInput
from state_machines.steps import CHARTS

# Heavy imports, the model and the clients at init: the SnapStart snapshot holds them.
snapstart.prepare()

NOTHING_TO_CHART = (
    "No charts yet: the portfolio has no value. Add accounts with cash or positions, then run"
    " the analysis again."
)


async def build_charts(db: Database, request: StepInput, model: Model) -> dict[str, Any]:
    """Choose the charts and store them in `charts_payload`; a portfolio worth nothing gets none,
    and its step says why."""

    async def work() -> dict[str, Any]:
        portfolio = load_portfolio(db, request.user_id)
        available = standard_charts(portfolio.valuation)
        if not available:
            with db.transaction() as tx:
                jobs = Jobs(tx)
                jobs.store_payload(request.user_id, request.job_id, CHARTS.payload_kind, {})
                jobs.record_provenance(
                    request.user_id,
                    request.job_id,
                    CHARTS.key,
                    generated_by="none",
                    notice=NOTHING_TO_CHART,
                )
            return {"charts": 0, "keys": []}
        outcome = await run_agent(
            charter,
            charts_prompt(portfolio),
            model=model,
            context=CharterContext(charts=available),
            validate=lambda answer: chosen_charts(answer, available),
        )
        # What the charts cannot show is said on every chart, by code, whatever the model wrote.
        gaps = " ".join(coverage_gaps(portfolio.valuation))
        charts: dict[str, Any] = {
            key: chart.model_copy(
                update={"description": f"{chart.description} {gaps}".strip()}
            ).model_dump(mode="json")
            for key, chart in outcome.value.items()
        }
        store_result(db, request, CHARTS, outcome, charts)
        return {"charts": len(outcome.value), "keys": list(outcome.value)}

    return await run_step(db, request, CHARTS, work)


@step_handler(CHARTS)
def handler(event: dict[str, Any]) -> dict[str, Any]:
    request = StepInput.model_validate(event)
    return asyncio.run(build_charts(database(), request, agent_model(offline=offline_model)))
