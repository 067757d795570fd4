"""The synthesized API stack: HTTP API to the API Lambda, throttled, no CORS (the SPA is the same
origin), access logs, least-privilege grants, Clerk settings, a layer without the agent stack."""

import json
from typing import Any

import pytest

from stacks.api import BURST_LIMIT, RATE_LIMIT
from stacks.packaging import API_LAYER_PACKAGES, pinned
from tests.infra.conftest import FRONTEND_API
from tests.support.templates import resources


@pytest.fixture(scope="module")
def api(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return templates["AlexApi"]


def only(template: dict[str, Any], kind: str) -> dict[str, Any]:
    (resource,) = resources(template, kind).values()
    properties: dict[str, Any] = resource["Properties"]
    return properties


def statement_list(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The API role's policy statements, each with its actions (sorted, space-separated)."""
    policy = only(template, "AWS::IAM::Policy")
    found = []
    for statement in policy["PolicyDocument"]["Statement"]:
        actions = statement["Action"]
        found.append(
            (" ".join(sorted(actions if isinstance(actions, list) else [actions])), statement)
        )
    return found


def statements(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(statement_list(template))


def test_every_request_goes_to_the_api_lambda(api: dict[str, Any]) -> None:
    (route,) = resources(api, "AWS::ApiGatewayV2::Route").values()
    assert route["Properties"]["RouteKey"] == "$default"
    integration = only(api, "AWS::ApiGatewayV2::Integration")
    assert integration["IntegrationType"] == "AWS_PROXY"
    assert integration["PayloadFormatVersion"] == "2.0"
    function = only(api, "AWS::Lambda::Function")
    assert function["Handler"] == "functions.api.handler.handler"
    assert (function["Runtime"], function["Architectures"]) == ("python3.12", ["arm64"])
    assert function["Timeout"] < 30  # inside API Gateway's integration limit


def test_the_stage_is_throttled_and_logs_every_request(api: dict[str, Any]) -> None:
    stage = only(api, "AWS::ApiGatewayV2::Stage")
    assert stage["StageName"] == "$default" and stage["AutoDeploy"] is True
    throttling = stage["DefaultRouteSettings"]
    assert (throttling["ThrottlingRateLimit"], throttling["ThrottlingBurstLimit"]) == (
        RATE_LIMIT,
        BURST_LIMIT,
    )
    logs = stage["AccessLogSettings"]
    (log_group_id,) = [k for k, v in resources(api, "AWS::Logs::LogGroup").items() if "Access" in k]
    assert logs["DestinationArn"] == {"Fn::GetAtt": [log_group_id, "Arn"]}
    assert {"requestId", "status", "latencyMs", "ip"} <= set(json.loads(logs["Format"]))


def test_no_other_origin_may_call_the_api_from_a_browser(api: dict[str, Any]) -> None:
    # The SPA reaches the API through its own distribution's /api/*: nothing needs CORS.
    assert "CorsConfiguration" not in only(api, "AWS::ApiGatewayV2::Api")


def test_the_api_may_start_describe_and_redrive_analyses_and_nothing_else(
    api: dict[str, Any],
) -> None:
    granted = statements(api)
    arn = {"Fn::ImportValue": "AlexAnalysis-StateMachineArn"}
    assert granted["states:StartExecution"]["Resource"] == arn
    executions = granted["states:DescribeExecution states:RedriveExecution"]["Resource"]
    parts = executions["Fn::Join"][1]
    assert ":execution:" in parts and parts[-1] == ":*"
    assert {"Fn::Select": [6, {"Fn::Split": [":", arn]}]} in parts
    states_actions = [a for actions in granted for a in actions.split() if a.startswith("states:")]
    assert sorted(states_actions) == [
        "states:DescribeExecution",
        "states:RedriveExecution",
        "states:StartExecution",
    ]
    assert not any(s["Resource"] == "*" for k, s in granted.items() if not k.startswith("xray:"))


def test_the_api_uses_the_data_api_and_reads_only_its_secrets(api: dict[str, Any]) -> None:
    granted = statements(api)
    data_api = next(s for k, s in granted.items() if k.startswith("rds-data:"))
    assert "ExecuteStatement" in json.dumps(granted) and ":cluster:" in json.dumps(data_api)
    secrets = [s["Resource"] for k, s in statement_list(api) if k.startswith("secretsmanager:")]
    # Clerk's webhook secret and CloudFront's origin secret; the other is the database's.
    own = resources(api, "AWS::SecretsManager::Secret")
    assert len(own) == 2
    assert all({"Ref": secret} in secrets for secret in own) and len(secrets) == 3


def test_the_lambda_gets_the_deployed_settings_and_never_the_dev_issuer(
    api: dict[str, Any],
) -> None:
    environment = only(api, "AWS::Lambda::Function")["Environment"]["Variables"]
    assert environment["ALEX_ENV"] == "aws"
    assert "ALEX_DEV_ISSUER" not in environment
    assert environment["ANALYSIS_STATE_MACHINE_ARN"] == {
        "Fn::ImportValue": "AlexAnalysis-StateMachineArn"
    }
    # Tokens are accepted from the SPA's origin, read at run time from its parameter.
    assert environment["CLERK_AUTHORIZED_PARTIES"] == ""
    assert environment["SPA_ORIGIN_PARAMETER"] == "/alex/dev/spa-origin"
    assert "CLERK_ISSUER" not in environment  # no key in the default settings
    (webhook_secret,) = [k for k in resources(api, "AWS::SecretsManager::Secret") if "Clerk" in k]
    assert environment["CLERK_WEBHOOK_SECRET_ARN"] == {"Ref": webhook_secret}
    assert {"DB_CLUSTER_ARN", "DB_SECRET_ARN", "DB_NAME"} <= set(environment)


def test_the_clerk_issuer_is_the_frontend_api_the_key_names(
    configured_templates: dict[str, dict[str, Any]],
) -> None:
    function = only(configured_templates["AlexApi"], "AWS::Lambda::Function")
    assert function["Environment"]["Variables"]["CLERK_ISSUER"] == f"https://{FRONTEND_API}"


def test_the_api_reads_the_spa_origin_parameter_and_no_other(api: dict[str, Any]) -> None:
    (resource,) = [s["Resource"] for k, s in statement_list(api) if k.startswith("ssm:")]
    assert ":parameter/alex/dev/spa-origin" in json.dumps(resource)


def test_the_api_layer_holds_no_agent_stack(api: dict[str, Any]) -> None:
    pins = pinned(API_LAYER_PACKAGES)
    assert len(pins) == len(API_LAYER_PACKAGES)
    assert not any(pin.startswith(("litellm", "openai", "langfuse", "psycopg")) for pin in pins)
    assert "pyjwt[crypto]==" in " ".join(pins)
    (layer,) = resources(api, "AWS::Lambda::LayerVersion").values()
    assert "FastAPI" in layer["Properties"]["Description"]
