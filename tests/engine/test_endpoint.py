"""boto3's Step Functions client against the local endpoint: the operations the project calls
answer in AWS's shapes, and errors arrive as the exceptions botocore raises for AWS's errors."""

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from local.endpoint import serve
from local.engine import Engine, LambdaError
from tests.engine import fakes
from tests.engine.fakes import Functions, Sleeper, machine, task

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:Analysis"
ELSEWHERE = "arn:aws:states:us-east-1:123456789012:stateMachine:Missing"
Client = Any  # boto3's client types are generated at run time
Connect = Callable[..., Client]


def three_steps() -> dict[str, Any]:
    return machine(
        {
            "Tag": task("tagger", Next="Report"),
            "Report": task("reporter", Next="Finish"),
            "Finish": task("finisher"),
        }
    )


class Gate:
    """A function that waits until opened: keeps an execution running while a test acts on it."""

    def __init__(self) -> None:
        self.entered, self.opened = threading.Event(), threading.Event()

    def __call__(self, payload: Any) -> Any:
        self.entered.set()
        self.opened.wait(10)
        return payload


class Breakable:
    """A function that fails until fixed, as before an operator's fix and redrive."""

    def __init__(self) -> None:
        self.broken = True

    def __call__(self, payload: Any) -> Any:
        if self.broken:
            raise LambdaError("ReportCrashed", "the reporter crashed")
        return payload


@pytest.fixture
def connect() -> Iterator[Connect]:
    """Serve engines for `three_steps` (the given functions by name) and return a client."""
    servers = []

    def client(functions: Functions | None = None, **engines: Engine) -> Client:
        engine = Engine(three_steps(), functions or Functions(), fakes.store(), sleep=Sleeper())
        server, url = serve({MACHINE: engine, **{e.state_machine_arn: e for e in engines.values()}})
        servers.append(server)
        return boto3.client(
            "stepfunctions",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    yield client
    for server in servers:
        server.close()


def until_done(client: Client, arn: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while (description := client.describe_execution(executionArn=arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline, f"{arn} is still running"
        time.sleep(0.01)
    return description  # type: ignore[no-any-return]


def test_started_execution_is_described_until_it_succeeds(connect: Connect) -> None:
    client = connect()
    started = client.start_execution(
        stateMachineArn=MACHINE, name="job-1", input=json.dumps({"job_id": "1"})
    )

    description = until_done(client, started["executionArn"])

    assert started["executionArn"] == f"{MACHINE.replace('stateMachine', 'execution')}:job-1"
    assert description["status"] == "SUCCEEDED"
    assert json.loads(description["output"]) == {"job_id": "1"}
    assert description["name"] == "job-1" and description["stateMachineArn"] == MACHINE
    assert description["startDate"] == started["startDate"]
    now = datetime.now(UTC)
    assert now - timedelta(minutes=1) < description["startDate"] <= description["stopDate"] <= now


def test_history_pages_forward_and_in_reverse(connect: Connect) -> None:
    client = connect()
    arn = client.start_execution(stateMachineArn=MACHINE)["executionArn"]
    until_done(client, arn)
    everything = client.get_execution_history(executionArn=arn)["events"]

    first = client.get_execution_history(executionArn=arn, maxResults=4)
    second = client.get_execution_history(
        executionArn=arn, maxResults=4, nextToken=first["nextToken"]
    )
    pages = client.get_paginator("get_execution_history").paginate(
        executionArn=arn, reverseOrder=True, PaginationConfig={"PageSize": 3}
    )
    backwards = [event for page in pages for event in page["events"]]

    assert everything[0]["type"] == "ExecutionStarted"
    assert everything[-1]["type"] == "ExecutionSucceeded"
    assert [e["id"] for e in everything] == list(range(1, len(everything) + 1))
    assert first["events"] + second["events"] == everything[:8]
    assert backwards == everything[::-1]
    assert isinstance(everything[0]["timestamp"], datetime)


def test_list_shows_newest_first_filtered_and_paged(connect: Connect) -> None:
    reporter = Breakable()
    client = connect(Functions({"reporter": reporter}))
    failed = client.start_execution(stateMachineArn=MACHINE, name="first")["executionArn"]
    until_done(client, failed)
    reporter.broken = False
    succeeded = client.start_execution(stateMachineArn=MACHINE, name="second")["executionArn"]
    until_done(client, succeeded)

    listed = client.list_executions(stateMachineArn=MACHINE)["executions"]
    only_failed = client.list_executions(stateMachineArn=MACHINE, statusFilter="FAILED")
    pages = client.get_paginator("list_executions").paginate(
        stateMachineArn=MACHINE, PaginationConfig={"PageSize": 1}
    )

    assert [(e["name"], e["status"]) for e in listed] == [
        ("second", "SUCCEEDED"),
        ("first", "FAILED"),
    ]
    assert listed[0]["executionArn"] == succeeded and listed[0]["redriveCount"] == 0
    assert [e["executionArn"] for e in only_failed["executions"]] == [failed]
    assert [e["name"] for page in pages for e in page["executions"]] == ["second", "first"]


def test_failed_execution_is_redriven_to_success(connect: Connect) -> None:
    reporter = Breakable()
    functions = Functions({"reporter": reporter})
    client = connect(functions)
    arn = client.start_execution(stateMachineArn=MACHINE, name="job")["executionArn"]
    failed = until_done(client, arn)
    reporter.broken = False

    redriven = client.redrive_execution(executionArn=arn)
    description = until_done(client, arn)

    assert failed["status"] == "FAILED" and failed["error"] == "ReportCrashed"
    assert failed["redriveStatus"] == "REDRIVABLE"
    assert description["status"] == "SUCCEEDED"
    assert description["redriveCount"] == 1
    assert description["redriveDate"] == redriven["redriveDate"]
    assert functions.calls["tagger"] == 1  # the step that had succeeded is not run again
    history = client.get_execution_history(executionArn=arn)["events"]
    assert "ExecutionRedriven" in [event["type"] for event in history]


def test_stopped_execution_is_aborted_with_its_error_and_cause(connect: Connect) -> None:
    gate = Gate()
    client = connect(Functions({"tagger": gate}))
    arn = client.start_execution(stateMachineArn=MACHINE)["executionArn"]
    assert gate.entered.wait(10)

    stopped = client.stop_execution(executionArn=arn, error="Cancelled", cause="by the user")
    gate.opened.set()
    description = until_done(client, arn)

    assert isinstance(stopped["stopDate"], datetime)
    assert description["status"] == "ABORTED"
    assert (description["error"], description["cause"]) == ("Cancelled", "by the user")


def test_starting_a_running_execution_again_returns_it(connect: Connect) -> None:
    gate = Gate()
    client = connect(Functions({"tagger": gate}))
    first = client.start_execution(stateMachineArn=MACHINE, name="job", input='{"a": 1}')
    assert gate.entered.wait(10)

    again = client.start_execution(stateMachineArn=MACHINE, name="job", input='{ "a": 1 }')
    with pytest.raises(client.exceptions.ExecutionAlreadyExists):
        client.start_execution(stateMachineArn=MACHINE, name="job", input='{"a": 2}')
    gate.opened.set()
    until_done(client, first["executionArn"])

    assert (again["executionArn"], again["startDate"]) == (
        first["executionArn"],
        first["startDate"],
    )
    # AWS: once the execution has closed, its name is taken whatever the input.
    with pytest.raises(client.exceptions.ExecutionAlreadyExists):
        client.start_execution(stateMachineArn=MACHINE, name="job", input='{"a": 1}')


def test_errors_arrive_as_botocore_raises_aws_errors(connect: Connect) -> None:
    client = connect()
    arn = client.start_execution(stateMachineArn=MACHINE, name="done")["executionArn"]
    until_done(client, arn)
    unknown = arn.replace(":done", ":never-started")
    errors = client.exceptions

    with pytest.raises(errors.ExecutionDoesNotExist):
        client.describe_execution(executionArn=unknown)
    with pytest.raises(errors.ExecutionDoesNotExist):
        client.get_execution_history(executionArn=unknown)
    with pytest.raises(errors.ExecutionDoesNotExist):
        client.stop_execution(executionArn=ELSEWHERE.replace("stateMachine", "execution") + ":x")
    with pytest.raises(errors.ExecutionNotRedrivable) as not_redrivable:
        client.redrive_execution(executionArn=arn)
    with pytest.raises(errors.StateMachineDoesNotExist):
        client.start_execution(stateMachineArn=ELSEWHERE)
    with pytest.raises(errors.StateMachineDoesNotExist):
        client.list_executions(stateMachineArn=ELSEWHERE)
    with pytest.raises(errors.InvalidArn):
        client.describe_execution(executionArn="not-an-arn")
    with pytest.raises(errors.InvalidName):
        client.start_execution(stateMachineArn=MACHINE, name="two words")
    with pytest.raises(errors.InvalidExecutionInput):
        client.start_execution(stateMachineArn=MACHINE, input="{not json")
    with pytest.raises(errors.ValidationException):
        client.list_executions(stateMachineArn=MACHINE, statusFilter="FINISHED")
    with pytest.raises(errors.InvalidToken):
        client.get_execution_history(executionArn=arn, nextToken="bm8gc3VjaCBldmVudA==")

    assert not_redrivable.value.response["Error"]["Code"] == "ExecutionNotRedrivable"
    assert "SUCCEEDED" in not_redrivable.value.response["Error"]["Message"]
    assert not_redrivable.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_unknown_operation_is_refused_as_aws_refuses_it(connect: Connect) -> None:
    url = connect().meta.endpoint_url
    request = urllib.request.Request(
        url,
        data=b"{}",
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "AWSStepFunctions.CreateStateMachine",
        },
    )

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)

    assert refused.value.code == 400
    assert json.loads(refused.value.read())["__type"] == "UnknownOperationException"


@pytest.mark.parametrize(
    "host", ["attacker.example:{port}", "127.0.0.1:1", "localhost", "127.0.0.1.nip.io:{port}", ""]
)
def test_a_foreign_host_is_refused(connect: Connect, host: str) -> None:
    # A web page that rebinds its own name to 127.0.0.1 sends its name as the Host.
    url = connect().meta.endpoint_url
    port = url.rsplit(":", 1)[1]
    request = urllib.request.Request(
        url,
        data=json.dumps({"stateMachineArn": MACHINE}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "AWSStepFunctions.StartExecution",
            "Host": host.format(port=port),
        },
    )

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)

    assert refused.value.code == 400
    assert json.loads(refused.value.read())["__type"] == "InvalidHost"
    assert "Server" not in refused.value.headers


def test_this_machines_names_for_the_endpoint_are_answered(connect: Connect) -> None:
    client = connect()
    port = client.meta.endpoint_url.rsplit(":", 1)[1]
    for host in (f"localhost:{port}", f"LOCALHOST:{port}", f"127.0.0.1:{port}"):
        request = urllib.request.Request(
            client.meta.endpoint_url,
            data=json.dumps({"stateMachineArn": MACHINE}).encode(),
            method="POST",
            headers={
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": "AWSStepFunctions.ListExecutions",
                "Host": host,
            },
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200


def test_engines_are_served_by_their_state_machine(connect: Connect) -> None:
    other = Engine(
        machine({"Only": task("only")}), Functions(), fakes.store(), state_machine_arn=ELSEWHERE
    )
    client = connect(other=other)

    arn = client.start_execution(stateMachineArn=ELSEWHERE, name="x")["executionArn"]
    until_done(client, arn)

    listed = client.list_executions(stateMachineArn=ELSEWHERE)["executions"]
    assert [e["executionArn"] for e in listed] == [arn]
    assert client.list_executions(stateMachineArn=MACHINE)["executions"] == []
    assert [e["stateEnteredEventDetails"]["name"] for e in _entered(client, arn)] == ["Only"]


def _entered(client: Client, arn: str) -> list[dict[str, Any]]:
    events = client.get_execution_history(executionArn=arn)["events"]
    return [e for e in events if e["type"].endswith("StateEntered")]


def test_an_engine_is_served_only_under_its_own_arn() -> None:
    engine = Engine(three_steps(), Functions(), fakes.store(), state_machine_arn=MACHINE)

    with pytest.raises(ValueError, match="Missing is served by the engine of"):
        serve({ELSEWHERE: engine})
