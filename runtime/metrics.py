"""What the functions measure beyond Lambda's own metrics, through Powertools (namespace Alex,
dimension `service`: the function's folder), for the operators' dashboard
(stacks/observability.py): the Data API's calls and the agents' model usage. The handlers flush
them at the end of each invocation."""

from decimal import Decimal

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

NAMESPACE = "Alex"

# Powertools keeps one set of metrics for every instance: whichever handler flushes sends these.
_metrics = Metrics(namespace=NAMESPACE)


def data_api_call(seconds: float, failed: bool) -> None:
    """One call of the RDS Data API: how long it took, and whether it failed."""
    _metrics.add_metric(name="DataApiLatency", unit=MetricUnit.Milliseconds, value=seconds * 1000)
    _metrics.add_metric(name="DataApiErrors", unit=MetricUnit.Count, value=int(failed))


def model_usage(input_tokens: int, output_tokens: int, cost_usd: Decimal) -> None:
    """One agent run's tokens and estimated cost, by the agent's function."""
    _metrics.add_metric(name="ModelInputTokens", unit=MetricUnit.Count, value=input_tokens)
    _metrics.add_metric(name="ModelOutputTokens", unit=MetricUnit.Count, value=output_tokens)
    _metrics.add_metric(name="ModelCostUSD", unit=MetricUnit.NoUnit, value=float(cost_usd))
