"""Faults in AWS: a teaching deployment's SSM parameter makes a step fail on purpose, read on every
call, so the student starts and clears it without redeploying (boto3 against a stand-in SSM)."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from functions.charter.handler import handler as charter
from runtime.faults import ERROR_OF_KIND, Crash, raise_injected_fault
from runtime.handlers import database
from shared.db import Jobs
from shared.db.psycopg_driver import PsycopgDriver
from shared.errors import InvalidInput, ModelThrottled
from shared.schemas import Job
from state_machines.steps import STEPS
from tests.support.aws_standin import AwsRequest, AwsStandIn
from tests.support.lambda_context import lambda_context
from tests.support.templates import definition

PARAMETER = "/alex/dev/faults"
EVENT = {"job_id": str(uuid.uuid4()), "user_id": "user_faults"}


class Parameter:
    """The faults parameter's value, which the test changes as a student would."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __call__(self, request: AwsRequest) -> dict[str, Any]:
        assert request.body["Name"] == PARAMETER
        return {"Parameter": {"Name": PARAMETER, "Type": "String", "Value": self.value}}


@pytest.fixture
def parameter(monkeypatch: pytest.MonkeyPatch) -> Iterator[Parameter]:
    value = Parameter("none")
    with AwsStandIn() as aws:
        aws.answer("ssm", "GetParameter", value)
        for name, setting in {
            "ALEX_ENV": "aws",
            "ALEX_FAULTS_PARAMETER": PARAMETER,
            "AWS_ENDPOINT_URL_SSM": aws.url,
            "AWS_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "stand-in",
            "AWS_SECRET_ACCESS_KEY": "stand-in",
        }.items():
            monkeypatch.setenv(name, setting)
        yield value
        assert aws.signed_for() == {("ssm", "eu-west-1")}


def test_a_named_step_crashes_before_its_work_and_others_run(parameter: Parameter) -> None:
    parameter.value = "charter=fail"
    with pytest.raises(Crash, match=f"charter: fault injected by the parameter {PARAMETER}"):
        charter(EVENT, lambda_context())
    raise_injected_fault("reporter")  # not named: nothing


def test_a_throttle_raises_what_the_workflow_retries(parameter: Parameter) -> None:
    parameter.value = "tagger=throttle, charter=fail"
    with pytest.raises(ModelThrottled):
        raise_injected_fault("tagger")


def test_the_parameter_is_read_on_every_call_so_a_fault_clears_without_a_redeploy(
    parameter: Parameter,
) -> None:
    parameter.value = "charter=fail"
    with pytest.raises(Crash):
        raise_injected_fault("charter")
    parameter.value = "none"
    raise_injected_fault("charter")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("charter=fail:1", "counts work in local runs only"),
        ("charter=explode", "is not FUNCTION=fail or FUNCTION=throttle"),
    ],
)
def test_a_bad_value_fails_the_step_saying_what_is_wrong(
    parameter: Parameter, value: str, message: str
) -> None:
    parameter.value = value
    with pytest.raises(InvalidInput, match=message) as raised:
        raise_injected_fault("charter")
    assert raised.value.field == f"the parameter {PARAMETER}"


def test_without_the_parameter_nothing_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALEX_FAULTS_PARAMETER", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:9")  # nothing listens there
    raise_injected_fault("charter")


def test_a_crash_is_not_retried_and_a_throttle_is_as_locally(
    templates: dict[str, dict[str, Any]],
) -> None:
    assert {"fail": Crash.__name__, "throttle": ModelThrottled.__name__} == ERROR_OF_KIND
    states = definition(templates["AlexAnalysis"])["States"]
    tasks = [
        *(states[name] for name in ("Start job", "Finalize job")),
        states["Tag instruments"]["ItemProcessor"]["States"]["Tag instrument"],
        *(b["States"][b["StartAt"]] for b in states["Analyze portfolio"]["Branches"]),
    ]
    assert len(tasks) == len(STEPS)
    for task in tasks:
        retried = {error for retry in task["Retry"] for error in retry["ErrorEquals"]}
        assert "ModelThrottled" in retried and "Crash" not in retried
        assert not retried & {"States.ALL", "States.TaskFailed"}


def test_an_injected_throttle_is_counted_as_an_attempt_of_its_step(
    parameter: Parameter,
    job: Job,
    pg: PsycopgDriver,
    migrated_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    database.cache_clear()
    parameter.value = "charter=throttle"
    event = {"job_id": str(job.id), "user_id": job.clerk_user_id}
    try:
        for _ in range(2):
            with pytest.raises(ModelThrottled):
                charter(event, lambda_context())
    finally:
        database().close()
        database.cache_clear()

    charts = Jobs(pg).get(job.clerk_user_id, job.id).steps["charts"]
    assert (charts.attempts, charts.status) == (2, "failed")
    assert charts.error and "fault injected by the parameter" in charts.error
