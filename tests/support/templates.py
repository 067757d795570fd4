"""Reading the synthesized templates (the session synthesizes the app once: tests/conftest.py)."""

import json
from typing import Any


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
