"""Static checks on what CDK synthesizes: cdk-nag, cfn-lint, and the ASL validator."""

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shared.settings import PROJECT_ROOT
from tests.support.templates import definition


@pytest.mark.parametrize("assembly", ["cloud_assembly", "configured_assembly"])
def test_cdk_nag_finds_nothing_unacknowledged_and_every_acknowledgment_has_a_reason(
    request: pytest.FixtureRequest, assembly: str
) -> None:
    directory: Path = request.getfixturevalue(assembly)
    report = json.loads((directory / "validation-report.json").read_text())
    (nag,) = [p for p in report["pluginReports"] if p["pluginName"] == "AwsSolutions"]
    assert nag["conclusion"] == "success" and nag["violations"] == []
    for suppressed in nag["suppressedViolations"]:
        assert len(suppressed.get("reason", "")) > 20, suppressed["ruleName"]


@pytest.mark.parametrize("assembly", ["cloud_assembly", "configured_assembly"])
def test_every_acknowledgment_answers_a_finding_cdk_nag_made(
    request: pytest.FixtureRequest, assembly: str
) -> None:
    directory: Path = request.getfixturevalue(assembly)
    report = json.loads((directory / "validation-report.json").read_text())
    (nag,) = [p for p in report["pluginReports"] if p["pluginName"] == "AwsSolutions"]
    found = {(s["acknowledgedAt"], s["ruleName"]) for s in nag["suppressedViolations"]}
    # CDK records each acknowledgment in the stack's metadata, by construct path.
    acknowledged = {
        (path.lstrip("/"), rule.removeprefix("AwsSolutions::"))
        for metadata in directory.glob("*.metadata.json")
        for path, entries in json.loads(metadata.read_text()).items()
        for entry in entries
        if entry["type"] == "aws:cdk:acknowledged-rules"
        for rule in entry["data"]
        if rule.startswith("AwsSolutions::")
    }
    assert acknowledged
    assert acknowledged - found == set()


def test_cdk_nag_fails_synthesis_on_an_unacknowledged_finding(tmp_path: Path) -> None:
    import aws_cdk as cdk
    from aws_cdk import aws_sqs as sqs

    from stacks import nag

    app = cdk.App(outdir=str(tmp_path))
    sqs.Queue(cdk.Stack(app, "Careless"), "Queue")  # no DLQ, no TLS enforcement
    nag.check(app)
    with pytest.raises(RuntimeError, match="AwsSolutions-SQS3"):
        app.synth()


@pytest.mark.parametrize("assembly", ["cloud_assembly", "configured_assembly"])
def test_cfn_lint_finds_no_errors(request: pytest.FixtureRequest, assembly: str) -> None:
    directory: Path = request.getfixturevalue(assembly)
    templates = sorted(str(p) for p in directory.glob("*.template.json"))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--format", "parseable", *templates],
        capture_output=True,
        text=True,
    )
    # cfn-lint exits 2 for errors and 4 for warnings only; warnings are reported, not fatal.
    assert result.returncode in (0, 4), result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("npx") is None, reason="needs Node's npx")
def test_definition_is_valid_amazon_states_language(
    templates: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    path = tmp_path / "definition.json"
    path.write_text(json.dumps(definition(templates["AlexAnalysis"])))
    result = subprocess.run(
        ["npx", "--no-install", "asl-validator", "--json-path", str(path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
