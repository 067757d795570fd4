"""Which model the agents talk to: Bedrock through LiteLLM, any LiteLLM model, or the offline model.

The offline model (`ALEX_MODEL=offline`, or the default when no model is configured and no AWS
credentials exist) is deterministic: it calls the agent's real tools, then writes plain text from
their results with the agent's own template. Everything it writes is labelled as produced without
a language model, once for the whole result (`summary_payload.produced_by`) and on each step it
wrote. It lets the product run anywhere; it is not a substitute for a model.
"""

import logging
import os
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from agents import Model, ModelResponse, ModelSettings, ModelTracing, Tool, Usage
from agents.agent_output import AgentOutputSchemaBase
from agents.handoffs import Handoff
from agents.items import TResponseInputItem, TResponseStreamEvent
from agents.testing import assistant_message, function_call

from runtime.model_choice import OFFLINE, model_name
from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)
# LiteLLM fetches a price list from the internet on import unless told to use its own copy.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


# A planned tool call (name and arguments), and the writer that turns tool results into text.
ToolCall = tuple[str, dict[str, Any]]
Writer = Callable[[Mapping[str, Any]], str]


def hosted_model(name: str, settings: Settings | None = None) -> Model:
    """A LiteLLM-backed model, made once per process (it holds no conversation); LiteLLM is
    imported only here, as it is slow to import (runtime/snapstart.py does it at init)."""
    settings = settings or get_settings()
    return _hosted_model(name, settings.model_base_url, settings.bedrock_region)


@cache
def _hosted_model(name: str, base_url: str | None, bedrock_region: str) -> Model:
    if name.startswith("bedrock/"):
        os.environ.setdefault("AWS_REGION_NAME", bedrock_region)
    from agents.extensions.models.litellm_model import LitellmModel

    return LitellmModel(model=name, base_url=base_url)


def agent_model(offline: Callable[[], "OfflineModel"], settings: Settings | None = None) -> Model:
    """The configured model for an agent, or its offline stand-in when no model is configured."""
    name = model_name(settings)
    return offline() if name == OFFLINE else hosted_model(name, settings)


@dataclass
class OfflineModel(Model):
    """Calls the planned tools once, then answers with the writer's text."""

    calls: list[ToolCall]
    writer: Writer
    made: list[str] = field(default_factory=list)

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any,
    ) -> ModelResponse:
        results = _tool_results(input)
        if self.calls and not any(call_id in results for call_id in self.made):
            # A new conversation (the first, or a re-ask): call the tools again.
            self.made = [f"offline-{i}-{name}" for i, (name, _) in enumerate(self.calls)]
            output = [
                function_call(name, arguments, call_id=call_id)
                for call_id, (name, arguments) in zip(self.made, self.calls, strict=True)
            ]
            return ModelResponse(output=output, usage=Usage(), response_id=None)
        by_tool = {call_id.split("-", 2)[2]: results.get(call_id) for call_id in self.made}
        text = self.writer(by_tool)
        return ModelResponse(output=[assistant_message(text)], usage=Usage(), response_id=None)

    def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: Any,
    ) -> AsyncIterator[TResponseStreamEvent]:
        raise NotImplementedError("the offline model does not stream")


def _tool_results(items: str | list[TResponseInputItem]) -> dict[str, Any]:
    """Tool outputs fed back to the model, by call id."""
    if isinstance(items, str):
        return {}
    results: dict[str, Any] = {}
    for item in items:
        entry: dict[str, Any] = dict(item)
        if entry.get("type") == "function_call_output":
            results[entry["call_id"]] = entry["output"]
    return results
