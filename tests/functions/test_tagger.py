"""The tagger classifies one instrument per call, normalises the model's numbers, never guesses."""

import json
from typing import Any

import litellm
import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message

from functions.tagger.handler import handler, tag
from runtime.model_factory import hosted_model
from shared.db import Instruments, Jobs
from shared.db.psycopg_driver import PsycopgDriver
from shared.errors import InvalidModelOutput, ModelThrottled
from shared.schemas import Job
from tests.functions.conftest import tag_input
from tests.functions.litellm_layer import BEDROCK_MODEL, LiteLLMRecorder
from tests.support.lambda_context import lambda_context

pytestmark = pytest.mark.anyio

APPLE = {
    "instrument_type": "stock",
    "asset_classes": [{"name": "equity", "percent": 100}],
    # 99 in all: normalised to 95/99 and 4/99 of 100, to two decimals.
    "regions": [
        {"name": "north_america", "percent": 95},
        {"name": "europe", "percent": 4},
    ],
    "sectors": [{"name": "technology", "percent": 60}, {"name": "technology", "percent": 40}],
}
ALL_ZERO = {**APPLE, "sectors": [{"name": "technology", "percent": 0}]}


def answer(payload: dict[str, Any]) -> ModelStep:
    return ModelStep(output=[assistant_message(json.dumps(payload))])


async def test_classification_is_normalised_stored_and_priced_from_the_table(
    seeded: PsycopgDriver, job: Job
) -> None:
    Jobs(seeded).mark_step(job.clerk_user_id, job.id, "tagging", "running", total=2)
    price_before = Instruments(seeded).get("AAPL").current_price
    model = ScriptedModel([answer(APPLE)])

    result = await tag(seeded, tag_input(job, "AAPL"), model)

    assert result == {"symbol": "AAPL", "outcome": "tagged"}
    apple = Instruments(seeded).get("AAPL")
    assert apple.allocation_asset_class == {"equity": 100}
    assert apple.allocation_regions == {"north_america": 95.96, "europe": 4.04}
    assert apple.allocation_sectors == {"technology": 100}
    assert apple.current_price == price_before
    (call,) = model.calls
    assert call.tools == [] and call.output_schema is not None
    assert '<user_data name="instrument_name">"Apple Inc."</user_data>' in str(call.input)
    step = Jobs(seeded).get(job.clerk_user_id, job.id).steps["tagging"]
    assert (step.status, step.items) == ("running", ["AAPL"])


async def test_invalid_answer_is_re_asked_once_with_the_problem(
    seeded: PsycopgDriver, job: Job
) -> None:
    model = ScriptedModel([answer(ALL_ZERO), answer(APPLE)])
    assert (await tag(seeded, tag_input(job, "AAPL"), model))["outcome"] == "tagged"
    second = model.calls[1]
    assert "could not be used: sectors: no category has a positive percentage" in str(second.input)


async def test_invalid_answer_twice_raises_and_stores_nothing(
    seeded: PsycopgDriver, job: Job
) -> None:
    model = ScriptedModel([answer(ALL_ZERO), [assistant_message("not json")]])
    with pytest.raises(InvalidModelOutput, match="Tagger gave invalid output twice"):
        await tag(seeded, tag_input(job, "AAPL"), model)
    assert not Instruments(seeded).get("AAPL").is_classified
    assert Jobs(seeded).get(job.clerk_user_id, job.id).steps["tagging"].items == []


async def test_throttling_raises_model_throttled_and_counts_the_attempt(
    seeded: PsycopgDriver, job: Job
) -> None:
    Jobs(seeded).mark_step(job.clerk_user_id, job.id, "tagging", "running", total=2)
    throttled = litellm.RateLimitError("Too many requests", "bedrock", "bedrock/x")
    model = ScriptedModel([ModelStep.raise_error(throttled)])
    with pytest.raises(ModelThrottled, match="throttled"):
        await tag(seeded, tag_input(job, "AAPL"), model)
    # The map's run, and the throttled call the workflow will retry; the other item goes on.
    step = Jobs(seeded).get(job.clerk_user_id, job.id).steps["tagging"]
    assert (step.status, step.attempts) == ("running", 2)
    assert step.error and step.error.startswith("ModelThrottled")

    await tag(seeded, tag_input(job, "AAPL"), ScriptedModel([answer(APPLE)]))
    step = Jobs(seeded).get(job.clerk_user_id, job.id).steps["tagging"]
    assert (step.attempts, step.items) == (2, ["AAPL"])


async def test_tagged_symbol_is_skipped_without_calling_the_model(
    seeded: PsycopgDriver, job: Job
) -> None:
    result = await tag(seeded, tag_input(job, "VTI"), ScriptedModel([]))
    assert result["outcome"] == "already tagged"


async def test_offline_tagging_is_recorded_as_skipped_with_why(
    seeded: PsycopgDriver, job: Job
) -> None:
    Jobs(seeded).mark_step(job.clerk_user_id, job.id, "tagging", "running", total=2)
    first = await tag(seeded, tag_input(job, "NVDA"), None)
    assert first["outcome"].startswith("skipped: no language model")
    assert Jobs(seeded).get(job.clerk_user_id, job.id).steps["tagging"].status == "running"
    await tag(seeded, tag_input(job, "AAPL"), None)
    assert not Instruments(seeded).get("NVDA").is_classified
    tagging = Jobs(seeded).get(job.clerk_user_id, job.id).steps["tagging"]
    assert (tagging.status, tagging.done, tagging.skipped) == ("skipped", 2, ["NVDA", "AAPL"])
    assert tagging.generated_by == "offline"
    assert tagging.notice is not None and "No language model is configured" in tagging.notice


async def test_with_a_scripted_model_tagging_succeeds(seeded: PsycopgDriver, job: Job) -> None:
    Jobs(seeded).mark_step(job.clerk_user_id, job.id, "tagging", "running", total=1)
    result = await tag(seeded, tag_input(job, "AAPL"), ScriptedModel([answer(APPLE)]))
    assert result["outcome"] == "tagged"
    tagging = Jobs(seeded).get(job.clerk_user_id, job.id).steps["tagging"]
    assert (tagging.status, tagging.skipped, tagging.notice) == ("succeeded", [], None)


async def test_running_twice_leaves_identical_rows(seeded: PsycopgDriver, job: Job) -> None:
    Jobs(seeded).mark_step(job.clerk_user_id, job.id, "tagging", "running", total=1)
    await tag(seeded, tag_input(job, "AAPL"), ScriptedModel([answer(APPLE)]))
    rows = (Instruments(seeded).get("AAPL"), Jobs(seeded).get(job.clerk_user_id, job.id))
    await tag(seeded, tag_input(job, "AAPL"), ScriptedModel([]))
    assert (Instruments(seeded).get("AAPL"), Jobs(seeded).get(job.clerk_user_id, job.id)) == rows
    assert rows[1].steps["tagging"].status == "succeeded"


def test_handler_runs_offline_from_a_workflow_event(
    seeded: PsycopgDriver, job: Job, monkeypatch: pytest.MonkeyPatch, migrated_url: str
) -> None:
    monkeypatch.setenv("ALEX_MODEL", "offline")
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    event = {"job_id": str(job.id), "user_id": job.clerk_user_id, "symbol": "NVDA"}
    assert handler(event, lambda_context())["symbol"] == "NVDA"
    with pytest.raises(ValueError, match="job_id"):
        handler({"user_id": job.clerk_user_id, "symbol": "NVDA"}, lambda_context())


async def test_request_reaches_bedrock_as_a_structured_output_without_tools(
    seeded: PsycopgDriver, job: Job, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = LiteLLMRecorder(monkeypatch, [{"mock_response": json.dumps(APPLE)}])
    result = await tag(seeded, tag_input(job, "AAPL"), hosted_model(BEDROCK_MODEL))
    assert result["outcome"] == "tagged"
    (request,) = recorder.requests
    assert request["model"] == BEDROCK_MODEL and request["tools"] is None
    schema = request["response_format"]["json_schema"]["schema"]
    assert set(schema["required"]) == {"instrument_type", "asset_classes", "regions", "sectors"}
    # Bedrock has no response_format: LiteLLM sends the schema as one forced tool.
    (spec,) = [t["toolSpec"] for t in recorder.bedrock_request(0)["toolConfig"]["tools"]]
    assert spec["name"] == "json_tool_call"
    assert set(spec["inputSchema"]["json"]["required"]) == set(schema["required"])
