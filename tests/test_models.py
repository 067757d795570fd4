"""Choosing the model, and the offline model's conversation with an agent's real tools."""

import json

import pytest
from agents import Agent, RunConfig, Runner, function_tool

from runtime import model_choice, tracing
from runtime.model_choice import OFFLINE, model_name
from runtime.model_factory import OfflineModel, hosted_model
from shared.settings import Settings


def test_alex_model_wins_over_everything() -> None:
    assert model_name(Settings(ALEX_MODEL="ollama/llama3", ALEX_ENV="aws")) == "ollama/llama3"


def test_aws_uses_bedrock_with_the_configured_model_id() -> None:
    settings = Settings(ALEX_ENV="aws", BEDROCK_MODEL_ID="anthropic.claude-x")
    assert model_name(settings) == "bedrock/anthropic.claude-x"


def test_no_model_and_no_credentials_is_offline_and_says_so_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("runtime.model_choice._aws_credentials_exist", lambda: False)
    model_choice._say_offline.cache_clear()
    # Every step of every analysis asks: the process says it once, not on each.
    assert model_name(Settings()) == OFFLINE
    assert model_name(Settings()) == OFFLINE
    assert caplog.text.count("using the offline model") == 1


def test_local_aws_credentials_select_bedrock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("runtime.model_choice._aws_credentials_exist", lambda: True)
    assert model_name(Settings()) == "bedrock/openai.gpt-oss-120b-1:0"


def test_hosted_model_passes_the_base_url() -> None:
    model = hosted_model("openai/local", Settings(ALEX_MODEL_BASE_URL="http://127.0.0.1:8000/v1"))
    assert (model.model, model.base_url) == ("openai/local", "http://127.0.0.1:8000/v1")  # type: ignore[attr-defined]


calls: list[str] = []


@function_tool
def get_total() -> str:
    """The portfolio's total."""
    calls.append("get_total")
    return json.dumps({"total": 42})


def test_offline_model_calls_the_tools_then_writes_from_their_results() -> None:
    calls.clear()
    agent = Agent(name="Writer", instructions="-", tools=[get_total])
    model = OfflineModel(
        calls=[("get_total", {})],
        writer=lambda results: f"Total: {json.loads(results['get_total'])['total']}",
    )
    first = Runner.run_sync(agent, "write", run_config=RunConfig(model=model))
    assert first.final_output == "Total: 42"
    again = Runner.run_sync(agent, "write again", run_config=RunConfig(model=model))
    assert again.final_output == "Total: 42", "a re-ask starts a new conversation"
    assert calls == ["get_total", "get_total"]


def test_tracing_is_off_without_langfuse_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGFUSE_PUBLIC_KEY", raising=False)
    monkeypatch.setattr(tracing, "_client", None)
    monkeypatch.setattr(tracing, "_configured", False)
    assert tracing.configure_tracing() is None
