"""The synthesized frontend stack: a private bucket read only by CloudFront (origin access
control), HTTPS only, each page's index.html for its path, security headers, the API under /api/."""

import subprocess
from typing import Any

import pytest

from stacks.frontend import INDEX_PAGES
from tests.support.templates import resources


@pytest.fixture
def frontend(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return templates["AlexFrontend"]


def distribution(frontend: dict[str, Any]) -> dict[str, Any]:
    (found,) = resources(frontend, "AWS::CloudFront::Distribution").values()
    config: dict[str, Any] = found["Properties"]["DistributionConfig"]
    return config


def test_the_bucket_is_private_encrypted_and_read_through_origin_access_control(
    frontend: dict[str, Any],
) -> None:
    (bucket,) = resources(frontend, "AWS::S3::Bucket").values()
    properties = bucket["Properties"]
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    (policy,) = resources(frontend, "AWS::S3::BucketPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    readers = [s for s in statements if s["Effect"] == "Allow" and "s3:GetObject" in s["Action"]]
    assert [s["Principal"] for s in readers] == [{"Service": "cloudfront.amazonaws.com"}]
    assert any(s["Effect"] == "Deny" and "aws:SecureTransport" in str(s) for s in statements)
    (control,) = resources(frontend, "AWS::CloudFront::OriginAccessControl").values()
    assert control["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    s3_origin = next(o for o in distribution(frontend)["Origins"] if "S3OriginConfig" in o)
    assert s3_origin["OriginAccessControlId"]


def test_viewers_use_https_only(frontend: dict[str, Any]) -> None:
    config = distribution(frontend)
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    for behavior in config["CacheBehaviors"]:
        assert behavior["ViewerProtocolPolicy"] == "https-only"


def test_the_api_is_served_under_the_same_origin_uncached(frontend: dict[str, Any]) -> None:
    behaviors = {b["PathPattern"]: b for b in distribution(frontend)["CacheBehaviors"]}
    assert set(behaviors) == {"/api/*", "/health"}
    api = behaviors["/api/*"]
    assert {"POST", "PUT", "DELETE"} <= set(api["AllowedMethods"])
    # CloudFront's managed CachingDisabled policy.
    assert api["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


def test_security_headers_deny_framing_and_pin_https(frontend: dict[str, Any]) -> None:
    (policy,) = resources(frontend, "AWS::CloudFront::ResponseHeadersPolicy").values()
    headers = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "clerk" not in csp  # no Clerk key in the test context: nothing but this origin
    assert headers["ContentTypeOptions"]["Override"] is True


@pytest.mark.parametrize(
    ("uri", "served"),
    [
        ("/", "/index.html"),
        ("/dashboard/", "/dashboard/index.html"),
        ("/dashboard", "/dashboard/index.html"),
        ("/_next/static/chunks/app.js", "/_next/static/chunks/app.js"),
        ("/favicon.ico", "/favicon.ico"),
    ],
)
def test_each_page_path_serves_its_index_html(uri: str, served: str) -> None:
    script = INDEX_PAGES + f"console.log(handler({{request: {{uri: {uri!r}}}}}).uri);"
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == served


def test_the_page_function_is_the_one_attached_to_every_page_request(
    frontend: dict[str, Any],
) -> None:
    (function,) = resources(frontend, "AWS::CloudFront::Function").values()
    assert function["Properties"]["FunctionCode"].strip() == INDEX_PAGES.strip()
    (association,) = distribution(frontend)["DefaultCacheBehavior"]["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
