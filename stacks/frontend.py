"""The SPA's hosting: its static export in a private S3 bucket, served by CloudFront over HTTPS
only, with the API behind the same distribution under `/api/*` (one origin: no CORS needed).

The build runs as CDK local bundling (`npm ci` and `next build` in `frontend/`), which the tests
switch off, so synthesis there needs neither Node packages nor a build. Its settings (the Clerk
key) are the bundling's environment, which CDK hashes with the sources: a new key, a new asset.
"""

import os
import shutil
import subprocess
from typing import Any, cast

import jsii
from aws_cdk import (
    BundlingOptions,
    CfnOutput,
    DockerImage,
    Duration,
    Fn,
    ILocalBundling,
    RemovalPolicy,
    Stack,
)
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from shared import security_headers as headers
from shared.settings import FRONTEND, SPA_NOT_SOURCES
from stacks import nag
from stacks.api import ApiStack
from stacks.config import ClerkSettings, DeploySettings

# Static export with trailing slashes: `/dashboard/` and `/dashboard` are `dashboard/index.html`.
INDEX_PAGES = """
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith("/")) {
    request.uri = uri + "index.html";
  } else if (uri.split("/").pop().indexOf(".") === -1) {
    request.uri = uri + "/index.html";
  }
  return request;
}
"""
DEPLOYMENT_GRANTS = "CDK's BucketDeployment copies the build from CDK's asset bucket to the site's"
ORIGIN_HEADER = "X-Origin-Verify"


def build_environment(clerk: ClerkSettings) -> dict[str, str]:
    """What the SPA's build reads: every value is part of the asset's hash."""
    return {
        "NEXT_TELEMETRY_DISABLED": "1",
        # The API is this distribution's `/api/*`: same origin.
        "NEXT_PUBLIC_API_URL": "",
        "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY": clerk.publishable_key or "",
    }


@jsii.implements(ILocalBundling)
class _NextBuild:
    def try_bundle(self, output_dir: str, options: Any) -> bool:  # a BundlingOptions
        env = {**os.environ, **(options.environment or {})}
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=FRONTEND, env=env, check=True)
        subprocess.run(["npm", "run", "build"], cwd=FRONTEND, env=env, check=True)
        shutil.copytree(FRONTEND / "out", output_dir, dirs_exist_ok=True)
        return True


class FrontendStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: DeploySettings,
        api: ApiStack,
        web_acl_arn: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        bucket = s3.Bucket(
            self,
            "Site",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            # Only the build lives here: rebuilt by every deploy. Versions let an operator put
            # back the previous build's files while a fix is deployed.
            versioned=True,
            lifecycle_rules=[s3.LifecycleRule(noncurrent_version_expiration=Duration.days(30))],
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )
        nag.acknowledge(
            bucket,
            "AwsSolutions-S1",
            "The bucket holds only the public static build; CloudFront is the one reader",
        )
        api_origin = origins.HttpOrigin(
            Fn.select(2, Fn.split("/", api.http_api.api_endpoint)),  # https://<domain> -> <domain>
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            # The API refuses a request without it (functions/api/origin.py).
            custom_headers={
                ORIGIN_HEADER: api.origin_secret.secret_value.unsafe_unwrap(),
            },
        )
        to_api = cloudfront.BehaviorOptions(
            origin=api_origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=self._headers(
                "ApiHeaders", headers.API_CONTENT_SECURITY_POLICY
            ),
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Alex: the SPA, and its API under /api/",
            web_acl_id=web_acl_arn,
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self._headers(
                    "Headers", headers.content_security_policy(settings.clerk.frontend_api)
                ),
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=cloudfront.Function(
                            self,
                            "IndexPages",
                            code=cloudfront.FunctionCode.from_inline(INDEX_PAGES),
                            runtime=cloudfront.FunctionRuntime.JS_2_0,
                            comment="Serve each page's index.html for its path",
                        ),
                        event_type=cloudfront.FunctionEventType.VIEWER_REQUEST,
                    )
                ],
            ),
            additional_behaviors={"/api/*": to_api, "/health": to_api},
            error_responses=[
                cloudfront.ErrorResponse(
                    http_status=403,  # S3 answers 403 for a missing key
                    response_http_status=404,
                    response_page_path="/404.html",
                    ttl=Duration.minutes(1),
                )
            ],
        )
        for rule, reason in (
            ("AwsSolutions-CFR1", "No geographic restriction: the product is offered everywhere"),
            ("AwsSolutions-CFR3", "Access logs are left to the operator (they need ACLs on S3)"),
            (
                "AwsSolutions-CFR4",
                "The default *.cloudfront.net certificate, whose TLS floor CloudFront sets;"
                " a custom domain brings its own certificate and policy",
            ),
        ):
            nag.acknowledge(self.distribution, rule, reason)
        s3deploy.BucketDeployment(
            self,
            "Build",
            sources=[
                s3deploy.Source.asset(
                    str(FRONTEND),
                    exclude=sorted(SPA_NOT_SOURCES),
                    bundling=BundlingOptions(
                        # Required by the API, never used: the local build always succeeds.
                        image=DockerImage.from_registry("local-bundling-only"),
                        local=_NextBuild(),
                        environment=build_environment(settings.clerk),
                    ),
                )
            ],
            destination_bucket=bucket,
            distribution=self.distribution,
            distribution_paths=["/*"],
            memory_limit=512,
        )
        self._acknowledge_deployment_function(bucket)
        app_url = f"https://{self.distribution.domain_name}"
        # The API accepts Clerk tokens minted for this origin (stacks/api.py).
        ssm.StringParameter(
            self,
            "SpaOrigin",
            parameter_name=api.spa_origin_parameter,
            description="The SPA's origin: the authorized party of its Clerk tokens",
            string_value=app_url,
        )
        CfnOutput(self, "AppUrl", value=app_url)
        CfnOutput(
            self,
            "WebhookUrl",
            description="Clerk's user webhook endpoint (user.created, user.updated, user.deleted)",
            value=f"{app_url}/api/webhooks/clerk",
        )

    def _acknowledge_deployment_function(self, bucket: s3.Bucket) -> None:
        """BucketDeployment's function is CDK's own (a singleton at the stack's root): its
        runtime and grants are CDK's choice, scoped to this bucket and CDK's asset bucket."""
        (function,) = [
            child
            for child in self.node.children
            if child.node.id.startswith("Custom::CDKBucketDeployment")
        ]
        bucket_arn = self.get_logical_id(cast(s3.CfnBucket, bucket.node.default_child))
        findings = {
            "AwsSolutions-L1": "CDK's own function: its runtime is CDK's choice",
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]": nag.LAMBDA_LOGS,
            "AwsSolutions-IAM5[Resource::*]": "CloudFront invalidations, which CDK grants on *",
            **{
                f"AwsSolutions-IAM5[Action::{grant}]": DEPLOYMENT_GRANTS
                for grant in (
                    "s3:GetObject*",
                    "s3:GetBucket*",
                    "s3:List*",
                    "s3:DeleteObject*",
                    "s3:Abort*",
                )
            },
            **{
                f"AwsSolutions-IAM5[Resource::{resource}]": DEPLOYMENT_GRANTS
                for resource in (
                    "arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-"
                    f"{self.region}/*",
                    f"<{bucket_arn}.Arn>/*",
                )
            },
        }
        for rule, reason in findings.items():
            nag.acknowledge(function, rule, reason)

    def _headers(self, construct_id: str, csp: str) -> cloudfront.ResponseHeadersPolicy:
        """The security headers of shared/security_headers.py, which the API and the local server
        send too, overriding whatever the origin sent."""
        return cloudfront.ResponseHeadersPolicy(
            self,
            construct_id,
            comment="Alex: CSP, HSTS, no framing, nosniff, referrer policy",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=csp, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.seconds(headers.HSTS_MAX_AGE_SECONDS),
                    include_subdomains=True,
                    preload=True,
                    override=True,
                ),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption[headers.FRAME_OPTIONS],
                    override=True,
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy[
                        headers.REFERRER_POLICY.upper().replace("-", "_")
                    ],
                    override=True,
                ),
            ),
        )
