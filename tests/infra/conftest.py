"""A second synthesis of the app, as a student configures it: Clerk signs in, a step can be
made to fail, and alarms are e-mailed. Beside the session's default synthesis
(tests/conftest.py), it shows what settings change."""

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from stacks.config import DeploySettings
from tests.conftest import STACK_REGION

FRONTEND_API = "clean-mayfly-62.clerk.accounts.dev"
ALARM_EMAIL = "operator@example.com"
PUBLISHABLE_KEY = "pk_test_" + base64.b64encode(f"{FRONTEND_API}$".encode()).decode()


def synthesize(outdir: Path, settings: DeploySettings) -> Path:
    import aws_cdk as cdk

    from cdk_app import build_app

    app = cdk.App(context={"aws:cdk:bundling-stacks": []}, outdir=str(outdir))
    build_app(app, settings, region=STACK_REGION)
    app.synth()
    return outdir


@pytest.fixture(scope="session")
def configured_settings() -> DeploySettings:
    return DeploySettings.model_validate(
        {
            "clerk": {"publishable_key": PUBLISHABLE_KEY},
            "teaching": {"fault_injection": True},
            "operations": {"alarm_email": ALARM_EMAIL, "monthly_budget_usd": 20},
        }
    )


@pytest.fixture(scope="session")
def configured_assembly(
    tmp_path_factory: pytest.TempPathFactory, configured_settings: DeploySettings
) -> Path:
    return synthesize(tmp_path_factory.mktemp("configured.cdk.out"), configured_settings)


@pytest.fixture(scope="session")
def configured_templates(configured_assembly: Path) -> dict[str, dict[str, Any]]:
    return {
        path.name.removesuffix(".template.json"): json.loads(path.read_text())
        for path in configured_assembly.glob("*.template.json")
    }
