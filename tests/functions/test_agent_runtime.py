"""run_agent: a tool's own failure fails the run; arguments the model got wrong go back to it."""

import pytest
from agents import Agent, RunContextWrapper
from agents.testing import ScriptedModel, assistant_message, function_call

from runtime.agents import BadToolArguments, run_agent, tool

pytestmark = pytest.mark.anyio


@tool
def broken(context: RunContextWrapper[None]) -> str:
    """A tool with a bug."""
    raise RuntimeError("the analytics crashed")


@tool
def picky(context: RunContextWrapper[None], years: int) -> str:
    """A tool that refuses out-of-range arguments.

    Args:
        years: Between 0 and 10.
    """
    if not 0 <= years <= 10:
        raise BadToolArguments(f"years must be between 0 and 10, not {years}")
    return f"{years} years"


def script(tool_name: str, arguments: dict[str, int]) -> ScriptedModel:
    return ScriptedModel(
        [[function_call(tool_name, arguments, call_id="c1")], [assistant_message("done")]]
    )


async def test_a_failing_tool_fails_the_run_instead_of_being_hidden() -> None:
    agent = Agent(name="Writer", instructions="-", tools=[broken])
    with pytest.raises(RuntimeError, match="the analytics crashed"):
        await run_agent(agent, "go", model=script("broken", {}), validate=str)


async def test_bad_arguments_are_explained_to_the_model() -> None:
    agent = Agent(name="Writer", instructions="-", tools=[picky])
    model = script("picky", {"years": 40})
    outcome = await run_agent(agent, "go", model=model, validate=str)
    assert outcome.value == "done"
    assert "The tool could not run: years must be between 0 and 10, not 40" in str(
        model.calls[1].input
    )
