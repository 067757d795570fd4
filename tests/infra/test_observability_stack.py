"""The synthesized observability stack: the alarms an operator gets (each to the one SNS topic),
the dashboard's sections, the monthly budget and the audit trail."""

import json
from typing import Any

import pytest

from stacks.observability import BUDGET_ALERTS, LAMBDA_ERROR_RATE
from tests.infra.conftest import ALARM_EMAIL
from tests.support.templates import resources

FUNCTIONS = {
    "StartJob",
    "Tagger",
    "Reporter",
    "Charter",
    "Retirement",
    "FinalizeJob",
    "JobEvents",
    "ReconcileJobs",
    "Api",
}


@pytest.fixture
def observability(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return templates["AlexObservability"]


def alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        alarm["Properties"]["AlarmName"]: alarm["Properties"]
        for alarm in resources(template, "AWS::CloudWatch::Alarm").values()
    }


def metric_names(alarm: dict[str, Any]) -> set[str]:
    return {
        query["MetricStat"]["Metric"]["MetricName"]
        for query in alarm.get("Metrics", [])
        if "MetricStat" in query
    }


def test_every_alarm_notifies_the_one_topic(observability: dict[str, Any]) -> None:
    (topic,) = resources(observability, "AWS::SNS::Topic")
    found = alarms(observability)
    assert found
    for name, alarm in found.items():
        assert alarm["AlarmActions"] == [{"Ref": topic}], name
        assert alarm["ActionsEnabled"] is True, name


def test_a_failed_or_timed_out_execution_alarms_at_once(observability: dict[str, Any]) -> None:
    by_metric = {frozenset(metric_names(a)): a for a in alarms(observability).values()}
    for metric in ("ExecutionsFailed", "ExecutionsTimedOut"):
        alarm = by_metric[frozenset({metric})]
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
        assert alarm["Threshold"] == 0


def test_each_function_alarms_on_throttles_and_on_errors_above_five_percent_of_calls(
    observability: dict[str, Any],
) -> None:
    found = alarms(observability)
    throttled = {n for n, a in found.items() if metric_names(a) == {"Throttles"}}
    assert {name.split("-")[1] for name in throttled} == FUNCTIONS
    rates = {n: a for n, a in found.items() if metric_names(a) == {"Errors", "Invocations"}}
    assert len(rates) == len(FUNCTIONS)
    for alarm in rates.values():
        (expression,) = [q["Expression"] for q in alarm["Metrics"] if "Expression" in q]
        assert "100 * errors" in expression and "/ invocations" in expression
        assert alarm["Threshold"] == LAMBDA_ERROR_RATE
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_api_server_errors_and_lost_status_events_alarm(observability: dict[str, Any]) -> None:
    found = alarms(observability).values()
    (server_errors,) = [a for a in found if metric_names(a) == {"5xx"}]
    assert server_errors["Threshold"] == 0
    (undelivered,) = [a for a in found if metric_names(a) == {"ApproximateNumberOfMessagesVisible"}]
    assert undelivered["Threshold"] == 0
    assert undelivered["ComparisonOperator"] == "GreaterThanThreshold"


def test_the_dashboard_shows_workflow_functions_api_database_models_and_cdn(
    observability: dict[str, Any],
) -> None:
    (dashboard,) = resources(observability, "AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for shown in (
        "ExecutionsStarted",
        "ExecutionsSucceeded",
        "ExecutionsFailed",
        "ExecutionsTimedOut",
        "ExecutionsRedriven",
        "ExecutionTime",
        "AWS/Lambda",
        "Throttles",
        "Duration",
        "@initDuration",
        "AWS/ApiGateway",
        "4xx",
        "5xx",
        "Latency",
        "DataApiLatency",
        "DataApiErrors",
        "ModelInputTokens",
        "ModelOutputTokens",
        "ModelCostUSD",
        "AWS/CloudFront",
        "us-east-1",
    ):
        assert shown in body, shown


def test_alarms_reach_the_configured_email(
    observability: dict[str, Any], configured_templates: dict[str, dict[str, Any]]
) -> None:
    assert resources(observability, "AWS::SNS::Subscription") == {}
    (subscription,) = resources(
        configured_templates["AlexObservability"], "AWS::SNS::Subscription"
    ).values()
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == ALARM_EMAIL


def test_the_monthly_budget_watches_the_projects_tag_and_alerts_the_topic(
    observability: dict[str, Any], configured_templates: dict[str, dict[str, Any]]
) -> None:
    (topic,) = resources(observability, "AWS::SNS::Topic")
    (budget,) = resources(observability, "AWS::Budgets::Budget").values()
    data = budget["Properties"]["Budget"]
    assert data["BudgetType"] == "COST" and data["TimeUnit"] == "MONTHLY"
    assert data["BudgetLimit"] == {"Amount": 50, "Unit": "USD"}
    assert data["CostFilters"] == {"TagKeyValue": ["user:Project$alex"]}
    notices = budget["Properties"]["NotificationsWithSubscribers"]
    assert [n["Notification"]["Threshold"] for n in notices] == list(BUDGET_ALERTS)
    for notice in notices:
        assert notice["Subscribers"] == [{"SubscriptionType": "SNS", "Address": {"Ref": topic}}]
    (policy,) = resources(observability, "AWS::SNS::TopicPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert any(
        s["Principal"] == {"Service": "budgets.amazonaws.com"} and s["Action"] == "sns:Publish"
        for s in statements
    )
    (configured,) = resources(
        configured_templates["AlexObservability"], "AWS::Budgets::Budget"
    ).values()
    assert configured["Properties"]["Budget"]["BudgetLimit"]["Amount"] == 20


def test_management_events_of_every_region_go_to_an_encrypted_versioned_bucket(
    observability: dict[str, Any],
) -> None:
    (trail,) = resources(observability, "AWS::CloudTrail::Trail").values()
    properties = trail["Properties"]
    assert properties["IsMultiRegionTrail"] is True
    assert properties["IncludeGlobalServiceEvents"] is True
    assert properties["EnableLogFileValidation"] is True
    (bucket,) = resources(observability, "AWS::S3::Bucket").values()
    assert properties["S3BucketName"] == {
        "Ref": next(iter(resources(observability, "AWS::S3::Bucket")))
    }
    config = bucket["Properties"]
    assert config["VersioningConfiguration"] == {"Status": "Enabled"}
    assert config["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    (rule,) = config["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == 365


def test_the_spa_bucket_keeps_previous_versions_for_a_month(
    templates: dict[str, dict[str, Any]],
) -> None:
    (bucket,) = resources(templates["AlexFrontend"], "AWS::S3::Bucket").values()
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    (rule,) = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}


def test_every_log_group_has_a_retention(templates: dict[str, dict[str, Any]]) -> None:
    for stack, template in templates.items():
        for name, group in resources(template, "AWS::Logs::LogGroup").items():
            assert group["Properties"].get("RetentionInDays"), f"{stack}/{name}"
