"""The CDK app: `npx cdk synth` / `npx cdk deploy --all` (settings: stacks/config.py, cdk.json)."""

import aws_cdk as cdk

from stacks import nag
from stacks.analysis import AnalysisStack
from stacks.config import DeployConfig
from stacks.database import DatabaseStack


def build_app(app: cdk.App) -> tuple[DatabaseStack, AnalysisStack]:
    config = DeployConfig.from_context(app.node)
    database = DatabaseStack(app, "AlexDatabase", config=config)
    analysis = AnalysisStack(app, "AlexAnalysis", config=config, database=database)
    for key, value in {
        "Project": "alex",
        "Environment": config.environment,
        "Owner": config.owner,
    }.items():
        cdk.Tags.of(app).add(key, value)
    nag.check(app)
    return database, analysis


if __name__ == "__main__":
    app = cdk.App()
    build_app(app)
    app.synth()
