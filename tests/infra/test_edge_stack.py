"""The WAF in front of CloudFront (a web ACL in us-east-1, as CloudFront requires, used by the
frontend stack in the app's own region), and the API reachable only through it."""

import json
from pathlib import Path
from typing import Any

import pytest

from stacks.edge import API_REQUESTS_PER_MINUTE, MANAGED_RULE_GROUPS
from stacks.frontend import ORIGIN_HEADER
from tests.conftest import STACK_REGION
from tests.support.templates import resources


@pytest.fixture
def edge(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return templates["AlexEdge"]


def web_acl(edge: dict[str, Any]) -> dict[str, Any]:
    (acl,) = resources(edge, "AWS::WAFv2::WebACL").values()
    properties: dict[str, Any] = acl["Properties"]
    return properties


def distribution(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    (found,) = resources(templates["AlexFrontend"], "AWS::CloudFront::Distribution").values()
    config: dict[str, Any] = found["Properties"]["DistributionConfig"]
    return config


def test_the_web_acl_is_cloudfronts_in_us_east_1_while_the_app_is_elsewhere(
    cloud_assembly: Path,
) -> None:
    manifest = json.loads((cloud_assembly / "manifest.json").read_text())["artifacts"]
    assert manifest["AlexEdge"]["environment"].endswith("/us-east-1")
    assert manifest["AlexFrontend"]["environment"].endswith(f"/{STACK_REGION}")
    # The frontend reads the ACL's ARN from us-east-1, so the edge stack deploys first.
    assert "AlexEdge" in manifest["AlexFrontend"]["dependencies"]


def test_managed_rules_guard_against_common_exploits_sqli_and_bad_inputs(
    edge: dict[str, Any],
) -> None:
    acl = web_acl(edge)
    assert acl["Scope"] == "CLOUDFRONT"
    assert acl["DefaultAction"] == {"Allow": {}}
    managed = {
        rule["Statement"]["ManagedRuleGroupStatement"]["Name"]: rule
        for rule in acl["Rules"]
        if "ManagedRuleGroupStatement" in rule["Statement"]
    }
    assert set(managed) == set(MANAGED_RULE_GROUPS)
    for rule in managed.values():
        assert rule["Statement"]["ManagedRuleGroupStatement"]["VendorName"] == "AWS"
        assert rule["OverrideAction"] == {"None": {}}  # the groups' own block actions apply


def test_one_ip_gets_about_a_hundred_api_requests_a_minute_then_429(edge: dict[str, Any]) -> None:
    (rule,) = [r for r in web_acl(edge)["Rules"] if "RateBasedStatement" in r["Statement"]]
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP"
    assert rate["Limit"] == API_REQUESTS_PER_MINUTE == 100
    assert rate["EvaluationWindowSec"] == 60
    match = rate["ScopeDownStatement"]["ByteMatchStatement"]
    assert (match["PositionalConstraint"], match["SearchString"]) == ("STARTS_WITH", "/api/")
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429


def test_cloudfront_uses_the_web_acl_of_the_edge_stack(
    templates: dict[str, dict[str, Any]],
) -> None:
    acl_id = distribution(templates)["WebACLId"]
    (reader,) = resources(templates["AlexFrontend"], "Custom::CrossRegionExportReader")
    attribute = acl_id["Fn::GetAtt"]
    assert attribute[0] == reader
    assert "AlexEdge" in attribute[1] and "WebAcl" in attribute[1]
    (writer,) = resources(templates["AlexEdge"], "Custom::CrossRegionExportWriter").values()
    (acl,) = resources(templates["AlexEdge"], "AWS::WAFv2::WebACL")
    assert {"Fn::GetAtt": [acl, "Arn"]} in writer["Properties"]["WriterProps"]["exports"].values()


def test_cloudfront_sends_the_api_the_secret_it_checks(
    templates: dict[str, dict[str, Any]],
) -> None:
    (api_origin,) = [o for o in distribution(templates)["Origins"] if "CustomOriginConfig" in o]
    (header,) = api_origin["OriginCustomHeaders"]
    assert header["HeaderName"] == ORIGIN_HEADER
    value = json.dumps(header["HeaderValue"])
    assert "{{resolve:secretsmanager:" in value and "OriginVerifySecret" in value
    api = templates["AlexApi"]
    (secret,) = resources(api, "AWS::SecretsManager::Secret").keys() - {
        k for k in resources(api, "AWS::SecretsManager::Secret") if "Webhook" in k
    }
    (function,) = [
        f
        for f in resources(api, "AWS::Lambda::Function").values()
        if f["Properties"]["Handler"] == "functions.api.handler.handler"
    ]
    environment = function["Properties"]["Environment"]["Variables"]
    assert environment["ORIGIN_VERIFY_SECRET_ARN"] == {"Ref": secret}
    grants = json.dumps(resources(api, "AWS::IAM::Policy"))
    assert "secretsmanager:GetSecretValue" in grants and secret in grants
