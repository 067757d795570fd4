"""The CDK app: `npx cdk synth` / `npx cdk deploy --all` (settings: stacks/config.py, cdk.json)."""

import aws_cdk as cdk

from stacks import nag
from stacks.analysis import AnalysisStack
from stacks.api import ApiStack
from stacks.config import DeployConfig
from stacks.database import DatabaseStack
from stacks.frontend import FrontendStack


def build_app(app: cdk.App) -> tuple[DatabaseStack, AnalysisStack, ApiStack, FrontendStack]:
    config = DeployConfig.from_context(app.node)
    database = DatabaseStack(app, "AlexDatabase", config=config)
    analysis = AnalysisStack(app, "AlexAnalysis", config=config, database=database)
    # Exported by name, so the API stack's grants on its executions read the same on every synth.
    state_machine_arn = analysis.export_value(
        analysis.state_machine.state_machine_arn, name="AlexAnalysis-StateMachineArn"
    )
    api = ApiStack(app, "AlexApi", database=database, state_machine_arn=state_machine_arn)
    frontend = FrontendStack(
        app,
        "AlexFrontend",
        api_endpoint=api.http_api.api_endpoint,
        clerk_publishable_key=app.node.try_get_context("clerkPublishableKey"),
    )
    for key, value in {
        "Project": "alex",
        "Environment": config.environment,
        "Owner": config.owner,
    }.items():
        cdk.Tags.of(app).add(key, value)
    nag.check(app)
    return database, analysis, api, frontend


if __name__ == "__main__":
    app = cdk.App()
    build_app(app)
    app.synth()
