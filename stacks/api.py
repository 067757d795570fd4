"""The REST API: an HTTP API (throttled, access logs) in front of the API Lambda, which may start,
describe and redrive analyses and use the database, nothing more.

The SPA calls it through its own CloudFront distribution (`/api/*`): same origin, so the API
answers no CORS preflight. Clerk's tokens name the SPA's origin as their authorized party; the
API reads that origin from a parameter the frontend stack writes, so nothing is deployed twice.
"""

import json
from typing import Any

import jsii
from aws_cdk import Arn, ArnFormat, CfnOutput, Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from stacks import nag
from stacks.config import DeploySettings
from stacks.database import DatabaseStack
from stacks.packaging import (
    API_LAYER_PACKAGES,
    ARCHITECTURE,
    RUNTIME,
    dependency_layer,
    source_code,
)

# Requests per second across the stage, and the burst above it, before API Gateway answers 429.
RATE_LIMIT = 50
BURST_LIMIT = 100
# API Gateway gives up on an integration after 30 s.
API_TIMEOUT = Duration.seconds(29)
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "time": "$context.requestTime",
    "method": "$context.httpMethod",
    "path": "$context.path",
    "status": "$context.status",
    "latencyMs": "$context.responseLatency",
    "integrationLatencyMs": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
    "responseLength": "$context.responseLength",
}


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogs:
    def __init__(self, log_group: logs.ILogGroup) -> None:
        self._destination = apigwv2.LogGroupLogDestination(log_group)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FORMAT))


class ApiStack(Stack):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        settings: DeploySettings,
        database: DatabaseStack,
        state_machine_arn: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        state_machine = sfn.StateMachine.from_state_machine_arn(self, "Analysis", state_machine_arn)

        # Clerk shows the signing secret when the webhook endpoint is created; it is stored here
        # as is, plain text `whsec_...` (the placeholder CDK generates is refused until then).
        webhook_secret = secretsmanager.Secret(
            self,
            "ClerkWebhookSecret",
            description="Signing secret (whsec_...) of Clerk's user webhook to this API",
        )
        self.webhook_secret = webhook_secret
        # CloudFront sends it to the API on every request (stacks/frontend.py), and the API
        # refuses a request without it: no way around the WAF to API Gateway's own URL.
        self.origin_secret = secretsmanager.Secret(
            self,
            "OriginVerifySecret",
            description="The header value CloudFront sends to the API (X-Origin-Verify)",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=48
            ),
        )
        nag.acknowledge(
            self.origin_secret,
            "AwsSolutions-SMG4",
            "CloudFront and the API must change together, by hand: docs/operate.md says how",
        )
        # Written by the frontend stack, which is deployed after this one.
        self.spa_origin_parameter = settings.parameter_name("spa-origin")
        nag.acknowledge(
            webhook_secret,
            "AwsSolutions-SMG4",
            "Clerk generates and rotates this signing secret; the operator copies it here",
        )

        environment = {
            **database.data_api_environment(API_TIMEOUT),
            "POWERTOOLS_SERVICE_NAME": "api",
            "ANALYSIS_STATE_MACHINE_ARN": state_machine.state_machine_arn,
            "CLERK_AUTHORIZED_PARTIES": ",".join(settings.clerk.authorized_parties),
            "SPA_ORIGIN_PARAMETER": self.spa_origin_parameter,
            "CLERK_WEBHOOK_SECRET_ARN": webhook_secret.secret_arn,
            "ORIGIN_VERIFY_SECRET_ARN": self.origin_secret.secret_arn,
        }
        if settings.clerk.issuer:
            environment["CLERK_ISSUER"] = settings.clerk.issuer
        function = lambda_.Function(
            self,
            "Api",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler="functions.api.handler.handler",
            code=source_code(),
            layers=[
                dependency_layer(
                    self,
                    "Dependencies",
                    API_LAYER_PACKAGES,
                    "The API's Python dependencies: FastAPI, Mangum, PyJWT, Pydantic, Powertools",
                    trim=(),
                )
            ],
            memory_size=1024,
            timeout=API_TIMEOUT,
            tracing=lambda_.Tracing.ACTIVE,
            environment=environment,
            log_group=logs.LogGroup(self, "ApiLogs", retention=logs.RetentionDays.ONE_MONTH),
        )
        self.function = function
        nag.acknowledge_function(function)
        database.grant_data_access(function)
        webhook_secret.grant_read(function)
        self.origin_secret.grant_read(function)
        ssm.StringParameter.from_string_parameter_name(
            self, "SpaOrigin", self.spa_origin_parameter
        ).grant_read(function)
        state_machine.grant_start_execution(function)
        # Redrive and describe act on executions (one per job), not on the state machine.
        state_machine.grant_execution(
            function, "states:DescribeExecution", "states:RedriveExecution"
        )
        nag.acknowledge(
            function,
            f"AwsSolutions-IAM5[Resource::{self._executions_finding(state_machine_arn)}]",
            "Each job is a new execution of the analysis state machine, named by the job id",
        )

        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            description="Alex's REST API for the SPA",
            create_default_stage=False,
            default_integration=integrations.HttpLambdaIntegration("Lambda", function),
        )
        access_logs = logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.THREE_MONTHS)
        apigwv2.HttpStage(
            self,
            "Stage",
            http_api=self.http_api,
            stage_name="$default",
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(rate_limit=RATE_LIMIT, burst_limit=BURST_LIMIT),
            access_log_settings=_AccessLogs(access_logs),
        )
        nag.acknowledge(
            self.http_api,
            "AwsSolutions-APIG4",
            "The API verifies Clerk session tokens itself (PyJWT: signature, expiry, issuer,"
            " authorized party); /health and the Svix-signed webhook are public by design",
        )
        CfnOutput(self, "ApiUrl", value=self.http_api.api_endpoint)
        CfnOutput(
            self,
            "WebhookSecretName",
            description="Put Clerk's webhook signing secret (whsec_...) in this secret",
            value=webhook_secret.secret_name,
        )

    def _executions_finding(self, state_machine_arn: str) -> str:
        """cdk-nag's name for the wildcard "every execution of this state machine"."""
        name = Arn.split(state_machine_arn, ArnFormat.COLON_RESOURCE_NAME).resource_name
        return (
            f"arn:<AWS::Partition>:states:{self.region}:<AWS::AccountId>:execution:"
            f"{json.dumps(self.resolve(name), separators=(',', ':'))}:*"
        )
