"""What the functions measure for the operators' dashboard: each Data API call and each agent's
model usage, sent as CloudWatch embedded metrics (namespace Alex, dimension `service`) when a
handler flushes."""

import json
from decimal import Decimal

import pytest
from aws_lambda_powertools import Metrics

from runtime import metrics
from runtime.metrics import NAMESPACE


@pytest.fixture(autouse=True)
def metrics_as_in_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    # A local workflow switches them off for the whole process (local/workflow.py).
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    # Powertools keeps one set of metrics per process, which other tests' agents add to.
    Metrics(namespace=NAMESPACE).clear_metrics()


def flushed(capsys: pytest.CaptureFixture[str], service: str) -> dict[str, list[float]]:
    Metrics(namespace=NAMESPACE, service=service).flush_metrics()
    (line,) = [line for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    document = json.loads(line)
    (directive,) = document["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == NAMESPACE
    assert document["service"] == service
    names = [metric["Name"] for metric in directive["Metrics"]]
    return {name: document[name] for name in names}


def test_data_api_calls_are_sent_as_latency_and_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    metrics.data_api_call(0.012, failed=False)
    metrics.data_api_call(0.5, failed=True)

    sent = flushed(capsys, "api")

    assert sent["DataApiLatency"] == [12.0, 500.0]
    assert sent["DataApiErrors"] == [0, 1]


def test_model_usage_is_sent_by_the_agents_function(capsys: pytest.CaptureFixture[str]) -> None:
    metrics.model_usage(1200, 300, Decimal("0.004"))

    sent = flushed(capsys, "reporter")

    assert sent == {
        "ModelInputTokens": [1200.0],
        "ModelOutputTokens": [300.0],
        "ModelCostUSD": [0.004],
    }
