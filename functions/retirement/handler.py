"""Lambda entry for "Project retirement": a Monte Carlo projection, variations, a narrative."""

import asyncio
from typing import Any

from agents import Model

from functions.retirement.agent import (
    RetirementContext,
    narrative_validator,
    offline_model,
    retirement_planner,
)
from functions.retirement.templates import projection_prompt
from runtime import snapstart
from runtime.agents import AgentOutcome, run_agent, store_result
from runtime.handlers import database, step_handler
from runtime.model_factory import agent_model
from runtime.steps import run_step
from shared.analytics import retirement_inputs
from shared.db import Database
from shared.portfolio import load_portfolio
from shared.schemas import StepInput
from state_machines.steps import RETIREMENT

# Heavy imports, the model and the clients at init: the SnapStart snapshot holds them.
snapstart.prepare()


async def project(db: Database, request: StepInput, model: Model) -> dict[str, Any]:
    """Project the user's retirement, have the planner explain it, and store the result."""

    async def work() -> dict[str, Any]:
        portfolio = load_portfolio(db, request.user_id)
        context = RetirementContext.for_plan(retirement_inputs(portfolio.user, portfolio.valuation))
        outcome = await run_agent(
            retirement_planner,
            projection_prompt(portfolio.user),
            model=model,
            context=context,
            validate=narrative_validator(context),
        )
        store_result(db, request, RETIREMENT, outcome, retirement_payload(context, outcome))
        return {
            "success_probability": context.baseline.success_probability,
            "variations": len(context.variations),
        }

    return await run_step(db, request, RETIREMENT, work)


def retirement_payload(context: RetirementContext, outcome: AgentOutcome[str]) -> dict[str, Any]:
    """The stored result: the plan, the baseline projection (with the chart's bands), its verdict
    and the changes that improve it most (computed by code), the variations the planner ran, and
    its narrative."""
    return {
        "inputs": context.plan.model_dump(mode="json", exclude={"assumptions"}),
        "projection": context.baseline.model_dump(mode="json"),
        "verdict": context.verdict.model_dump(mode="json"),
        "improvements": [i.model_dump(mode="json") for i in context.improvements],
        "variations": [v.model_dump(mode="json") for v in context.variations.values()],
        "narrative": outcome.value,
    }


@step_handler(RETIREMENT)
def handler(event: dict[str, Any]) -> dict[str, Any]:
    request = StepInput.model_validate(event)
    return asyncio.run(project(database(), request, agent_model(offline=offline_model)))
