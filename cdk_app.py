"""The CDK app: `./alex deploy`, or `npx cdk synth` / `npx cdk deploy --all` (settings:
deploy.toml, described in deploy.example.toml and stacks/config.py)."""

import os

import aws_cdk as cdk

from stacks import nag
from stacks.analysis import AnalysisStack
from stacks.api import ApiStack
from stacks.config import WAF_REGION, DeploySettings, load_settings
from stacks.database import DatabaseStack
from stacks.edge import EdgeStack
from stacks.frontend import FrontendStack
from stacks.observability import ObservabilityStack

# Where the CDK CLI deploys when it finds no region (no profile region, no AWS_REGION): its own
# default, so an offline `cdk synth` describes what a deploy would do.
CLI_DEFAULT_REGION = "us-east-1"


def deploy_region() -> str:
    """The region the CDK CLI deploys to, which it hands the app (from AWS_REGION or the
    profile; `./alex deploy` sets it)."""
    return os.environ.get("CDK_DEFAULT_REGION") or CLI_DEFAULT_REGION


def build_app(
    app: cdk.App, settings: DeploySettings | None = None, region: str | None = None
) -> None:
    settings = settings or load_settings()
    # Every stack names its region (the account stays the credentials'), so the frontend can
    # use the web ACL that CloudFront requires in us-east-1 (stacks/edge.py).
    home = cdk.Environment(region=region or deploy_region())
    edge = EdgeStack(
        app, "AlexEdge", env=cdk.Environment(region=WAF_REGION), cross_region_references=True
    )
    database = DatabaseStack(app, "AlexDatabase", settings=settings, env=home)
    analysis = AnalysisStack(app, "AlexAnalysis", settings=settings, database=database, env=home)
    # Exported by name, so the API stack's grants on its executions read the same on every synth.
    state_machine_arn = analysis.export_value(
        analysis.state_machine.state_machine_arn, name="AlexAnalysis-StateMachineArn"
    )
    api = ApiStack(
        app,
        "AlexApi",
        settings=settings,
        database=database,
        state_machine_arn=state_machine_arn,
        env=home,
    )
    # An import by name is no reference CDK can see: the deploy order must be said.
    api.add_stack_dependency(analysis)
    frontend = FrontendStack(
        app,
        "AlexFrontend",
        settings=settings,
        api=api,
        web_acl_arn=edge.web_acl.attr_arn,
        env=home,
        cross_region_references=True,
    )
    ObservabilityStack(
        app,
        "AlexObservability",
        settings=settings,
        analysis=analysis,
        api=api,
        frontend=frontend,
        env=home,
    )
    for key, value in {
        "Project": "alex",
        "Environment": settings.environment,
        "Owner": settings.owner,
    }.items():
        cdk.Tags.of(app).add(key, value)
    if not settings.deletion_protection:
        # A teardown leaves nothing behind but what the student chose to keep.
        cdk.RemovalPolicies.of(app).destroy(apply_to_resource_types=["AWS::Logs::LogGroup"])
    nag.check(app)


if __name__ == "__main__":
    app = cdk.App()
    build_app(app)
    app.synth()
