"""`alex deploy`, `alex destroy` and `alex faults`: the CDK app in your AWS account, from the
settings in deploy.toml, with the CDK CLI of node_modules (package.json pins it)."""

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from runtime.aws import aws_client
from runtime.faults import NO_FAULTS, parse_deployed_faults
from shared.errors import InvalidInput
from shared.settings import PROJECT_ROOT, get_settings
from stacks.config import (
    EXAMPLE_FILE,
    DeploySettings,
    SettingsError,
    load_settings,
    settings_path,
)
from state_machines.steps import STEPS

CDK = PROJECT_ROOT / "node_modules" / ".bin" / "cdk"
ASSEMBLY = PROJECT_ROOT / "cdk.out"
# What `cdk bootstrap` leaves in every account and region it prepares (default qualifier).
BOOTSTRAP_VERSION = "/cdk-bootstrap/hnb659fds/version"
# The outputs a student needs, in the order they are printed: (stack, output, what it is).
OUTPUTS = (
    ("AlexFrontend", "AppUrl", "the app: open it and sign in"),
    ("AlexApi", "ApiUrl", "the API (reached through the app's URL, /api/...)"),
    ("AlexAnalysis", "StateMachineArn", "the analysis state machine"),
    ("AlexAnalysis", "StateMachineConsole", "watch its executions here"),
    ("AlexDatabase", "ClusterArn", "the Aurora cluster (DB_CLUSTER_ARN)"),
    ("AlexDatabase", "SecretArn", "its secret (DB_SECRET_ARN)"),
    ("AlexApi", "WebhookSecretName", "put Clerk's webhook signing secret (whsec_...) here"),
    ("AlexFrontend", "WebhookUrl", "the endpoint to give Clerk's webhook"),
    ("AlexAnalysis", "LangfuseKeysSecret", "Langfuse keys, to trace the agents (optional)"),
    ("AlexAnalysis", "FaultsParameter", "the steps made to fail (`./alex faults`)"),
    ("AlexObservability", "DashboardUrl", "the operators' dashboard (docs/operate.md)"),
    ("AlexObservability", "AlarmTopicArn", "where the alarms go"),
)
STEP_FUNCTIONS = frozenset(step.function for step in STEPS)
# What CloudFormation leaves behind when it deletes a stack.
KEPT_BY = {"Retain": "retained", "RetainExceptOnCreate": "retained", "Snapshot": "snapshotted"}


class Account:
    """The AWS account and region the deploy goes to, as boto3 finds them (AWS_REGION, else
    the profile), the same for the CDK CLI, which is handed that region."""

    def __init__(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            sts = aws_client("sts")
            self.id: str = sts.get_caller_identity()["Account"]
        except (BotoCoreError, ClientError) as error:
            raise click.ClickException(
                f"No usable AWS credentials ({error}). Configure them (`aws configure`, or"
                " AWS_PROFILE for a named profile) and check with `aws sts get-caller-identity`."
            ) from error
        self.region: str = sts.meta.region_name

    @property
    def environment(self) -> str:
        return f"aws://{self.id}/{self.region}"

    def is_bootstrapped(self) -> bool:
        ssm = aws_client("ssm", region_name=self.region)
        try:
            ssm.get_parameter(Name=BOOTSTRAP_VERSION)
        except ssm.exceptions.ParameterNotFound:
            return False
        return True


def cdk(*arguments: str, region: str) -> None:
    """Run the CDK CLI with the deploy settings' file, in `region`; stop if it fails."""
    if not CDK.exists():
        raise click.ClickException(f"{CDK} is missing: `./alex` installs it from package.json.")
    command = [str(CDK), *arguments]
    click.echo(f"$ cdk {' '.join(arguments)}", err=True)
    environment = {**os.environ, "AWS_REGION": region, "AWS_DEFAULT_REGION": region}
    if subprocess.run(command, cwd=PROJECT_ROOT, env=environment).returncode:
        raise click.ClickException(f"`cdk {arguments[0]}` failed (see above).")


def deploy_settings() -> DeploySettings:
    """The deploy settings; the first time, deploy.toml is created from the example, to edit."""
    path = settings_path()
    if not path.exists():
        shutil.copyfile(EXAMPLE_FILE, path)
        raise click.ClickException(
            f"Created {path} from {EXAMPLE_FILE.name}. Edit it (at least clerk.publishable_key),"
            " then run `./alex deploy` again."
        )
    try:
        return load_settings(path)
    except SettingsError as error:
        raise click.ClickException(str(error)) from error


def ready_account() -> Account:
    account = Account()
    click.echo(f"AWS account {account.id}, region {account.region}.")
    return account


@click.command()
def deploy() -> None:
    """Deploy every stack to your AWS account, bootstrapping CDK there first if needed."""
    settings = deploy_settings()
    if settings.clerk.publishable_key is None:
        raise click.ClickException(
            f"clerk.publishable_key is not set in {settings_path()}: without it nobody can sign"
            " in. Copy it from your Clerk application's dashboard (API keys)."
        )
    account = ready_account()
    if not account.is_bootstrapped():
        click.echo(f"CDK is not bootstrapped in {account.environment}: bootstrapping it.")
        cdk("bootstrap", account.environment, region=account.region)
    outputs_file = get_settings().data_dir / "deploy-outputs.json"
    outputs_file.parent.mkdir(parents=True, exist_ok=True)
    # --all deploys in the assembly's dependency order; nothing asks for approval, since this
    # command is the approval (`npx cdk diff` shows a change first).
    cdk(
        "deploy",
        "--all",
        "--require-approval",
        "never",
        "--outputs-file",
        str(outputs_file),
        region=account.region,
    )
    outputs: dict[str, dict[str, str]] = json.loads(outputs_file.read_text())
    click.echo("\nDeployed. What you need:")
    for stack, key, meaning in OUTPUTS:
        if key in outputs.get(stack, {}):
            click.echo(f"  {key:<20}{outputs[stack][key]}\n  {'':<20}({meaning})")
    click.echo(next_steps(outputs, settings))


def next_steps(outputs: dict[str, dict[str, str]], settings: DeploySettings) -> str:
    app_url = outputs["AlexFrontend"]["AppUrl"]
    steps = [
        "In Clerk's dashboard (Webhooks), add an endpoint at WebhookUrl for user.created,"
        " user.updated and user.deleted, then store its signing secret:\n"
        "     aws secretsmanager put-secret-value --secret-id"
        f" {outputs['AlexApi']['WebhookSecretName']} --secret-string 'whsec_...'",
        f"Open {app_url}, sign in, add accounts and positions, and run an analysis.",
        "Watch it in the Step Functions console (StateMachineConsole above); docs/deploy.md"
        " tells what each state does, and how to redrive a failed execution.",
    ]
    if settings.teaching.fault_injection:
        steps.append(
            "Make a step fail on purpose with `./alex faults set charter=fail`, watch the"
            " failure, clear it with `./alex faults clear`, and redrive."
        )
    if settings.operations.alarm_email:
        steps.append(
            f"Confirm the alarm subscription AWS e-mailed to {settings.operations.alarm_email}."
        )
    steps.append(
        "Activate the Project cost-allocation tag once, so the budget counts this app's cost"
        " (docs/operate.md)."
    )
    steps.append("`./alex destroy` removes it all when you are done.")
    return "\nNext:\n" + "\n".join(f"  {n}. {step}" for n, step in enumerate(steps, 1))


@click.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def destroy(yes: bool) -> None:
    """Delete every stack the deploy created, then say what is left and may still cost money."""
    deploy_settings()  # the same app (and stack names) as deployed
    account = ready_account()
    if not yes:
        click.confirm(
            f"Delete Alex's stacks, its database and every user's data in {account.environment}?",
            abort=True,
        )
    cdk("destroy", "--all", "--force", "--output", str(ASSEMBLY), region=account.region)
    click.echo("\nDeleted. What is left:")
    for stack, resource, kind, kept in kept_resources(ASSEMBLY):
        click.echo(f"  {kind} {resource} of {stack} ({kept} on delete, by the stack's design)")
    click.echo(
        f"  the CDK bootstrap stack CDKToolkit in {account.environment}: its staging bucket"
        " holds the uploaded assets (a few hundred MB of S3 storage, cents a month). Keep it for"
        " the next deploy, or empty its bucket and delete the stack in the CloudFormation"
        " console.\n"
        "  log groups that Lambda created itself for CDK's helper functions (/aws/lambda/Alex*),"
        " a few KB: delete them in the CloudWatch console if you like.\n"
        "  Secrets Manager may keep a deleted secret for its recovery window (7 to 30 days)"
        " before it is gone for good."
    )


def kept_resources(assembly: Path) -> list[tuple[str, str, str, str]]:
    """(stack, logical id, type, how) of every resource the assembly's templates keep when their
    stack is deleted (DeletionPolicy Retain or Snapshot)."""
    kept = []
    for template in sorted(assembly.glob("*.template.json")):
        resources: dict[str, Any] = json.loads(template.read_text()).get("Resources", {})
        for logical_id, resource in resources.items():
            how = KEPT_BY.get(resource.get("DeletionPolicy", "Delete"))
            if how is not None:
                stack = template.name.removesuffix(".template.json")
                kept.append((stack, logical_id, resource["Type"], how))
    return kept


@click.group()
def faults() -> None:
    """Make a step of the deployed workflow fail on purpose, to watch it fail and redrive it
    (deploy.toml's teaching.fault_injection)."""


def faults_parameter(settings: DeploySettings) -> str:
    if not settings.teaching.fault_injection:
        raise click.ClickException(
            f"Fault injection is off: set teaching.fault_injection = true in {settings_path()}"
            " and run `./alex deploy` once."
        )
    return settings.parameter_name("faults")


@faults.command("set")
@click.argument("spec")
def faults_set(spec: str) -> None:
    """Make steps fail from their next call, e.g. `charter=fail` (a crash, not retried) or
    `tagger=throttle` (retried with backoff, then failed); several separated by commas."""
    name = faults_parameter(deploy_settings())
    try:
        named = parse_deployed_faults(spec, "SPEC")
    except InvalidInput as error:
        raise click.BadParameter(error.message, param_hint="SPEC") from error
    unknown = sorted(set(named) - STEP_FUNCTIONS)
    if unknown:
        raise click.BadParameter(
            f"no step runs {', '.join(unknown)}: name one of {', '.join(sorted(STEP_FUNCTIONS))}",
            param_hint="SPEC",
        )
    put_faults(name, spec)
    click.echo(f"{name} = {spec}: those steps fail from their next call.")


@faults.command("clear")
def faults_clear() -> None:
    """No step fails on purpose any more (a redrive then completes)."""
    name = faults_parameter(deploy_settings())
    put_faults(name, NO_FAULTS)
    click.echo(f"{name} = {NO_FAULTS}: no step is made to fail.")


@faults.command("show")
def faults_show() -> None:
    """Which steps are made to fail now."""
    name = faults_parameter(deploy_settings())
    with parameter_errors(name):
        value = aws_client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
    click.echo(f"{name} = {value}")


def put_faults(name: str, value: str) -> None:
    with parameter_errors(name):
        ssm = aws_client("ssm")
        # The parameter must exist (the deploy creates it): overwriting never creates it.
        ssm.get_parameter(Name=name)
        ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)


@contextmanager
def parameter_errors(name: str) -> Iterator[None]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ParameterNotFound":
            raise click.ClickException(
                f"{name} does not exist: run `./alex deploy` with teaching.fault_injection"
                " = true first (in the region you deployed to)."
            ) from error
        raise click.ClickException(f"Could not reach {name}: {error}") from error
    except BotoCoreError as error:
        raise click.ClickException(f"Could not reach {name}: {error}") from error
