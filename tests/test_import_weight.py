"""What needs no model stays light: the API's Lambda and the job-lifecycle Lambdas import
neither LiteLLM (2.5 s) nor the Agents SDK (5 s), nor what no Lambda layer holds (psycopg,
uvicorn), and the API nothing its own layer leaves out (NumPy, Massive's client); the command line
starts without the CDK."""

import os
import subprocess
import sys

import pytest

from shared.settings import PROJECT_ROOT


@pytest.mark.parametrize(
    "modules",
    [
        "shared.db, shared.schemas, shared.settings, shared.analytics, shared.portfolio",
        "functions.start_job.handler, functions.finalize_job.handler, functions.job_events.handler",
        "functions.api.handler",
    ],
)
def test_modules_without_a_model_do_not_import_the_agent_stack(modules: str) -> None:
    # The API's layer also leaves out NumPy and the market-data client.
    heavy = {"litellm", "agents", "openai", "psycopg", "uvicorn"}
    if modules == "functions.api.handler":
        heavy |= {"numpy", "massive"}
    probe = f"import sys, {modules}; print(sorted(set({sorted(heavy)!r}) & set(sys.modules)))"
    # The API's handler builds its app on import, as in Lambda: on the Data API, no network yet.
    lambda_environment = {
        "ALEX_ENV": "aws",
        "AWS_REGION": "us-east-1",
        "DB_CLUSTER_ARN": "arn:aws:rds:us-east-1:000000000000:cluster:alex",
        "DB_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:000000000000:secret:alex",
    }
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ALEX_", "DATABASE"))}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**environment, **lambda_environment},
    )
    assert result.stdout.strip() == "[]"


def test_the_command_line_starts_without_the_cdk() -> None:
    # Importing aws_cdk starts jsii's Node process, which prints its banner on every command.
    probe = "import sys, local.cli; print('aws_cdk' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
