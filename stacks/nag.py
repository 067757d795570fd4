"""cdk-nag's AWS Solutions checks run on every synthesis; a finding is accepted only here or next
to its construct, with the reason in code (`acknowledge`)."""

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

LAMBDA_LOGS = (
    "AWSLambdaBasicExecutionRole is the minimal managed policy for a function writing its own logs"
)
RUNTIME = "Lambdas run python3.12 by design: stacks/packaging.py builds the dependency layer for it"
XRAY = "X-Ray's PutTraceSegments and PutTelemetryRecords cannot be scoped to a resource"


def check(app: cdk.App) -> None:
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    cdk.Validations.of(scope).acknowledge(
        cdk.Acknowledgment(id=f"AwsSolutions::{rule}", reason=reason)
    )


def acknowledge_function(function: cdk.aws_lambda.Function) -> None:
    """What every Alex Lambda shares: the managed logging policy, the pinned runtime, X-Ray."""
    acknowledge(
        function,
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AWSLambdaBasicExecutionRole]",
        LAMBDA_LOGS,
    )
    acknowledge(function, "AwsSolutions-L1", RUNTIME)
    acknowledge(function, "AwsSolutions-IAM5[Resource::*]", XRAY)
