"""Tracing: one trace per job, derived from the job id; agents and their work as children."""

from collections.abc import Iterator

import pytest
from agents import set_trace_processors
from agents.testing import ScriptedModel
from langfuse import Langfuse
from openinference.instrumentation.openai_agents import OpenAIAgentsInstrumentor
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from functions.reporter.agent import offline_model
from functions.reporter.handler import write_report
from functions.tagger.handler import tag
from runtime import tracing
from shared.db.psycopg_driver import PsycopgDriver
from shared.schemas import Job, StepInput
from tests.functions.conftest import tag_input
from tests.functions.test_tagger import APPLE, answer

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def tracing_to_memory() -> Iterator[InMemorySpanExporter]:
    """Langfuse with test keys, exporting to memory (instrumented once: it is process-wide)."""
    saved = tracing._client, tracing._configured
    spans = InMemorySpanExporter()
    tracing.configure_tracing(
        public_key="pk-lf-test",
        secret_key="sk-lf-test",
        base_url="http://127.0.0.1:9",  # never reached: spans go to the in-memory exporter
        span_exporter=spans,
    )
    yield spans
    OpenAIAgentsInstrumentor().uninstrument()
    set_trace_processors([])
    tracing._client, tracing._configured = saved


@pytest.fixture
def exporter(tracing_to_memory: InMemorySpanExporter) -> InMemorySpanExporter:
    tracing_to_memory.clear()
    return tracing_to_memory


def children(spans: list[ReadableSpan], parent: ReadableSpan) -> list[ReadableSpan]:
    return [s for s in spans if s.parent and s.parent.span_id == parent.context.span_id]


def descendants(spans: list[ReadableSpan], parent: ReadableSpan) -> list[ReadableSpan]:
    found = children(spans, parent)
    return found + [d for child in found for d in descendants(spans, child)]


async def test_a_jobs_agents_share_one_trace_named_by_the_job(
    seeded: PsycopgDriver, job: Job, exporter: InMemorySpanExporter
) -> None:
    for symbol in ("AAPL", "NVDA"):
        await tag(seeded, tag_input(job, symbol), ScriptedModel([answer(APPLE)]))
    spans = list(exporter.get_finished_spans())

    trace_ids = {format(span.context.trace_id, "032x") for span in spans}
    assert trace_ids == {Langfuse.create_trace_id(seed=str(job.id))}
    ids = {s.context.span_id for s in spans}
    # A root's parent is the trace context derived from the job, not an exported span.
    roots = sorted(
        (s for s in spans if s.parent and s.parent.span_id not in ids), key=lambda s: s.name
    )
    assert [root.name for root in roots] == ["Tag AAPL", "Tag NVDA"]
    for root in roots:
        assert root.attributes is not None
        assert root.attributes.get("user.id") == job.clerk_user_id
        assert "Tagger" in {s.name for s in descendants(spans, root)}


async def test_a_step_traces_its_agent_and_the_agents_tools(
    seeded: PsycopgDriver, job: Job, exporter: InMemorySpanExporter
) -> None:
    request = StepInput(job_id=job.id, user_id=job.clerk_user_id)
    await write_report(seeded, request, offline_model())
    spans = list(exporter.get_finished_spans())

    (step,) = [s for s in spans if s.name == "report"]
    (agent,) = [s for s in descendants(spans, step) if s.name == "Reporter"]
    tools = {s.name for s in descendants(spans, agent)}
    assert {"get_profile", "get_portfolio_summary", "get_breakdowns"} <= tools


SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:LangfuseKeys-AbCdEf"


@pytest.mark.parametrize(
    ("stored", "options"),
    [
        (
            '{"public_key": "pk-lf-1", "secret_key": "sk-lf-1", "host": "https://eu.langfuse.example"}',
            {
                "public_key": "pk-lf-1",
                "secret_key": "sk-lf-1",
                "host": "https://eu.langfuse.example",
            },
        ),
        # As deployed, before the operator puts their keys in: tracing stays off.
        ('{"public_key": "", "secret_key": "", "host": "https://cloud.langfuse.com"}', {}),
    ],
)
def test_in_aws_langfuse_keys_come_from_their_secret(
    monkeypatch: pytest.MonkeyPatch, stored: str, options: dict[str, str]
) -> None:
    from tests.support.aws_standin import AwsStandIn

    with AwsStandIn() as aws:
        aws.answer("secretsmanager", "GetSecretValue", {"ARN": SECRET_ARN, "SecretString": stored})
        for name, value in {
            "LANGFUSE_SECRET_ARN": SECRET_ARN,
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": aws.url,
            "AWS_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "stand-in",
            "AWS_SECRET_ACCESS_KEY": "stand-in",
        }.items():
            monkeypatch.setenv(name, value)
        assert tracing._keys_from_secret() == options
        assert [r.body["SecretId"] for r in aws.requests] == [SECRET_ARN]
