"""The synthesized analysis stack: the workflow's shape and retries, functions, roles, events."""

import json
from typing import Any

import pytest

from stacks.analysis import FUNCTIONS, LIVE
from state_machines.steps import STEPS
from tests.support.templates import definition, resources

TASKS = ["Start job", "Tag instrument", "Write report", "Build charts", "Project retirement",
         "Finalize job"]  # fmt: skip


@pytest.fixture(scope="module")
def analysis(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return templates["AlexAnalysis"]


@pytest.fixture(scope="module")
def flow(analysis: dict[str, Any]) -> dict[str, Any]:
    return definition(analysis)


def all_states(states: dict[str, Any]) -> dict[str, Any]:
    found = dict(states)
    for state in states.values():
        for branch in state.get("Branches", []):
            found |= all_states(branch["States"])
        if "ItemProcessor" in state:
            found |= all_states(state["ItemProcessor"]["States"])
    return found


def test_workflow_is_standard_jsonata_and_reads_as_the_analysis(
    analysis: dict[str, Any], flow: dict[str, Any]
) -> None:
    (machine,) = resources(analysis, "AWS::StepFunctions::StateMachine").values()
    assert machine["Properties"]["StateMachineType"] == "STANDARD"
    assert flow["QueryLanguage"] == "JSONata" and flow["TimeoutSeconds"] == 1800
    states = flow["States"]
    assert flow["StartAt"] == "Start job"
    assert states["Start job"]["Next"] == "Tag instruments"
    tag = states["Tag instruments"]
    assert (tag["Type"], tag["MaxConcurrency"], tag["Next"]) == ("Map", 4, "Analyze portfolio")
    assert tag["ItemProcessor"]["StartAt"] == "Tag instrument"
    parallel = states["Analyze portfolio"]
    assert parallel["Type"] == "Parallel" and parallel["Next"] == "Finalize job"
    assert [b["StartAt"] for b in parallel["Branches"]] == [
        "Write report", "Build charts", "Project retirement",
    ]  # fmt: skip
    assert states["Finalize job"]["End"] is True


def test_only_ids_travel_between_states(flow: dict[str, Any]) -> None:
    tasks = all_states(flow["States"])
    assert tasks["Tag instrument"]["Arguments"]["Payload"] == {
        "job_id": "{% $job_id %}",
        "user_id": "{% $user_id %}",
        "symbol": "{% $states.input %}",
    }
    for name in ("Write report", "Build charts", "Project retirement", "Finalize job"):
        assert tasks[name]["Arguments"]["Payload"] == {
            "job_id": "{% $job_id %}",
            "user_id": "{% $user_id %}",
        }


def test_every_task_retries_by_error_type_and_nothing_catches(flow: dict[str, Any]) -> None:
    states = all_states(flow["States"])
    assert all("Catch" not in state for state in states.values())
    for name in TASKS:
        retries = {tuple(r["ErrorEquals"]): r for r in states[name]["Retry"]}
        throttled = retries[("ModelThrottled",)]
        assert throttled["JitterStrategy"] == "FULL" and throttled["MaxDelaySeconds"] == 60
        assert throttled["BackoffRate"] == 2
        assert retries[("DatabaseResuming",)]["IntervalSeconds"] >= 20
        assert "Lambda.TooManyRequestsException" in next(
            errors for errors in retries if "Lambda.ServiceException" in errors
        )
        assert not any("States.ALL" in errors or "InvalidInput" in errors for errors in retries)
        assert states[name]["TimeoutSeconds"] > 0


def test_only_start_job_retries_the_price_providers_throttling(flow: dict[str, Any]) -> None:
    states = all_states(flow["States"])
    for name in TASKS:
        retries = {tuple(r["ErrorEquals"]): r for r in states[name]["Retry"]}
        if name != "Start job":
            assert ("PricesThrottled",) not in retries
            continue
        throttled = retries[("PricesThrottled",)]
        assert throttled["JitterStrategy"] == "FULL" and throttled["BackoffRate"] == 2
        assert throttled["IntervalSeconds"] >= 15 and throttled["MaxAttempts"] >= 3


def test_only_start_job_may_read_massives_key(analysis: dict[str, Any]) -> None:
    (secret_id,) = [
        key
        for key, secret in resources(analysis, "AWS::SecretsManager::Secret").items()
        if "Massive" in secret["Properties"]["Description"]
    ]
    readers = [
        policy
        for policy in resources(analysis, "AWS::IAM::Policy").values()
        if secret_id in json.dumps(policy["Properties"]["PolicyDocument"])
    ]
    (reader,) = readers
    (role,) = reader["Properties"]["Roles"]
    functions = resources(analysis, "AWS::Lambda::Function")
    holders = [
        f["Properties"]["Handler"]
        for f in functions.values()
        if f["Properties"]["Role"]["Fn::GetAtt"][0] == role["Ref"]
    ]
    assert holders == ["functions.start_job.handler.handler"]
    with_key = [
        f["Properties"]["Handler"]
        for f in functions.values()
        if "MASSIVE_SECRET_ARN" in f["Properties"]["Environment"]["Variables"]
    ]
    assert with_key == ["functions.start_job.handler.handler"]


def test_state_machine_logs_everything_and_traces(analysis: dict[str, Any]) -> None:
    (machine,) = resources(analysis, "AWS::StepFunctions::StateMachine").values()
    properties = machine["Properties"]
    assert properties["TracingConfiguration"] == {"Enabled": True}
    assert properties["LoggingConfiguration"]["Level"] == "ALL"
    assert properties["LoggingConfiguration"]["IncludeExecutionData"] is True


def test_functions_run_python_312_on_arm_with_the_shared_layer(analysis: dict[str, Any]) -> None:
    functions = resources(analysis, "AWS::Lambda::Function")
    handlers = sorted(f["Properties"]["Handler"] for f in functions.values())
    assert handlers == sorted(
        f"functions.{name}.handler.handler"
        for name in ("start_job", "tagger", "reporter", "charter", "retirement",
                     "finalize_job", "job_events", "reconcile_jobs")
    )  # fmt: skip
    (layer,) = resources(analysis, "AWS::Lambda::LayerVersion")
    for function in functions.values():
        properties = function["Properties"]
        assert properties["Runtime"] == "python3.12"
        assert properties["Architectures"] == ["arm64"]
        assert properties["Layers"] == [{"Ref": layer}]
        assert properties["TracingConfig"] == {"Mode": "Active"}
        environment = properties["Environment"]["Variables"]
        assert environment["ALEX_ENV"] == "aws" and "DB_CLUSTER_ARN" in environment
        spec = next(f for f in FUNCTIONS if f.name == properties["Handler"].split(".")[1])
        assert properties["MemorySize"] == spec.memory
        assert properties["Timeout"] == spec.timeout.to_seconds()
        uses_model = "BEDROCK_MODEL_ID" in environment
        assert uses_model == (properties["Handler"].split(".")[1] in {
            "tagger", "reporter", "charter", "retirement",
        })  # fmt: skip


def statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    found = []
    for policy in resources(template, "AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


def actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else action


def test_each_function_may_do_only_its_own_work(analysis: dict[str, Any]) -> None:
    allowed = {"rds-data:", "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret",
               "xray:"}  # fmt: skip
    for function in resources(analysis, "AWS::Lambda::Function").values():
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        name = function["Properties"]["Handler"].split(".")[1]
        granted = [a for s in statements(analysis, role) for a in actions(s)]
        extra = {a for a in granted if not any(a.startswith(p) for p in allowed)}
        expected = {
            "tagger": {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"},
            "reporter": {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"},
            "charter": {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"},
            "retirement": {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"},
            # CDK's grant to send to the failure destination (the queue of lost status changes).
            "job_events": {
                "states:GetExecutionHistory",
                "sqs:SendMessage",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
            },
            "reconcile_jobs": {"states:DescribeExecution", "states:GetExecutionHistory"},
        }.get(name, set())
        assert extra == expected, name
        for statement in statements(analysis, role):
            if any(a.startswith("bedrock:") for a in actions(statement)):
                assert statement["Resource"] == (
                    "arn:aws:bedrock:us-west-2::foundation-model/openai.gpt-oss-120b-1:0"
                )


def test_state_machine_invokes_only_the_live_alias_of_each_step(
    analysis: dict[str, Any],
) -> None:
    (machine,) = resources(analysis, "AWS::StepFunctions::StateMachine").values()
    role = machine["Properties"]["RoleArn"]["Fn::GetAtt"][0]
    invoke = [s for s in statements(analysis, role) if "lambda:InvokeFunction" in actions(s)]
    resources_granted = [
        resource
        for statement in invoke
        for resource in (
            statement["Resource"]
            if isinstance(statement["Resource"], list)
            else [statement["Resource"]]
        )
    ]
    aliases = resources(analysis, "AWS::Lambda::Alias")
    # No wildcard: the aliases themselves, and nothing else.
    assert sorted(json.dumps(r) for r in resources_granted) == sorted(
        json.dumps({"Ref": alias}) for alias in aliases
    )
    steps = {
        k for k, v in resources(analysis, "AWS::Lambda::Function").items()
        if v["Properties"]["Handler"].split(".")[1] not in ("job_events", "reconcile_jobs")
    }  # fmt: skip
    assert {a["Properties"]["FunctionName"]["Ref"] for a in aliases.values()} == steps
    assert {a["Properties"]["Name"] for a in aliases.values()} == {LIVE}
    definition = json.dumps(machine["Properties"]["DefinitionString"])
    assert all(json.dumps({"Ref": alias}) in definition for alias in aliases)


def test_the_agents_start_from_a_snapstart_snapshot_of_their_published_version(
    analysis: dict[str, Any],
) -> None:
    functions = resources(analysis, "AWS::Lambda::Function")
    snapped = {
        v["Properties"]["Handler"].split(".")[1]
        for v in functions.values()
        if v["Properties"].get("SnapStart") == {"ApplyOn": "PublishedVersions"}
    }
    assert snapped == {step.function for step in STEPS if step.uses_model}
    # A replaced version, and its billed snapshot, is deleted, not kept.
    versions = {
        k: v for k, v in analysis["Resources"].items() if v["Type"] == "AWS::Lambda::Version"
    }
    assert versions and all(
        v.get("DeletionPolicy", "Delete") == "Delete" for v in versions.values()
    )
    for alias in resources(analysis, "AWS::Lambda::Alias").values():
        version = alias["Properties"]["FunctionVersion"]["Fn::GetAtt"]
        assert (
            resources(analysis, "AWS::Lambda::Version")[version[0]]["Properties"]["FunctionName"]
            == alias["Properties"]["FunctionName"]
        )


def test_an_agent_step_waits_for_its_inactive_snapstart_version_to_wake(
    flow: dict[str, Any],
) -> None:
    # Not invoked for 14 days, a SnapStart version is Inactive until Lambda snapshots it again.
    states = all_states(flow["States"])
    for step in STEPS:
        retries = {tuple(r["ErrorEquals"]): r for r in states[step.task_state]["Retry"]}
        waking = retries.get(("Lambda.SnapStartNotReadyException",))
        if not step.uses_model:
            assert waking is None
            continue
        assert waking is not None, step.task_state
        assert waking["JitterStrategy"] == "FULL" and waking["MaxDelaySeconds"] == 60
        waits = [waking["IntervalSeconds"] * 2**n for n in range(waking["MaxAttempts"])]
        assert sum(min(wait, 60) for wait in waits) >= 180  # minutes of snapshotting, not seconds


def rules(analysis: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        "events" if "EventPattern" in r["Properties"] else "sweep": r["Properties"]
        for r in resources(analysis, "AWS::Events::Rule").values()
    }


def function_named(analysis: dict[str, Any], folder: str) -> str:
    (found,) = [
        k
        for k, v in resources(analysis, "AWS::Lambda::Function").items()
        if v["Properties"]["Handler"] == f"functions.{folder}.handler.handler"
    ]
    return found


def test_job_events_rule_listens_to_this_state_machine(analysis: dict[str, Any]) -> None:
    rule = rules(analysis)["events"]
    pattern = rule["EventPattern"]
    (machine,) = resources(analysis, "AWS::StepFunctions::StateMachine")
    assert pattern["source"] == ["aws.states"]
    assert pattern["detail-type"] == ["Step Functions Execution Status Change"]
    assert pattern["detail"]["stateMachineArn"] == [{"Ref": machine}]
    assert set(pattern["detail"]["status"]) == {"FAILED", "TIMED_OUT", "ABORTED", "RUNNING"}


def test_a_status_change_that_cannot_be_recorded_is_kept_in_a_queue(
    analysis: dict[str, Any],
) -> None:
    (queue,) = resources(analysis, "AWS::SQS::Queue")
    (target,) = rules(analysis)["events"]["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [function_named(analysis, "job_events"), "Arn"]}
    # Not delivered to Lambda after EventBridge's retries ...
    assert target["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": [queue, "Arn"]}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] == 8
    (policy,) = resources(analysis, "AWS::SQS::QueuePolicy").values()
    (send,) = [
        s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"
    ]
    assert send["Principal"] == {"Service": "events.amazonaws.com"}
    assert send["Action"] == "sqs:SendMessage"
    # ... or delivered, and failing after Lambda's own retries of an asynchronous call.
    (invoke,) = resources(analysis, "AWS::Lambda::EventInvokeConfig").values()
    on_failure = invoke["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]
    assert on_failure == {"Fn::GetAtt": [queue, "Arn"]}
    assert invoke["Properties"]["FunctionName"] == {"Ref": function_named(analysis, "job_events")}
    properties = resources(analysis, "AWS::SQS::Queue")[queue]["Properties"]
    assert properties["SqsManagedSseEnabled"] is True


def test_a_sweep_ends_jobs_whose_status_change_was_lost(analysis: dict[str, Any]) -> None:
    sweep = rules(analysis)["sweep"]
    assert sweep["ScheduleExpression"] == "rate(15 minutes)"
    (target,) = sweep["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [function_named(analysis, "reconcile_jobs"), "Arn"]}


def test_every_database_wait_ends_before_its_function_times_out(
    templates: dict[str, dict[str, Any]],
) -> None:
    checked = 0
    for template in templates.values():
        for function in resources(template, "AWS::Lambda::Function").values():
            properties = function["Properties"]
            variables = properties.get("Environment", {}).get("Variables", {})
            if "DB_CLUSTER_ARN" in variables:
                checked += 1
                assert float(variables["DB_RESUME_MAX_WAIT"]) < properties["Timeout"] - 5
    assert checked == len(FUNCTIONS) + 2  # and the API, and the migrations


def test_faults_cannot_be_injected_unless_the_deployment_asks(analysis: dict[str, Any]) -> None:
    assert not resources(analysis, "AWS::SSM::Parameter")
    for function in resources(analysis, "AWS::Lambda::Function").values():
        assert "ALEX_FAULTS_PARAMETER" not in function["Properties"]["Environment"]["Variables"]


def test_with_fault_injection_every_step_reads_the_faults_parameter(
    configured_templates: dict[str, dict[str, Any]],
) -> None:
    analysis = configured_templates["AlexAnalysis"]
    ((parameter_id, parameter),) = resources(analysis, "AWS::SSM::Parameter").items()
    assert parameter["Properties"]["Name"] == "/alex/dev/faults"
    assert parameter["Properties"]["Value"] == "none"
    assert analysis["Outputs"]["FaultsParameter"]["Value"] == {"Ref": parameter_id}
    readers = set()
    for function in resources(analysis, "AWS::Lambda::Function").values():
        properties = function["Properties"]
        folder = properties["Handler"].split(".")[1]
        variables = properties["Environment"]["Variables"]
        reads = [
            s for s in statements(analysis, properties["Role"]["Fn::GetAtt"][0])
            if any(a.startswith("ssm:") for a in actions(s))
        ]  # fmt: skip
        if "ALEX_FAULTS_PARAMETER" in variables:
            assert variables["ALEX_FAULTS_PARAMETER"] == {"Ref": parameter_id}
            (read,) = reads
            assert "ssm:GetParameter" in actions(read) and parameter_id in json.dumps(read)
            readers.add(folder)
        else:
            assert not reads
    assert readers == {step.function for step in STEPS}


def test_the_agents_read_langfuse_keys_from_their_secret(analysis: dict[str, Any]) -> None:
    (secret,) = [
        key
        for key, value in resources(analysis, "AWS::SecretsManager::Secret").items()
        if "Langfuse" in value["Properties"]["Description"]
    ]
    for function in resources(analysis, "AWS::Lambda::Function").values():
        properties = function["Properties"]
        variables = properties["Environment"]["Variables"]
        assert not any(name.startswith("LANGFUSE_") and name != "LANGFUSE_SECRET_ARN"
                       for name in variables)  # fmt: skip
        if "BEDROCK_MODEL_ID" in variables:
            assert variables["LANGFUSE_SECRET_ARN"] == {"Ref": secret}
            granted = statements(analysis, properties["Role"]["Fn::GetAtt"][0])
            assert any({"Ref": secret} == s["Resource"] for s in granted)
