"""Lambda entry for "Write report": the markdown report, every figure from the analytics."""

import asyncio
from typing import Any

from agents import Model

from functions.reporter.agent import ReportContext, offline_model, reporter, validate_report
from functions.reporter.templates import report_prompt
from runtime import snapstart
from runtime.agents import run_agent, store_result
from runtime.handlers import database, step_handler
from runtime.model_factory import agent_model
from runtime.steps import run_step
from shared.db import Database
from shared.portfolio import load_portfolio
from shared.schemas import StepInput
from state_machines.steps import REPORT

# Heavy imports, the model and the clients at init: the SnapStart snapshot holds them.
snapstart.prepare()


async def write_report(db: Database, request: StepInput, model: Model) -> dict[str, Any]:
    """Write and store the report (`report_payload`) once; a step already done is not redone."""

    async def work() -> dict[str, Any]:
        portfolio = load_portfolio(db, request.user_id)
        context = ReportContext(portfolio)
        outcome = await run_agent(
            reporter,
            report_prompt(portfolio.user.display_name),
            model=model,
            context=context,
            # The figures of every tool call so far in this run, read when the answer arrives.
            validate=lambda text: validate_report(text, context.outputs),
        )
        report = outcome.value
        payload = {
            "markdown": report.markdown,
            "sections": report.sections,
            "analysis": context.analysis.model_dump(mode="json"),
        }
        store_result(db, request, REPORT, outcome, payload)
        return {"sections": len(report.sections), "characters": len(report.markdown)}

    return await run_step(db, request, REPORT, work)


@step_handler(REPORT)
def handler(event: dict[str, Any]) -> dict[str, Any]:
    request = StepInput.model_validate(event)
    return asyncio.run(write_report(database(), request, agent_model(offline=offline_model)))
