"""The CDK app: `./alex deploy`, or `npx cdk synth` / `npx cdk deploy --all` (settings:
deploy.toml, described in deploy.example.toml and stacks/config.py)."""

import aws_cdk as cdk

from stacks import nag
from stacks.analysis import AnalysisStack
from stacks.api import ApiStack
from stacks.config import DeploySettings, load_settings
from stacks.database import DatabaseStack
from stacks.frontend import FrontendStack
from stacks.observability import ObservabilityStack


def build_app(
    app: cdk.App, settings: DeploySettings | None = None
) -> tuple[DatabaseStack, AnalysisStack, ApiStack, FrontendStack, ObservabilityStack]:
    settings = settings or load_settings()
    database = DatabaseStack(app, "AlexDatabase", settings=settings)
    analysis = AnalysisStack(app, "AlexAnalysis", settings=settings, database=database)
    # Exported by name, so the API stack's grants on its executions read the same on every synth.
    state_machine_arn = analysis.export_value(
        analysis.state_machine.state_machine_arn, name="AlexAnalysis-StateMachineArn"
    )
    api = ApiStack(
        app, "AlexApi", settings=settings, database=database, state_machine_arn=state_machine_arn
    )
    # An import by name is no reference CDK can see: the deploy order must be said.
    api.add_stack_dependency(analysis)
    frontend = FrontendStack(app, "AlexFrontend", settings=settings, api=api)
    observability = ObservabilityStack(
        app,
        "AlexObservability",
        settings=settings,
        analysis=analysis,
        api=api,
        frontend=frontend,
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
    return database, analysis, api, frontend, observability


if __name__ == "__main__":
    app = cdk.App()
    build_app(app)
    app.synth()
