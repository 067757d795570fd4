"""Lambda entry for "Tag instrument": classify one symbol that lacks allocation data."""

import asyncio
from typing import Any

from agents import Model

from functions.tagger.agent import normalise, tagger
from functions.tagger.templates import classify_prompt
from runtime import snapstart
from runtime.agents import run_agent
from runtime.handlers import database, step_handler
from runtime.model_choice import OFFLINE, model_name
from runtime.model_factory import hosted_model
from runtime.tracing import job_trace
from shared.db import Database, Instruments, Jobs
from shared.schemas import TagInput
from state_machines.steps import TAGGING

# Heavy imports, the model and the clients at init: the SnapStart snapshot holds them.
snapstart.prepare()

# Shown after the step's status ("skipped"), so it says why rather than repeating it.
SKIPPED = (
    "No language model is configured (offline mode), so instruments without"
    " allocation data stay unclassified rather than guessed. To classify them, set ALEX_MODEL"
    " before starting Alex (see the README's Configuration)."
)


async def tag(db: Database, request: TagInput, model: Model | None) -> dict[str, Any]:
    """Classify the instrument and store it; `model=None` is offline mode, which never guesses:
    the instrument is skipped, and the step ends skipped, with why.

    The price is never touched: it comes from the instruments table, not from a model.
    """
    jobs = Jobs(db)
    step = jobs.get(request.user_id, request.job_id).steps[TAGGING.key]
    if step.status in ("pending", "failed"):
        jobs.mark_step(request.user_id, request.job_id, TAGGING.key, "running")
    instrument = Instruments(db).ensure(request.symbol)
    skipped = False
    if instrument.is_classified:
        outcome = "already tagged"
    elif model is None:
        skipped = True
        outcome = "skipped: no language model is configured to classify it"
        jobs.record_provenance(
            request.user_id, request.job_id, TAGGING.key, generated_by=OFFLINE, notice=SKIPPED
        )
    else:
        try:
            with job_trace(request.job_id, request.user_id, f"Tag {instrument.symbol}"):
                result = await run_agent(
                    tagger, classify_prompt(instrument), model=model, validate=normalise
                )
        except Exception as error:
            # The map's other items go on, so the step stays running; the failed call (a
            # throttle the workflow retries, say) is an attempt all the same.
            jobs.record_failed_call(
                request.user_id, request.job_id, TAGGING.key, f"{type(error).__name__}: {error}"
            )
            raise
        Instruments(db).classify(instrument.symbol, result.value)
        jobs.record_usage(
            request.user_id,
            request.job_id,
            f"tagger:{instrument.symbol}",
            input_tokens=result.input_tokens,
            output_tokens=result.output_tokens,
            cost_usd=result.cost_usd,
        )
        outcome = "tagged"
    jobs.finish_step_item(
        request.user_id, request.job_id, TAGGING.key, instrument.symbol, skipped=skipped
    )
    return {"symbol": instrument.symbol, "outcome": outcome}


@step_handler(TAGGING)
def handler(event: dict[str, Any]) -> dict[str, Any]:
    name = model_name()
    model = None if name == OFFLINE else hosted_model(name)
    return asyncio.run(tag(database(), TagInput.model_validate(event), model))
