"""Every AWS client takes its region from one place (runtime/aws.py): AWS_REGION (or
AWS_DEFAULT_REGION) when set, else boto3's own chain, here a profile in AWS_CONFIG_FILE. The
requests go to a stand-in for AWS's endpoints, which reads the region each was signed for."""

import pytest
from botocore import xform_name
from botocore.exceptions import NoRegionError
from click.testing import CliRunner

from local.cli import main
from runtime.aws import aws_client, stepfunctions_client
from runtime.database import connect
from shared.db import Jobs, Users
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID
from shared.schemas import JobCreate, UserCreate
from tests.support.aws_standin import PROFILE_REGION, AwsStandIn
from tests.support.data_api_standin import StandInDataApi

EXECUTION_ARN = f"arn:aws:states:{PROFILE_REGION}:123456789012:execution:AlexAnalysis:job"
ONE = {
    "columnMetadata": [{"name": "one", "label": "one", "typeName": "int4"}],
    "records": [[{"longValue": 1}]],
    "numberOfRecordsUpdated": 0,
}


def _call_each_service(aws: AwsStandIn) -> None:
    aws.answer("states", "ListStateMachines", {"stateMachines": []})
    aws.answer("rds-data", "ExecuteStatement", ONE)
    aws.answer("secretsmanager", "GetSecretValue", {"Name": "webhook", "SecretString": "whsec_"})
    stepfunctions_client().list_state_machines()
    assert connect().fetch_one("SELECT 1 AS one") == {"one": 1}
    aws_client("secretsmanager").get_secret_value(SecretId="webhook")


def test_clients_take_the_profiles_region_when_no_region_is_set(aws: AwsStandIn) -> None:
    _call_each_service(aws)
    assert aws.signed_for() == {
        ("states", PROFILE_REGION),
        ("rds-data", PROFILE_REGION),
        ("secretsmanager", PROFILE_REGION),
    }


@pytest.mark.parametrize("variable", ["AWS_REGION", "AWS_DEFAULT_REGION"])
def test_a_region_in_the_environment_overrides_the_profiles(
    aws: AwsStandIn, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "ap-southeast-2")
    _call_each_service(aws)
    assert aws.signed_for() == {
        ("states", "ap-southeast-2"),
        ("rds-data", "ap-southeast-2"),
        ("secretsmanager", "ap-southeast-2"),
    }


def test_in_aws_no_region_is_made_up(aws: AwsStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-region")
    with pytest.raises(NoRegionError):
        stepfunctions_client().list_state_machines()
    assert aws.requests == []


def test_only_the_local_engine_gets_a_default_region_and_keys(
    aws: AwsStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-region")
    monkeypatch.setenv("ALEX_ENV", "local")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    aws.answer("states", "ListStateMachines", {"stateMachines": []})
    stepfunctions_client().list_state_machines()
    assert aws.signed_for() == {("states", "us-east-1")}
    assert aws.requests[0].access_key == "local"


def test_jobs_redrive_in_aws_signs_for_the_profiles_region(
    aws: AwsStandIn, pg: PsycopgDriver, migrated_url: str
) -> None:
    Users(pg).get_or_create(UserCreate(clerk_user_id=TEST_USER_ID))
    jobs = Jobs(pg)
    job = jobs.create(TEST_USER_ID, JobCreate())
    jobs.set_execution(TEST_USER_ID, job.id, EXECUTION_ARN)
    jobs.set_status(
        TEST_USER_ID, job.id, "failed", error="TaskFailed", cause="boom", failed_step="charts"
    )
    data_api = StandInDataApi(migrated_url)  # the Data API over the test PostgreSQL
    for action in (
        "BeginTransaction",
        "CommitTransaction",
        "RollbackTransaction",
        "ExecuteStatement",
    ):
        aws.answer("rds-data", action, lambda r: getattr(data_api, xform_name(r.action))(**r.body))
    aws.answer("states", "GetExecutionHistory", {"events": []})
    aws.answer("states", "RedriveExecution", {"redriveDate": 0})

    result = CliRunner().invoke(main, ["jobs", "redrive", "--no-wait", str(job.id)])

    assert result.exit_code == 0, result.output
    assert f'Job {job.id}: redriven from "Build charts"' in result.output
    redrives = [r.body["executionArn"] for r in aws.requests if r.action == "RedriveExecution"]
    assert redrives == [EXECUTION_ARN]
    assert aws.signed_for() == {("rds-data", PROFILE_REGION), ("states", PROFILE_REGION)}
