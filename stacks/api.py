"""The REST API: an HTTP API (throttled, CORS for the SPA only, access logs) in front of the API
Lambda, which may start, describe and redrive analyses and use the database, nothing more."""

import json
from dataclasses import dataclass
from typing import Any

import jsii
from aws_cdk import Arn, ArnFormat, CfnOutput, Duration, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct, Node

from stacks import nag
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


@dataclass(frozen=True)
class ApiConfig:
    """Where the SPA is served from, and the Clerk instance that signs its users in."""

    spa_origin: str
    clerk_issuer: str | None
    clerk_jwks_url: str | None
    authorized_parties: str

    @classmethod
    def from_context(cls, node: Node) -> "ApiConfig":
        def get(key: str) -> str | None:
            value = node.try_get_context(key)
            return None if value in (None, "") else str(value)

        spa_origin = get("spaOrigin") or "http://localhost:3000"
        return cls(
            spa_origin=spa_origin,
            clerk_issuer=get("clerkIssuer"),
            clerk_jwks_url=get("clerkJwksUrl"),
            authorized_parties=get("clerkAuthorizedParties") or spa_origin,
        )


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
        database: DatabaseStack,
        state_machine_arn: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        config = ApiConfig.from_context(self.node)
        state_machine = sfn.StateMachine.from_state_machine_arn(self, "Analysis", state_machine_arn)

        # Clerk shows the signing secret when the webhook endpoint is created; put it here then.
        webhook_secret = secretsmanager.Secret(
            self,
            "ClerkWebhookSecret",
            description="Signing secret (whsec_...) of Clerk's user webhook to this API",
        )
        nag.acknowledge(
            webhook_secret,
            "AwsSolutions-SMG4",
            "Clerk generates and rotates this signing secret; the operator copies it here",
        )

        environment = {
            **database.data_api_environment(),
            "POWERTOOLS_SERVICE_NAME": "api",
            "ANALYSIS_STATE_MACHINE_ARN": state_machine.state_machine_arn,
            "CLERK_AUTHORIZED_PARTIES": config.authorized_parties,
            "CLERK_WEBHOOK_SECRET_ARN": webhook_secret.secret_arn,
        }
        if config.clerk_issuer:
            environment["CLERK_ISSUER"] = config.clerk_issuer
        if config.clerk_jwks_url:
            environment["CLERK_JWKS_URL"] = config.clerk_jwks_url
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
                    "The API's Python dependencies: FastAPI, Mangum, PyJWT, Pydantic",
                )
            ],
            memory_size=1024,
            # API Gateway gives up on an integration after 30 s.
            timeout=Duration.seconds(29),
            tracing=lambda_.Tracing.ACTIVE,
            environment=environment,
            log_group=logs.LogGroup(self, "ApiLogs", retention=logs.RetentionDays.ONE_MONTH),
        )
        nag.acknowledge_function(function)
        database.cluster.grant_data_api_access(function)
        webhook_secret.grant_read(function)
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
            cors_preflight=apigwv2.CorsPreflightOptions(
                allow_origins=[config.spa_origin],
                allow_methods=[
                    apigwv2.CorsHttpMethod.GET,
                    apigwv2.CorsHttpMethod.POST,
                    apigwv2.CorsHttpMethod.PUT,
                    apigwv2.CorsHttpMethod.DELETE,
                    apigwv2.CorsHttpMethod.OPTIONS,
                ],
                allow_headers=["authorization", "content-type"],
                max_age=Duration.hours(1),
            ),
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

    def _executions_finding(self, state_machine_arn: str) -> str:
        """cdk-nag's name for the wildcard "every execution of this state machine"."""
        name = Arn.split(state_machine_arn, ArnFormat.COLON_RESOURCE_NAME).resource_name
        return (
            "arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:"
            f"{json.dumps(self.resolve(name), separators=(',', ':'))}:*"
        )
