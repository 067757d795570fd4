"""The cloud assembly as a whole: the deploy order every cross-stack reference needs, and the
outputs a student reads after deploying."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def imports(node: Any) -> Iterator[str]:
    """The export names a template's values import."""
    if isinstance(node, dict):
        if set(node) == {"Fn::ImportValue"}:
            yield node["Fn::ImportValue"]
        for value in node.values():
            yield from imports(value)
    elif isinstance(node, list):
        for value in node:
            yield from imports(value)


def stack_dependencies(cloud_assembly: Path) -> dict[str, set[str]]:
    """Each stack's dependencies in the assembly's manifest, followed transitively."""
    artifacts = json.loads((cloud_assembly / "manifest.json").read_text())["artifacts"]
    direct = {
        name: set(artifact.get("dependencies", [])) & set(artifacts)
        for name, artifact in artifacts.items()
        if artifact["type"] == "aws:cloudformation:stack"
    }

    def closure(name: str) -> set[str]:
        found = set(direct[name])
        for dependency in direct[name] & set(direct):
            found |= closure(dependency)
        return found

    return {name: closure(name) for name in direct}


def test_every_import_is_deployed_after_the_stack_that_exports_it(
    cloud_assembly: Path, templates: dict[str, dict[str, Any]]
) -> None:
    exporter = {
        output["Export"]["Name"]: stack
        for stack, template in templates.items()
        for output in template.get("Outputs", {}).values()
        if "Export" in output
    }
    dependencies = stack_dependencies(cloud_assembly)
    found = 0
    for stack, template in templates.items():
        for name in imports(template["Resources"]):
            found += 1
            assert name in exporter, f"{stack} imports {name}, which no stack exports"
            assert exporter[name] in dependencies[stack], (
                f"{stack} imports {name} from {exporter[name]} without depending on it:"
                " `cdk deploy` could deploy it first, or at the same time"
            )
    assert found >= 5  # the database's ARNs, the state machine's, the API's endpoint


def test_the_api_waits_for_the_state_machine_it_imports_by_name(cloud_assembly: Path) -> None:
    assert "AlexAnalysis" in stack_dependencies(cloud_assembly)["AlexApi"]


@pytest.mark.parametrize(
    ("stack", "outputs"),
    [
        ("AlexFrontend", {"AppUrl", "WebhookUrl"}),
        ("AlexApi", {"ApiUrl", "WebhookSecretName"}),
        (
            "AlexAnalysis",
            {"StateMachineArn", "StateMachineConsole", "LangfuseKeysSecret", "MassiveApiKeySecret"},
        ),
        ("AlexDatabase", {"ClusterArn", "SecretArn", "MasterSecretArn"}),
    ],
)
def test_each_stack_outputs_what_a_student_needs(
    templates: dict[str, dict[str, Any]], stack: str, outputs: set[str]
) -> None:
    assert outputs <= set(templates[stack]["Outputs"])


def test_every_output_the_deploy_prints_is_one_a_stack_has(
    templates: dict[str, dict[str, Any]],
) -> None:
    from local.cli.aws import OUTPUTS

    # FaultsParameter only with teaching.fault_injection (tests/infra/test_analysis_stack.py).
    printed = {(stack, key) for stack, key, _ in OUTPUTS if key != "FaultsParameter"}
    assert {
        (stack, key) for stack, key in printed if key not in templates[stack]["Outputs"]
    } == set()


def test_the_outputs_link_the_console_and_clerk_to_what_was_deployed(
    templates: dict[str, dict[str, Any]],
) -> None:
    analysis = templates["AlexAnalysis"]["Outputs"]
    console = json.dumps(analysis["StateMachineConsole"]["Value"])
    (machine,) = [
        k
        for k, v in templates["AlexAnalysis"]["Resources"].items()
        if v["Type"] == "AWS::StepFunctions::StateMachine"
    ]
    assert ".console.aws.amazon.com/states/home?region=" in console
    assert "#/statemachines/view/" in console and json.dumps({"Ref": machine}) in console
    webhook = json.dumps(templates["AlexFrontend"]["Outputs"]["WebhookUrl"]["Value"])
    assert "/api/webhooks/clerk" in webhook and "DomainName" in webhook
