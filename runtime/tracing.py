"""Tracing to Langfuse: one trace per job across every Lambda, with agents and tools as children.

The trace id is derived from the job id, so the tagger, reporter, charter and retirement Lambdas
all add to the same trace. The Agents SDK's spans reach Langfuse through OpenInference's
instrumentation. The keys are `LANGFUSE_PUBLIC_KEY` and `LANGFUSE_SECRET_KEY` (and `LANGFUSE_HOST`)
locally, the secret LANGFUSE_SECRET_ARN names in AWS; without keys tracing is a no-op, and the
SDK's default export to OpenAI is always switched off.
"""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from runtime.aws import aws_client
from shared.settings import get_settings

_client: Any = None
_configured = False


def configure_tracing(**langfuse_options: Any) -> Any:
    """Set tracing up once per process; return the Langfuse client, or None when disabled.

    Options go to `Langfuse(...)`: tests pass an in-memory `span_exporter` and test keys.
    """
    global _client, _configured
    if _configured and not langfuse_options:
        return _client
    from agents import set_trace_processors  # only processes that run agents pay for the SDK

    set_trace_processors([])
    keys = {"LANGFUSE_PUBLIC_KEY", "LANGFUSE_SECRET_KEY"}
    if not langfuse_options and not keys <= os.environ.keys():
        langfuse_options = _keys_from_secret()
    if langfuse_options or keys <= os.environ.keys():
        from langfuse import Langfuse
        from openinference.instrumentation.openai_agents import OpenAIAgentsInstrumentor
        from opentelemetry.sdk.trace import TracerProvider

        provider = TracerProvider()
        _client = Langfuse(tracer_provider=provider, **langfuse_options)
        instrumentor = OpenAIAgentsInstrumentor()
        if instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.uninstrument()
        instrumentor.instrument(tracer_provider=provider)
    _configured = True
    return _client


def forget() -> None:
    """Set tracing up again on next use, with a new exporter (after a SnapStart restore)."""
    global _client, _configured
    _client, _configured = None, False


def _keys_from_secret() -> dict[str, Any]:
    """Langfuse's options from the deployment's secret; none while its keys are empty."""
    secret_arn = get_settings().langfuse_secret_arn
    if secret_arn is None:
        return {}
    value = aws_client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"]
    keys = json.loads(value)
    if not (keys.get("public_key") and keys.get("secret_key")):
        return {}
    return {
        "public_key": keys["public_key"],
        "secret_key": keys["secret_key"],
        "host": keys.get("host"),
    }


@contextmanager
def job_trace(job_id: UUID, user_id: str, step: str) -> Iterator[None]:
    """Group what runs inside under the job's trace, as a span named after the step."""
    client = configure_tracing()
    if client is None:
        yield
        return
    from langfuse import Langfuse, propagate_attributes

    trace_id = Langfuse.create_trace_id(seed=str(job_id))
    with (
        client.start_as_current_observation(trace_context={"trace_id": trace_id}, name=step),
        propagate_attributes(
            user_id=user_id, trace_name="Portfolio analysis", metadata={"job_id": str(job_id)}
        ),
    ):
        yield
    client.flush()
