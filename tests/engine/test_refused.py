"""Constructs outside the engine's subset are refused when the definition is loaded, with a
message naming the construct and where it is."""

import json
from typing import Any

import pytest

from local.engine import DefinitionRefused, Engine
from tests.engine import fakes
from tests.engine.fakes import Functions, chain, machine, task


def refusal(definition: dict[str, Any]) -> str:
    with pytest.raises(DefinitionRefused) as refused:
        Engine(definition, Functions(), fakes.store())
    return str(refused.value)


def test_jsonpath_is_refused() -> None:
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    assert refusal(definition) == (
        'the definition, state "P": query language JSONPath is not supported by the local'
        " engine (set QueryLanguage to JSONata)"
    )


def test_wait_state_is_refused() -> None:
    message = refusal(machine({"Pause": {"Type": "Wait", "Seconds": 1, "End": True}}))
    assert (
        message
        == "the definition, state \"Pause\": Type 'Wait' is not supported by the local engine"
    )


def test_other_resources_are_refused() -> None:
    state = {**task("f"), "Resource": "arn:aws:states:::sqs:sendMessage"}
    message = refusal(machine({"Send": state}))
    assert "Resource 'arn:aws:states:::sqs:sendMessage' is not supported" in message
    assert 'state "Send"' in message


def test_distributed_map_is_refused_with_its_place() -> None:
    inner = chain({"Inner": task("f")})
    inner["ProcessorConfig"] = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
    definition = machine(
        {
            "Outer": {
                "Type": "Parallel",
                "Branches": [
                    chain({"Big map": {"Type": "Map", "ItemProcessor": inner, "End": True}})
                ],
                "End": True,
            }
        }
    )
    assert refusal(definition) == (
        'the definition, state "Outer", branch #1, state "Big map": a DISTRIBUTED Map is not'
        " supported by the local engine (only INLINE)"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("HeartbeatSeconds", 10),
        ("ResultPath", "$.x"),
        ("Parameters", {}),
        ("Credentials", {}),
    ],
)
def test_unsupported_task_fields_are_refused(field: str, value: Any) -> None:
    message = refusal(machine({"T": task("f", **{field: value})}))
    assert message == f'the definition, state "T": {field} is not supported by the local engine'


def test_map_item_reader_is_refused() -> None:
    state = {"Type": "Map", "ItemReader": {}, "ItemProcessor": chain({"I": task("f")}), "End": True}
    assert "ItemReader is not supported" in refusal(machine({"M": state}))


def test_wait_for_task_token_and_unknown_jitter_are_refused() -> None:
    token = {**task("f"), "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken"}
    assert "waitForTaskToken" in refusal(machine({"T": token}))
    retry = [{"ErrorEquals": ["States.ALL"], "JitterStrategy": "HALF"}]
    assert "Retry #1: JitterStrategy 'HALF'" in refusal(machine({"T": task("f", Retry=retry)}))


def test_a_transition_to_a_missing_state_is_refused() -> None:
    message = refusal(machine({"A": {"Type": "Pass", "Next": "Nowhere"}}))
    assert message == "the definition, state \"A\": Next 'Nowhere' is not a state of the same scope"


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("{% $eval('1') %}", "$eval is not available in Step Functions (use $parse)"),
        ("{% $random(42) %}", "$random with a seed is not supported by the local engine"),
    ],
)
def test_jsonata_the_engine_cannot_run_as_aws_does_is_refused(expression: str, reason: str) -> None:
    message = refusal(machine({"P": {"Type": "Pass", "Output": {"x": expression}, "End": True}}))
    assert message.startswith(f'the definition, state "P": {reason}')


def test_jsonata_fields_aws_accepts_are_accepted() -> None:
    state = {
        **task("f"),
        "Arguments": "{% {'FunctionName': 'f', 'Payload': $states.input} %}",
        "TimeoutSeconds": "{% 5 %}",
    }
    each = {
        "Type": "Map",
        "MaxConcurrency": "{% 2 %}",
        "ItemProcessor": chain({"T": state}),
        "Next": "Route",
    }
    route = {"Type": "Choice", "Choices": [{"Condition": True, "Next": "Done"}]}
    definition = machine({"Each": each, "Route": route, "Done": {"Type": "Succeed"}})
    description = fakes.run(definition, [1, 2])[2]
    assert (description["status"], json.loads(description["output"])) == ("SUCCEEDED", [1, 2])
