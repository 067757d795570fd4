"""The step table is the one source of the workflow's names and limits: the synthesized state
machine, the Lambdas, the job row and the SPA all agree with it."""

from typing import Any, get_args

import pytest

from local.cli.steps import GENERATED, steps_module
from shared.schemas import STEP_NAMES, PayloadKind
from state_machines.steps import ANALYZE_PORTFOLIO, STEP_OF_FUNCTION, STEPS
from tests.infra.test_analysis_stack import all_states
from tests.support.templates import definition, resources


@pytest.fixture(scope="module")
def analysis(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return templates["AlexAnalysis"]


def test_every_state_of_the_synthesized_workflow_comes_from_the_table(
    analysis: dict[str, Any],
) -> None:
    states = all_states(definition(analysis)["States"])
    named = {name for step in STEPS for name in (step.state, step.task_state)}
    assert set(states) == named | {ANALYZE_PORTFOLIO}
    for step in STEPS:
        task = states[step.task_state]
        assert task["Type"] == "Task"
        assert task["TimeoutSeconds"] == step.task_timeout_s


def test_job_steps_and_payloads_are_the_tables() -> None:
    assert tuple(step.key for step in STEPS) == STEP_NAMES
    assert {step.payload for step in STEPS if step.payload} == set(get_args(PayloadKind))


def test_each_lambda_is_sized_by_the_table_and_outlasts_its_task(
    analysis: dict[str, Any],
) -> None:
    sized = {}
    for function in resources(analysis, "AWS::Lambda::Function").values():
        properties = function["Properties"]
        folder = properties.get("Handler", "").split(".")[1:2]
        if folder and folder[0] in STEP_OF_FUNCTION:
            step = STEP_OF_FUNCTION[folder[0]]
            assert properties["MemorySize"] == step.memory_mb
            assert properties["Timeout"] >= step.task_timeout_s
            sized[step.key] = properties["Timeout"]
    assert set(sized) == set(STEP_NAMES)


def test_the_spa_reads_the_table_from_its_generated_file() -> None:
    assert GENERATED.read_text() == steps_module(), (
        "frontend/lib/steps.generated.ts is not the step table: run ./alex steps --write"
    )
    for step in STEPS:
        assert f'"label": "{step.label}"' in steps_module()
