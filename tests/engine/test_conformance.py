"""Each supported state against the outputs Step Functions gives for it (JSONata mode)."""

import json
from typing import Any

import pytest

from local.engine import ExecutionAlreadyExists
from tests.engine.fakes import Functions, chain, event_types, machine, run, task


def output(description: dict[str, Any]) -> Any:
    assert description["status"] == "SUCCEEDED", description
    return json.loads(description["output"])


def test_pass_outputs_its_input_unless_given_an_output() -> None:
    definition = machine(
        {
            "Keep": {"Type": "Pass", "Next": "Shape"},
            "Shape": {
                "Type": "Pass",
                "Output": {"total": "{% $sum($states.input.values) %}", "fixed": [1, "a"]},
                "End": True,
            },
        }
    )
    _, _, description = run(definition, {"values": [1, 2, 3]})
    assert output(description) == {"total": 6, "fixed": [1, "a"]}


def test_task_result_carries_the_lambda_payload_and_status_code() -> None:
    definition = machine(
        {
            "Call": {
                **task("echo"),
                "Arguments": {"FunctionName": "echo", "Payload": {"n": "{% $states.input.n %}"}},
                "Output": {
                    "payload": "{% $states.result.Payload %}",
                    "status": "{% $states.result.StatusCode %}",
                },
            }
        }
    )
    functions = Functions()
    _, _, description = run(definition, {"n": 7, "ignored": True}, functions)
    assert output(description) == {"payload": {"n": 7}, "status": 200}
    assert functions.payloads == [("echo", {"n": 7})]


def test_assigned_variables_are_visible_to_the_next_states_not_the_assigning_one() -> None:
    definition = machine(
        {
            "Remember": {
                "Type": "Pass",
                "Assign": {"x": 1},
                "Next": "Reassign",
            },
            "Reassign": {
                "Type": "Pass",
                "Assign": {"x": "{% $x + 1 %}", "seen": "{% $x %}"},
                "Output": {"during": "{% $x %}"},
                "Next": "Read",
            },
            "Read": {
                "Type": "Pass",
                "Output": {"x": "{% $x %}", "seen": "{% $seen %}"},
                "End": True,
            },
        }
    )
    _, _, description = run(definition)
    assert output(description) == {"x": 2, "seen": 1}


def test_choice_takes_the_first_true_condition_and_its_output() -> None:
    definition = machine(
        {
            "Route": {
                "Type": "Choice",
                "Choices": [
                    {"Condition": "{% $states.input.n > 10 %}", "Next": "Big"},
                    {
                        "Condition": "{% $states.input.n > 5 %}",
                        "Next": "Medium",
                        "Output": {"size": "medium"},
                        "Assign": {"routed": True},
                    },
                ],
                "Default": "Small",
            },
            "Big": {"Type": "Succeed", "Output": "big"},
            "Medium": {
                "Type": "Pass",
                "Output": "{% $merge([$states.input, {'r': $routed}]) %}",
                "End": True,
            },
            "Small": {"Type": "Succeed"},
        }
    )
    assert output(run(definition, {"n": 11})[2]) == "big"
    assert output(run(definition, {"n": 7})[2]) == {"size": "medium", "r": True}
    assert output(run(definition, {"n": 1})[2]) == {"n": 1}


def test_choice_without_match_or_default_fails() -> None:
    definition = machine(
        {
            "Route": {
                "Type": "Choice",
                "Choices": [{"Condition": "{% false %}", "Next": "Done"}],
            },
            "Done": {"Type": "Succeed"},
        }
    )
    description = run(definition)[2]
    assert (description["status"], description["error"]) == ("FAILED", "States.NoChoiceMatched")


def test_fail_state_fails_the_execution_with_its_error_and_cause() -> None:
    definition = machine(
        {"Stop": {"Type": "Fail", "Error": "Custom.Bad", "Cause": "{% 'n=' & $states.input.n %}"}}
    )
    engine, arn, description = run(definition, {"n": 3})
    assert (description["status"], description["error"], description["cause"]) == (
        "FAILED",
        "Custom.Bad",
        "n=3",
    )
    assert event_types(engine, arn) == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]


def test_map_runs_each_item_through_the_processor_in_order() -> None:
    definition = machine(
        {
            "Each": {
                "Type": "Map",
                "Items": "{% $states.input.items %}",
                "ItemSelector": {
                    "value": "{% $states.context.Map.Item.Value %}",
                    "index": "{% $states.context.Map.Item.Index %}",
                    "factor": "{% $factor %}",
                },
                "ItemProcessor": chain(
                    {
                        "Multiply": {
                            "Type": "Pass",
                            "Output": "{% $states.input.(value * factor + index) %}",
                            "End": True,
                        }
                    }
                ),
                "Output": {"results": "{% $states.result %}", "n": "{% $count($states.result) %}"},
                "End": True,
            }
        },
    )
    definition["States"] = {
        "Set factor": {"Type": "Pass", "Assign": {"factor": 10}, "Next": "Each"},
        **definition["States"],
    }
    definition["StartAt"] = "Set factor"
    _, _, description = run(definition, {"items": [1, 2, 3]})
    assert output(description) == {"results": [10, 21, 32], "n": 3}


def test_map_without_item_selector_passes_each_item_as_the_iteration_input() -> None:
    definition = machine(
        {
            "Each": {
                "Type": "Map",
                "Items": "{% $states.input.symbols %}",
                "MaxConcurrency": 2,
                "ItemProcessor": chain({"Tag": task("tagger")}),
                "End": True,
            }
        }
    )
    functions = Functions()
    _, _, description = run(definition, {"symbols": ["VTI", "BND", "GLD"]}, functions)
    assert output(description) == ["VTI", "BND", "GLD"]
    assert sorted(payload for _, payload in functions.payloads) == ["BND", "GLD", "VTI"]


def test_parallel_gives_each_branch_the_input_and_outputs_results_in_branch_order() -> None:
    definition = machine(
        {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    chain(
                        {"A": {"Type": "Pass", "Output": "{% $states.input.n + 1 %}", "End": True}}
                    ),
                    chain(
                        {"B": {"Type": "Pass", "Output": "{% $states.input.n * 2 %}", "End": True}}
                    ),
                ],
                "Output": {"sum": "{% $sum($states.result) %}", "all": "{% $states.result %}"},
                "End": True,
            }
        }
    )
    _, _, description = run(definition, {"n": 5})
    assert output(description) == {"sum": 16, "all": [6, 10]}


def test_context_names_the_execution_and_state() -> None:
    definition = machine(
        {
            "Look": {
                "Type": "Pass",
                "Output": {
                    "name": "{% $states.context.Execution.Name %}",
                    "id": "{% $states.context.Execution.Id %}",
                    "input": "{% $states.context.Execution.Input %}",
                    "state": "{% $states.context.State.Name %}",
                },
                "End": True,
            }
        }
    )
    _, arn, description = run(definition, {"a": 1})
    name = description["name"]
    assert output(description) == {"name": name, "id": arn, "input": {"a": 1}, "state": "Look"}
    assert arn.endswith(f":execution:Analysis:{name}")


def test_a_query_that_cannot_be_evaluated_fails_the_state() -> None:
    definition = machine({"Bad": {"Type": "Pass", "Output": "{% $error('nope') %}", "End": True}})
    engine, arn, description = run(definition)
    assert (description["status"], description["error"]) == (
        "FAILED",
        "States.QueryEvaluationError",
    )
    assert "nope" in description["cause"]
    assert "EvaluationFailed" in event_types(engine, arn)


def test_history_of_a_task_links_each_event_to_the_previous_one() -> None:
    engine, arn, _ = run(machine({"Call": task("echo")}), {"a": 1})
    events = engine.get_execution_history(arn)
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    assert [e["id"] for e in events] == list(range(1, 8))
    assert [e["previousEventId"] for e in events] == list(range(0, 7))
    assert events[1]["stateEnteredEventDetails"] == {"name": "Call", "input": '{"a":1}'}
    assert events[5]["stateExitedEventDetails"] == {"name": "Call", "output": '{"a":1}'}


def test_variables_assigned_inside_a_map_stay_inside_it() -> None:
    definition = machine(
        {
            "Set": {"Type": "Pass", "Assign": {"outer": "kept"}, "Next": "Each"},
            "Each": {
                "Type": "Map",
                "Items": [1, 2],
                "ItemProcessor": chain(
                    {
                        "Inner": {"Type": "Pass", "Assign": {"outer": "shadowed"}, "Next": "Read"},
                        "Read": {"Type": "Pass", "Output": "{% $outer %}", "End": True},
                    }
                ),
                "Output": {"inside": "{% $states.result %}", "outside": "{% $outer %}"},
                "End": True,
            },
        }
    )
    description = run(definition)[2]
    assert output(description) == {"inside": ["shadowed", "shadowed"], "outside": "kept"}


def test_a_second_execution_with_the_same_name_already_exists() -> None:
    engine, _, description = run(machine({"P": {"Type": "Pass", "End": True}}))
    with pytest.raises(ExecutionAlreadyExists):
        engine.start_execution({}, name=description["name"])
