"""Running one agent for one job: the configured model, typed errors, one corrective re-ask, usage.

Handlers call `run_agent`; it never returns an error: provider throttling becomes `ModelThrottled`
(the workflow retries it with backoff), and an answer that is still invalid after one re-ask
becomes `InvalidModelOutput`.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

import openai
from agents import Agent, FunctionTool, Model, RunConfig, RunContextWrapper, Runner, function_tool
from agents.exceptions import ModelBehaviorError, UserError
from pydantic import ValidationError

from runtime import metrics
from runtime.model_choice import OFFLINE, OFFLINE_NOTICE
from runtime.model_factory import OfflineModel
from runtime.tracing import configure_tracing
from shared.db import Database, Jobs
from shared.errors import InvalidModelOutput, ModelThrottled
from shared.schemas import StepInput
from state_machines.steps import Step

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_TURNS = 12


class BadToolArguments(ValueError):
    """The model called a tool with arguments it must correct; it is told why and may retry."""


def _tell_the_model(context: RunContextWrapper[Any], error: Exception) -> str:
    """Arguments the model got wrong go back to it; any other failure fails the run, loudly."""
    for reason in (error, error.__cause__):
        if isinstance(reason, BadToolArguments | ModelBehaviorError):
            return f"The tool could not run: {reason}"
    raise error


def tool(function: Callable[..., Any]) -> FunctionTool:
    """An agent tool whose own failures are not hidden from us as a message to the model.

    The SDK's default turns every exception into "An error occurred" for the model to work
    around; Alex fails the step instead, except for arguments the model must correct.
    """
    return function_tool(function, failure_error_function=_tell_the_model)


@dataclass(frozen=True)
class AgentOutcome(Generic[T]):
    value: T
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal
    generated_by: str


def model_label(model: Model) -> str:
    """How the payload names what wrote it: a model string, or "offline"."""
    if isinstance(model, OfflineModel):
        return "offline"
    return str(getattr(model, "model", type(model).__name__))


async def run_agent(
    agent: Agent[Any],
    prompt: str,
    *,
    model: Model,
    context: Any = None,
    validate: Callable[[Any], T],
) -> AgentOutcome[T]:
    """Run the agent and validate its final output, re-asking once with the validation error."""
    configure_tracing()
    input_tokens = output_tokens = 0
    request = prompt
    for attempt in (1, 2):
        try:
            result = await Runner.run(
                agent,
                request,
                context=context,
                max_turns=MAX_TURNS,
                run_config=RunConfig(model=model),
            )
        except (openai.RateLimitError, openai.InternalServerError) as error:
            raise ModelThrottled(
                f"{agent.name}: the model is throttled or busy ({error})"
            ) from error
        except ModelBehaviorError as error:
            problem = str(error)
        except UserError as error:
            # A tool failed: raise what it raised (e.g. DatabaseResuming, which is retried).
            raise (error.__cause__ or error) from error
        else:
            usage = result.context_wrapper.usage
            input_tokens += usage.input_tokens
            output_tokens += usage.output_tokens
            try:
                value = validate(result.final_output)
            except (ValueError, ValidationError) as error:
                problem = str(error)
            else:
                cost_usd = estimated_cost(model, input_tokens, output_tokens)
                metrics.model_usage(input_tokens, output_tokens, cost_usd)
                return AgentOutcome(
                    value=value,
                    input_tokens=input_tokens,
                    output_tokens=output_tokens,
                    cost_usd=cost_usd,
                    generated_by=model_label(model),
                )
        log.warning("%s: invalid output on attempt %d: %s", agent.name, attempt, problem)
        request = (
            f"{prompt}\n\nYour previous answer could not be used: {problem}\n"
            "Answer again, correcting exactly that."
        )
    raise InvalidModelOutput(f"{agent.name} gave invalid output twice; last problem: {problem}")


def estimated_cost(model: Model, input_tokens: int, output_tokens: int) -> Decimal:
    """LiteLLM's price for the tokens, or 0 when the model has no known price (logged)."""
    if isinstance(model, OfflineModel) or not (input_tokens or output_tokens):
        return Decimal(0)
    import litellm

    name = model_label(model)
    try:
        prompt_cost, completion_cost = litellm.cost_per_token(
            model=name, prompt_tokens=input_tokens, completion_tokens=output_tokens
        )
    except Exception as error:  # litellm raises a bare Exception for unknown models
        log.warning("no price known for %s (%s): cost recorded as 0", name, error)
        return Decimal(0)
    return Decimal(str(prompt_cost + completion_cost)).quantize(Decimal("0.000001"))


def store_result(
    db: Database,
    request: StepInput,
    step: Step,
    outcome: AgentOutcome[Any],
    payload: dict[str, Any],
) -> None:
    """Store a step's payload, what wrote it (on the step), and the agent's usage and cost."""
    offline = outcome.generated_by == OFFLINE
    with db.transaction() as tx:
        jobs = Jobs(tx)
        jobs.store_payload(request.user_id, request.job_id, step.payload_kind, payload)
        jobs.record_provenance(
            request.user_id,
            request.job_id,
            step.key,
            generated_by=outcome.generated_by,
            notice=OFFLINE_NOTICE if offline else None,
        )
        jobs.record_usage(
            request.user_id,
            request.job_id,
            step.function,
            input_tokens=outcome.input_tokens,
            output_tokens=outcome.output_tokens,
            cost_usd=outcome.cost_usd,
        )
