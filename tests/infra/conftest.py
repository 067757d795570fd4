"""One synthesis of the CDK app per test session (it takes seconds), without bundling assets."""

import json
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def cloud_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app synthesized as `cdk synth` would (cdk-nag included), assets left unbundled."""
    import aws_cdk as cdk

    from cdk_app import build_app

    outdir = tmp_path_factory.mktemp("cdk.out")
    app = cdk.App(context={"aws:cdk:bundling-stacks": []}, outdir=str(outdir))
    build_app(app)
    app.synth()
    return outdir


@pytest.fixture(scope="session")
def templates(cloud_assembly: Path) -> dict[str, dict[str, Any]]:
    return {
        path.name.removesuffix(".template.json"): json.loads(path.read_text())
        for path in cloud_assembly.glob("*.template.json")
    }


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def definition(template: dict[str, Any]) -> dict[str, Any]:
    """The state machine's definition, its ARNs replaced by readable placeholders."""
    (machine,) = resources(template, "AWS::StepFunctions::StateMachine").values()
    parts = machine["Properties"]["DefinitionString"]["Fn::Join"][1]
    text = "".join(
        part
        if isinstance(part, str)
        else f"arn:aws:lambda:us-east-1:123456789012:function:{part['Fn::GetAtt'][0]}"
        if "Fn::GetAtt" in part
        else "aws"
        for part in parts
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded
