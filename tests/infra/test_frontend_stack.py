"""The synthesized frontend stack: a private bucket read only by CloudFront (origin access
control), HTTPS only, each page's index.html for its path, security headers, the API under /api/."""

import subprocess
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import BundlingOptions, DockerImage

from shared import security_headers
from stacks.config import ClerkSettings
from stacks.frontend import INDEX_PAGES, _NextBuild, build_environment
from tests.infra.conftest import FRONTEND_API, PUBLISHABLE_KEY
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


def header_policies(frontend: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The security headers config of each behavior's response headers policy, by path."""
    policies = resources(frontend, "AWS::CloudFront::ResponseHeadersPolicy")
    config = distribution(frontend)
    behaviors = {"/": config["DefaultCacheBehavior"]} | {
        b["PathPattern"]: b for b in config["CacheBehaviors"]
    }
    return {
        path: policies[b["ResponseHeadersPolicyId"]["Ref"]]["Properties"][
            "ResponseHeadersPolicyConfig"
        ]["SecurityHeadersConfig"]
        for path, b in behaviors.items()
    }


def test_security_headers_deny_framing_and_pin_https(frontend: dict[str, Any]) -> None:
    headers = header_policies(frontend)["/"]
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "clerk" not in csp and "cloudflare" not in csp  # no Clerk key: nothing but this origin
    assert headers["ContentTypeOptions"]["Override"] is True


def test_the_api_gets_the_same_security_headers_as_the_api_sends(
    frontend: dict[str, Any],
) -> None:
    policies = header_policies(frontend)
    sent = security_headers.security_headers(
        security_headers.API_CONTENT_SECURITY_POLICY, https=True
    )
    for path in ("/api/*", "/health"):
        added = policies[path]
        assert (
            added["ContentSecurityPolicy"]["ContentSecurityPolicy"]
            == (sent["Content-Security-Policy"])
        )
        assert added["FrameOptions"]["FrameOption"] == sent["X-Frame-Options"]
        assert added["ReferrerPolicy"]["ReferrerPolicy"] == sent["Referrer-Policy"]
        hsts = added["StrictTransportSecurity"]
        assert (
            f"max-age={hsts['AccessControlMaxAgeSec']}; includeSubDomains; preload"
            == (sent["Strict-Transport-Security"])
        )
        assert added["ContentTypeOptions"]["Override"] is True


def directives(frontend: dict[str, Any]) -> dict[str, set[str]]:
    csp = header_policies(frontend)["/"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    return {name: set(values) for name, *values in (d.split() for d in csp.split("; "))}


def test_with_clerk_the_csp_admits_what_clerks_components_need(
    configured_templates: dict[str, dict[str, Any]],
) -> None:
    # Clerk's CSP guide: its Frontend API for scripts and calls, Cloudflare's bot protection for
    # scripts and frames, Clerk's images, workers from blob:, inline styles.
    csp = directives(configured_templates["AlexFrontend"])
    fapi = f"https://{FRONTEND_API}"
    assert {fapi, "https://challenges.cloudflare.com"} <= csp["script-src"]
    assert fapi in csp["connect-src"]
    assert "https://img.clerk.com" in csp["img-src"]
    assert {"'self'", "blob:"} <= csp["worker-src"]
    assert "'unsafe-inline'" in csp["style-src"]
    assert "https://challenges.cloudflare.com" in csp["frame-src"]
    # ... and nothing wider: no other Clerk instance, no inline or evaluated scripts.
    assert not any("*.clerk.accounts.dev" in s for s in csp["script-src"] | csp["connect-src"])
    assert not {"'unsafe-inline'", "'unsafe-eval'"} & csp["script-src"]
    assert csp["frame-ancestors"] == {"'none'"} and csp["default-src"] == {"'self'"}


def spa_asset(frontend: dict[str, Any]) -> list[Any]:
    (deployment,) = resources(frontend, "Custom::CDKBucketDeployment").values()
    keys: list[Any] = deployment["Properties"]["SourceObjectKeys"]
    return keys


def test_a_new_clerk_key_ships_a_new_spa_build(
    templates: dict[str, dict[str, Any]], configured_templates: dict[str, dict[str, Any]]
) -> None:
    keyless, with_key = (
        spa_asset(templates["AlexFrontend"]),
        spa_asset(configured_templates["AlexFrontend"]),
    )
    assert keyless != with_key


def test_the_build_reads_exactly_the_settings_the_asset_is_hashed_with(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    environment = build_environment(ClerkSettings(publishable_key=PUBLISHABLE_KEY))
    assert environment["NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"] == PUBLISHABLE_KEY
    builds: list[dict[str, str]] = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **kw: builds.append(kw["env"]))
    monkeypatch.setattr("shutil.copytree", lambda *a, **kw: None)
    options = BundlingOptions(image=DockerImage.from_registry("x"), environment=environment)
    assert _NextBuild().try_bundle(str(tmp_path), options)
    assert builds and all(environment.items() <= build.items() for build in builds)


def test_the_spa_origin_is_written_where_the_api_reads_it(
    templates: dict[str, dict[str, Any]],
) -> None:
    (parameter,) = resources(templates["AlexFrontend"], "AWS::SSM::Parameter").values()
    assert parameter["Properties"]["Name"] == "/alex/dev/spa-origin"
    assert "DomainName" in str(parameter["Properties"]["Value"])
    (function,) = resources(templates["AlexApi"], "AWS::Lambda::Function").values()
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["SPA_ORIGIN_PARAMETER"] == "/alex/dev/spa-origin"


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
