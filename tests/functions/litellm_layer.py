"""Drive an agent through the real LiteLLM layer with no network.

`litellm.acompletion` is wrapped: each request is recorded, then answered by LiteLLM's own mock
(`mock_response` / `mock_tool_calls`). `bedrock_request` turns a recorded request into the
Bedrock Converse request LiteLLM would send, proving the tools and schemas fit Bedrock.
"""

from collections.abc import Iterator
from typing import Any

import litellm
import pytest
from litellm.llms.bedrock.chat.converse_transformation import AmazonConverseConfig

BEDROCK_MODEL = "bedrock/openai.gpt-oss-120b-1:0"


def tool_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


class LiteLLMRecorder:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, answers: list[dict[str, Any]]) -> None:
        self.requests: list[dict[str, Any]] = []
        self._answers: Iterator[dict[str, Any]] = iter(answers)
        original = litellm.acompletion

        async def acompletion(**request: Any) -> Any:
            self.requests.append(request)
            return await original(**request, **next(self._answers))

        monkeypatch.setattr(litellm, "acompletion", acompletion)

    def bedrock_request(self, index: int) -> dict[str, Any]:
        request = self.requests[index]
        model = request["model"].removeprefix("bedrock/")
        config = AmazonConverseConfig()
        wanted = {
            key: request[key]
            for key in ("tools", "tool_choice", "response_format", "parallel_tool_calls")
            if request.get(key) is not None
        }
        optional = config.map_openai_params(wanted, {}, model, drop_params=False)
        return config.transform_request(model, request["messages"], optional, {}, {})
