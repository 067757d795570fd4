"""The synthesized analysis stack: the workflow's shape and retries, functions, roles, events."""

from typing import Any

import pytest

from stacks.analysis import FUNCTIONS
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
                     "finalize_job", "job_events")
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
            "job_events": {"states:GetExecutionHistory"},
        }.get(name, set())
        assert extra == expected, name
        for statement in statements(analysis, role):
            if any(a.startswith("bedrock:") for a in actions(statement)):
                assert statement["Resource"] == (
                    "arn:aws:bedrock:us-west-2::foundation-model/openai.gpt-oss-120b-1:0"
                )


def test_state_machine_invokes_only_its_own_functions(analysis: dict[str, Any]) -> None:
    (machine,) = resources(analysis, "AWS::StepFunctions::StateMachine").values()
    role = machine["Properties"]["RoleArn"]["Fn::GetAtt"][0]
    invoke = [s for s in statements(analysis, role) if "lambda:InvokeFunction" in actions(s)]
    targets = {r["Fn::GetAtt"][0] if "Fn::GetAtt" in r else r["Fn::Join"][1][0]["Fn::GetAtt"][0]
               for s in invoke for r in s["Resource"]}  # fmt: skip
    functions = {
        k for k, v in resources(analysis, "AWS::Lambda::Function").items()
        if v["Properties"]["Handler"].split(".")[1] != "job_events"
    }  # fmt: skip
    assert targets == functions


def test_job_events_rule_listens_to_this_state_machine(analysis: dict[str, Any]) -> None:
    (rule,) = resources(analysis, "AWS::Events::Rule").values()
    pattern = rule["Properties"]["EventPattern"]
    (machine,) = resources(analysis, "AWS::StepFunctions::StateMachine")
    assert pattern["source"] == ["aws.states"]
    assert pattern["detail-type"] == ["Step Functions Execution Status Change"]
    assert pattern["detail"]["stateMachineArn"] == [{"Ref": machine}]
    assert set(pattern["detail"]["status"]) == {"FAILED", "TIMED_OUT", "ABORTED", "RUNNING"}
