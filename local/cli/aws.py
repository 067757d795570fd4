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
    WAF_REGION,
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
    ("AlexDatabase", "SecretArn", "the application role's secret (DB_SECRET_ARN)"),
    ("AlexDatabase", "MasterSecretArn", "the master user's secret: schema work only"),
    ("AlexApi", "WebhookSecretName", "put Clerk's webhook signing secret (whsec_...) here"),
    ("AlexFrontend", "WebhookUrl", "the endpoint to give Clerk's webhook"),
    ("AlexAnalysis", "LangfuseKeysSecret", "Langfuse keys, to trace the agents (optional)"),
    ("AlexAnalysis", "MassiveApiKeySecret", "a Massive key, for market prices (optional)"),
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
        from botocore.exceptions import NoCredentialsError

        with aws_errors("the caller's identity (STS)"):
            sts = aws_client("sts")
            region = sts.meta.region_name
            # Without a region, boto3 asks STS's global endpoint: nowhere to deploy to.
            if region in (None, "aws-global"):
                raise click.ClickException(
                    "No AWS region: set one with `aws configure set region eu-west-1` (or"
                    " AWS_REGION=...) and run again."
                )
            try:
                self.id: str = sts.get_caller_identity()["Account"]
            except NoCredentialsError as error:
                raise click.ClickException(
                    "No AWS credentials: configure them (`aws configure`, or AWS_PROFILE for a"
                    " named profile) and check with `aws sts get-caller-identity`."
                ) from error
        self.region: str = region

    @property
    def environment(self) -> str:
        return f"aws://{self.id}/{self.region}"

    def unbootstrapped(self) -> list[str]:
        """The environments the app deploys to (this region, and us-east-1 for the web ACL
        CloudFront needs) where CDK was never bootstrapped."""
        missing = []
        for region in dict.fromkeys((self.region, WAF_REGION)):
            with aws_errors(f"CDK's bootstrap version in {region} (SSM)"):
                ssm = aws_client("ssm", region_name=region)
                try:
                    ssm.get_parameter(Name=BOOTSTRAP_VERSION)
                except ssm.exceptions.ParameterNotFound:
                    missing.append(f"aws://{self.id}/{region}")
        return missing


@contextmanager
def aws_errors(reading: str) -> Iterator[None]:
    """What AWS (or the way to it) refused, said plainly instead of a traceback."""
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    try:
        yield
    except ClientError as error:
        details = error.response.get("Error", {})
        raise click.ClickException(
            f"AWS refused to give {reading}: {details.get('Code')}: {details.get('Message')}."
            " Check that your credentials are current (`aws sts get-caller-identity`) and may"
            " deploy (CloudFormation, IAM, S3, SSM)."
        ) from error
    except (BotoCoreError, ResponseParserError) as error:
        raise click.ClickException(f"Could not read {reading}: {error}") from error


def cdk(*arguments: str, region: str) -> None:
    """Run the CDK CLI with the deploy settings' file, in `region`; stop if it fails."""
    if not CDK.exists():
        raise click.ClickException(f"{CDK} is missing: `./alex` installs it from package.json.")
    command = [str(CDK), *arguments]
    click.echo(f"$ cdk {' '.join(arguments)}", err=True)
    environment = {**os.environ, "AWS_REGION": region, "AWS_DEFAULT_REGION": region}
    if subprocess.run(command, cwd=PROJECT_ROOT, env=environment).returncode:
        raise click.ClickException(f"`cdk {arguments[0]}` failed (see above).")


def deploy_settings(path: Path | None = None) -> DeploySettings:
    """The deploy settings (the defaults without a file), or a clear error naming the key."""
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
    path = settings_path()
    if not path.exists():
        shutil.copyfile(EXAMPLE_FILE, path)
        click.echo(
            f"Created {path} from {EXAMPLE_FILE.name}.\nNext: edit it (at least"
            " clerk.publishable_key), then run `./alex deploy` again."
        )
        return
    settings = deploy_settings(path)
    if settings.clerk.publishable_key is None:
        raise click.ClickException(
            f"clerk.publishable_key is not set in {settings_path()}: without it nobody can sign"
            " in. Copy it from your Clerk application's dashboard (API keys)."
        )
    account = ready_account()
    missing = account.unbootstrapped()
    if missing:
        click.echo(f"CDK is not bootstrapped in {' and '.join(missing)}: bootstrapping.")
        cdk("bootstrap", *missing, region=account.region)
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
    settings = deploy_settings()
    account = ready_account()
    if settings.deletion_protection:
        click.echo(
            "deletion_protection is on: turn off the cluster's deletion protection in the RDS"
            " console first (Modify), or the database stack cannot be deleted."
        )
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
        f"  the CDK bootstrap stack CDKToolkit in {account.environment} (and in"
        f" aws://{account.id}/{WAF_REGION}, for the web ACL): its staging bucket"
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


@faults.command("set", short_help="Make steps fail from their next call.")
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
