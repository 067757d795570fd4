"""`alex deploy`, `alex destroy` and `alex faults` as a student runs them: against a stand-in AWS
account (tests/conftest.py's `aws`) and a stand-in `cdk` executable that records each call."""

import json
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import local.cli.aws as deploy_module
from local.cli import main
from runtime.faults import Crash, raise_injected_fault
from shared.settings import get_settings
from stacks.config import EXAMPLE_FILE, DeploySettings
from tests.infra.conftest import PUBLISHABLE_KEY, synthesize
from tests.support.aws_standin import PROFILE_REGION, AwsError, AwsRequest, AwsStandIn

ACCOUNT = "123456789012"
FAULTS = "/alex/dev/faults"
CALLER = (
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    f"<GetCallerIdentityResult><Arn>arn:aws:iam::{ACCOUNT}:user/student</Arn>"
    f"<UserId>AIDASTUDENT</UserId><Account>{ACCOUNT}</Account></GetCallerIdentityResult>"
    "<ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata>"
    "</GetCallerIdentityResponse>"
)
OUTPUTS = {
    "AlexDatabase": {
        "ClusterArn": "arn:cluster",
        "SecretArn": "arn:secret",
        "MasterSecretArn": "arn:master",
    },
    "AlexAnalysis": {
        "StateMachineArn": "arn:states",
        "StateMachineConsole": "https://console/states",
        "LangfuseKeysSecret": "LangfuseKeys",
        "MassiveApiKeySecret": "MassiveApiKey",
    },
    "AlexApi": {"ApiUrl": "https://api.example", "WebhookSecretName": "ClerkWebhookSecret"},
    "AlexFrontend": {
        "AppUrl": "https://d111.cloudfront.net",
        "WebhookUrl": "https://d111.cloudfront.net/api/webhooks/clerk",
    },
    "AlexObservability": {
        "DashboardUrl": "https://console/cloudwatch#dashboards:name=Alex",
        "AlarmTopicArn": "arn:sns:alarms",
    },
}
# Records its arguments and region, writes the outputs a deploy would, and exits as told.
STAND_IN_CDK = f"""#!{sys.executable}
import json, os, sys
from pathlib import Path

arguments = sys.argv[1:]
with open(os.environ["CDK_CALLS"], "a") as calls:
    calls.write(json.dumps({{"arguments": arguments, "region": os.environ.get("AWS_REGION"),
                            "cwd": os.getcwd()}}) + "\\n")
if "--outputs-file" in arguments:
    Path(arguments[arguments.index("--outputs-file") + 1]).write_text(os.environ["CDK_OUTPUTS"])
sys.exit(int(os.environ.get("CDK_EXIT", "0")))
"""


@dataclass
class Student:
    aws: AwsStandIn
    settings: Path
    calls_file: Path
    parameters: dict[str, str]

    def run(self, *arguments: str, answer: str | None = None) -> Result:
        return CliRunner().invoke(main, list(arguments), input=answer)

    @property
    def cdk_calls(self) -> list[dict[str, Any]]:
        if not self.calls_file.exists():
            return []
        return [json.loads(line) for line in self.calls_file.read_text().splitlines()]

    def configure(self, **sections: dict[str, Any]) -> None:
        lines = []
        for section, values in sections.items():
            lines.append(f"[{section}]")
            lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
        self.settings.write_text("\n".join(lines) + "\n")


@pytest.fixture
def student(aws: AwsStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Student]:
    """A student's checkout: deploy settings in a file of their own, the stand-in `cdk`, and
    an account (the profile's region) where CDK is bootstrapped and SSM keeps parameters."""
    cdk = tmp_path / "cdk"
    cdk.write_text(STAND_IN_CDK)
    cdk.chmod(0o755)
    student = Student(aws, tmp_path / "deploy.toml", tmp_path / "cdk-calls.jsonl", {})
    monkeypatch.setattr(deploy_module, "CDK", cdk)
    monkeypatch.setattr(deploy_module, "ASSEMBLY", tmp_path / "cdk.out")
    monkeypatch.setenv("ALEX_DEPLOY_SETTINGS", str(student.settings))
    monkeypatch.setenv("ALEX_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CDK_CALLS", str(student.calls_file))
    monkeypatch.setenv("CDK_OUTPUTS", json.dumps(OUTPUTS))
    get_settings.cache_clear()
    student.parameters["/cdk-bootstrap/hnb659fds/version"] = "30"

    def get_parameter(request: AwsRequest) -> dict[str, Any]:
        name = request.body["Name"]
        if name not in student.parameters:
            raise AwsError("ParameterNotFound", "")
        return {"Parameter": {"Name": name, "Type": "String", "Value": student.parameters[name]}}

    def put_parameter(request: AwsRequest) -> dict[str, Any]:
        assert request.body["Overwrite"] is True
        student.parameters[request.body["Name"]] = request.body["Value"]
        return {"Version": 2, "Tier": "Standard"}

    aws.answer("sts", "GetCallerIdentity", CALLER)
    aws.answer("ssm", "GetParameter", get_parameter)
    aws.answer("ssm", "PutParameter", put_parameter)
    yield student


def test_a_first_deploy_bootstraps_the_account_then_deploys_every_stack(
    student: Student,
) -> None:
    del student.parameters["/cdk-bootstrap/hnb659fds/version"]
    student.configure(clerk={"publishable_key": PUBLISHABLE_KEY})

    result = student.run("deploy")

    assert result.exit_code == 0, result.output
    assert [call["arguments"][:3] for call in student.cdk_calls] == [
        # The app's region, and us-east-1 where CloudFront's web ACL must be.
        ["bootstrap", f"aws://{ACCOUNT}/{PROFILE_REGION}", f"aws://{ACCOUNT}/us-east-1"],
        ["deploy", "--all", "--require-approval"],
    ]
    deploy = student.cdk_calls[1]["arguments"]
    assert deploy[2:4] == ["--require-approval", "never"]
    assert deploy[4] == "--outputs-file"
    # The CDK CLI deploys where boto3 found the account: the profile's region, said explicitly.
    assert {call["region"] for call in student.cdk_calls} == {PROFILE_REGION}
    assert {call["cwd"] for call in student.cdk_calls} == {str(deploy_module.PROJECT_ROOT)}
    assert student.aws.signed_for() == {
        ("sts", PROFILE_REGION),
        ("ssm", PROFILE_REGION),
        ("ssm", "us-east-1"),
    }
    for outputs in OUTPUTS.values():
        for key, value in outputs.items():
            assert f"{key:<20}{value}" in result.output
    assert "--secret-id ClerkWebhookSecret --secret-string 'whsec_...'" in result.output
    assert "Open https://d111.cloudfront.net, sign in" in result.output
    assert "./alex faults" not in result.output  # fault injection is off


def test_a_bootstrapped_account_is_deployed_at_once(student: Student) -> None:
    student.configure(
        clerk={"publishable_key": PUBLISHABLE_KEY}, teaching={"fault_injection": True}
    )

    result = student.run("deploy")

    assert result.exit_code == 0, result.output
    assert [call["arguments"][0] for call in student.cdk_calls] == ["deploy"]
    assert "`./alex faults set charter=fail`" in result.output


def test_the_first_deploy_writes_the_settings_file_to_edit_and_deploys_nothing(
    student: Student,
) -> None:
    result = student.run("deploy")

    assert result.exit_code == 0
    assert f"Created {student.settings} from deploy.example.toml" in result.output
    assert "Next: edit it" in result.output
    assert student.settings.read_text() == EXAMPLE_FILE.read_text()
    assert student.cdk_calls == []
    assert student.aws.requests == []


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "clerk.publishable_key is not set"),
        ({"clerk": {"publishable_key": "pk_test_bad"}}, "clerk.publishable_key: Value error"),
        ({"teaching": {"fault_injection": "maybe"}}, "teaching.fault_injection: Input should be"),
    ],
)
def test_settings_a_deploy_cannot_use_are_named_before_anything_is_deployed(
    student: Student, settings: dict[str, dict[str, Any]], message: str
) -> None:
    student.configure(**settings)

    result = student.run("deploy")

    assert result.exit_code == 1
    assert message in result.output
    assert student.cdk_calls == []


def test_without_credentials_the_deploy_says_how_to_set_them(student: Student) -> None:
    student.configure(clerk={"publishable_key": PUBLISHABLE_KEY})

    def refused(request: AwsRequest) -> str:
        raise AwsError("InvalidClientTokenId", "The security token is invalid.", 403)

    student.aws.answer("sts", "GetCallerIdentity", refused)

    result = student.run("deploy")

    assert result.exit_code == 1
    assert "AWS refused to give the caller's identity (STS): InvalidClientTokenId" in result.output
    assert "aws sts get-caller-identity" in result.output
    assert student.cdk_calls == []


def test_without_a_region_the_deploy_says_how_to_set_one(
    student: Student, monkeypatch: pytest.MonkeyPatch
) -> None:
    student.configure(clerk={"publishable_key": PUBLISHABLE_KEY})
    monkeypatch.setenv("AWS_PROFILE", "no-region")

    result = student.run("deploy")

    assert result.exit_code == 1
    assert "No AWS region: set one with `aws configure set region" in result.output
    assert student.cdk_calls == []
    assert student.aws.requests == []


def test_destroy_on_a_checkout_without_settings_creates_none(student: Student) -> None:
    result = student.run("destroy", "--yes")

    assert result.exit_code == 0, result.output
    assert not student.settings.exists()
    assert [call["arguments"][0] for call in student.cdk_calls] == ["destroy"]


def test_a_failed_cdk_deploy_fails_the_command_without_claiming_outputs(
    student: Student, monkeypatch: pytest.MonkeyPatch
) -> None:
    student.configure(clerk={"publishable_key": PUBLISHABLE_KEY})
    monkeypatch.setenv("CDK_EXIT", "1")

    result = student.run("deploy")

    assert result.exit_code == 1
    assert "`cdk deploy` failed" in result.output
    assert "Deployed." not in result.output


def test_destroy_deletes_every_stack_and_leaves_only_cdks_bootstrap(
    student: Student, cloud_assembly: Path
) -> None:
    student.configure(clerk={"publishable_key": PUBLISHABLE_KEY})
    shutil.copytree(cloud_assembly, deploy_module.ASSEMBLY)

    result = student.run("destroy", answer="y\n")

    assert result.exit_code == 0, result.output
    assert [call["arguments"] for call in student.cdk_calls] == [
        ["destroy", "--all", "--force", "--output", str(deploy_module.ASSEMBLY)]
    ]
    left = result.output.split("What is left:")[1]
    assert " of Alex" not in left  # no resource of a stack survives it
    assert f"CDKToolkit in aws://{ACCOUNT}/{PROFILE_REGION}" in left


def test_destroy_asks_first(student: Student) -> None:
    student.configure(clerk={"publishable_key": PUBLISHABLE_KEY})

    result = student.run("destroy", answer="n\n")

    assert result.exit_code == 1
    assert "Aborted" in result.output
    assert student.cdk_calls == []


def test_what_a_teardown_keeps_follows_deletion_protection(
    tmp_path: Path, cloud_assembly: Path
) -> None:
    assert deploy_module.kept_resources(cloud_assembly) == []
    protected = synthesize(tmp_path, DeploySettings(deletion_protection=True))

    kept = deploy_module.kept_resources(protected)

    kinds = {(stack, kind, how) for stack, _, kind, how in kept}
    assert ("AlexDatabase", "AWS::RDS::DBCluster", "snapshotted") in kinds
    assert ("AlexObservability", "AWS::S3::Bucket", "retained") in kinds  # the audit trail
    log_groups = [stack for stack, _, kind, how in kept if kind == "AWS::Logs::LogGroup"]
    assert set(log_groups) == {"AlexDatabase", "AlexAnalysis", "AlexApi"}


def test_a_student_makes_a_step_fail_in_aws_and_clears_it_without_redeploying(
    student: Student, monkeypatch: pytest.MonkeyPatch
) -> None:
    student.configure(teaching={"fault_injection": True})
    student.parameters[FAULTS] = "none"
    # What the deployed charter reads on every call (stacks/analysis.py sets it).
    monkeypatch.setenv("ALEX_FAULTS_PARAMETER", FAULTS)
    get_settings.cache_clear()

    assert student.run("faults", "set", "charter=fail").exit_code == 0
    assert student.run("faults", "show").output.strip() == f"{FAULTS} = charter=fail"
    with pytest.raises(Crash, match="charter: fault injected"):
        raise_injected_fault("charter")
    raise_injected_fault("reporter")

    assert student.run("faults", "clear").exit_code == 0
    assert student.parameters[FAULTS] == "none"
    raise_injected_fault("charter")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("charter=fail:1", "counts work in local runs only: set charter=fail"),
        ("charter=explode", "is not FUNCTION=fail or FUNCTION=throttle"),
        ("api=fail", "no step runs api: name one of charter, finalize_job"),
    ],
)
def test_faults_a_deployment_cannot_inject_are_refused_and_nothing_changes(
    student: Student, spec: str, message: str
) -> None:
    student.configure(teaching={"fault_injection": True})
    student.parameters[FAULTS] = "none"

    result = student.run("faults", "set", spec)

    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert student.parameters[FAULTS] == "none"
    assert not any(r.action == "PutParameter" for r in student.aws.requests)


def test_faults_need_a_deployment_with_fault_injection(student: Student) -> None:
    student.configure(clerk={"publishable_key": PUBLISHABLE_KEY})

    off = student.run("faults", "set", "charter=fail")

    assert off.exit_code == 1
    assert "Fault injection is off: set teaching.fault_injection = true" in off.output
    student.configure(teaching={"fault_injection": True})

    not_deployed = student.run("faults", "set", "charter=fail")

    assert not_deployed.exit_code == 1
    assert f"{FAULTS} does not exist: run `./alex deploy`" in not_deployed.output
    assert FAULTS not in student.parameters
