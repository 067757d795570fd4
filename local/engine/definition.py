"""Checking a state machine definition against the subset of ASL the local engine runs.

Everything outside it (JSONPath, other resources, Wait, Distributed Map, ...) is refused when the
definition is loaded, naming the construct and where it sits, rather than half-run later.
"""

import json
from typing import Any

from local.engine.errors import DefinitionRefused
from local.engine.expressions import is_expression, refusal

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"

TOP = {"StartAt", "States", "Comment", "TimeoutSeconds", "QueryLanguage", "Version"}
COMMON = {"Type", "Comment", "QueryLanguage", "Output", "Assign"}
TRANSITION = {"Next", "End"}
RECOVERY = {"Retry", "Catch"}
FIELDS: dict[str, set[str]] = {
    "Task": COMMON | TRANSITION | RECOVERY | {"Resource", "Arguments", "TimeoutSeconds"},
    "Map": COMMON
    | TRANSITION
    | RECOVERY
    | {"Items", "ItemSelector", "ItemProcessor", "MaxConcurrency"},
    "Parallel": COMMON | TRANSITION | RECOVERY | {"Branches"},
    "Pass": COMMON | TRANSITION,
    "Choice": COMMON | {"Choices", "Default"},
    "Succeed": {"Type", "Comment", "QueryLanguage", "Output"},
    "Fail": {"Type", "Comment", "QueryLanguage", "Error", "Cause"},
}
RETRIER = {
    "ErrorEquals",
    "IntervalSeconds",
    "MaxAttempts",
    "BackoffRate",
    "MaxDelaySeconds",
    "JitterStrategy",
    "Comment",
}
CATCHER = {"ErrorEquals", "Next", "Output", "Assign", "Comment"}
CHOICE_RULE = {"Condition", "Next", "Output", "Assign", "Comment"}
PROCESSOR = {"StartAt", "States", "Comment", "ProcessorConfig"}


def load_definition(source: str | dict[str, Any]) -> dict[str, Any]:
    """The definition (JSON text or already parsed), checked; raises `DefinitionRefused`."""
    definition: dict[str, Any] = json.loads(source) if isinstance(source, str) else source
    _refuse_unknown(definition, TOP, "the definition")
    _check_int(definition, "TimeoutSeconds", "the definition")
    _check_chain(definition, definition.get("QueryLanguage", "JSONPath"), "the definition")
    return definition


def _check_expressions(node: Any, where: str) -> None:
    """Refuse the JSONata this engine cannot evaluate as AWS does, wherever it sits."""
    if isinstance(node, dict | list):
        for value in node.values() if isinstance(node, dict) else node:
            _check_expressions(value, where)
    elif is_expression(node):
        reason = refusal(node)
        if reason is not None:
            raise DefinitionRefused(f"{where}: {reason} (in {node})")


def _check_chain(chain: dict[str, Any], language: str, where: str) -> None:
    states = chain.get("States")
    if not isinstance(states, dict) or not states:
        raise DefinitionRefused(f"{where} has no States")
    if chain.get("StartAt") not in states:
        raise DefinitionRefused(
            f"{where}: StartAt {chain.get('StartAt')!r} is not one of its States"
        )
    for name, state in states.items():
        _check_state(name, state, states, language, f'{where}, state "{name}"')


def _check_state(
    name: str, state: dict[str, Any], states: dict[str, Any], outer_language: str, where: str
) -> None:
    kind = state.get("Type")
    if kind not in FIELDS:
        raise DefinitionRefused(f"{where}: Type {kind!r} is not supported by the local engine")
    language = state.get("QueryLanguage", outer_language)
    if language != "JSONata":
        raise DefinitionRefused(
            f"{where}: query language {language} is not supported by the local engine"
            " (set QueryLanguage to JSONata)"
        )
    _refuse_unknown(state, FIELDS[kind], where)
    _check_expressions(
        {key: value for key, value in state.items() if key not in ("Branches", "ItemProcessor")},
        where,
    )
    if "Next" in state or "End" in state or kind in ("Task", "Map", "Parallel", "Pass"):
        _check_transition(state, states, where)
    for position, retrier in enumerate(state.get("Retry", [])):
        here = f"{where}, Retry #{position + 1}"
        _refuse_unknown(retrier, RETRIER, here)
        if retrier.get("JitterStrategy", "NONE") not in ("FULL", "NONE"):
            raise DefinitionRefused(f"{here}: JitterStrategy {retrier['JitterStrategy']!r}")
    for position, catcher in enumerate(state.get("Catch", [])):
        here = f"{where}, Catch #{position + 1}"
        _refuse_unknown(catcher, CATCHER, here)
        _check_target(catcher.get("Next"), states, here)
    if kind == "Task":
        if state.get("Resource") != LAMBDA_INVOKE:
            raise DefinitionRefused(
                f"{where}: Resource {state.get('Resource')!r} is not supported by the local"
                f" engine (only {LAMBDA_INVOKE})"
            )
        arguments = state.get("Arguments")
        # An expression for the whole of Arguments is checked when it is evaluated.
        if not is_expression(arguments):
            if not (isinstance(arguments, dict) and "FunctionName" in arguments):
                raise DefinitionRefused(f"{where}: Arguments must name the FunctionName to invoke")
            _refuse_unknown(arguments, {"FunctionName", "Payload"}, f"{where}, Arguments")
        _check_int(state, "TimeoutSeconds", where)
    elif kind == "Map":
        processor = state.get("ItemProcessor")
        if not isinstance(processor, dict):
            raise DefinitionRefused(f"{where}: a Map needs an ItemProcessor")
        _refuse_unknown(processor, PROCESSOR, f"{where}, ItemProcessor")
        mode = processor.get("ProcessorConfig", {}).get("Mode", "INLINE")
        if mode != "INLINE":
            raise DefinitionRefused(
                f"{where}: a {mode} Map is not supported by the local engine (only INLINE)"
            )
        _check_int(state, "MaxConcurrency", where)
        _check_chain(processor, language, f"{where}, ItemProcessor")
    elif kind == "Parallel":
        for position, branch in enumerate(state.get("Branches", [])):
            here = f"{where}, branch #{position + 1}"
            _refuse_unknown(branch, {"StartAt", "States", "Comment"}, here)
            _check_chain(branch, language, here)
    elif kind == "Choice":
        for position, rule in enumerate(state.get("Choices", [])):
            here = f"{where}, choice #{position + 1}"
            _refuse_unknown(rule, CHOICE_RULE, here)
            condition = rule.get("Condition")
            if not (is_expression(condition) or isinstance(condition, bool)):
                raise DefinitionRefused(
                    f"{here}: Condition must be a JSONata expression or true or false"
                )
            _check_target(rule.get("Next"), states, here)
        if "Default" in state:
            _check_target(state["Default"], states, f"{where}, Default")


def _check_transition(state: dict[str, Any], states: dict[str, Any], where: str) -> None:
    if state.get("End") is True:
        if "Next" in state:
            raise DefinitionRefused(f"{where}: has both Next and End")
        return
    _check_target(state.get("Next"), states, where)


def _check_target(target: Any, states: dict[str, Any], where: str) -> None:
    if target not in states:
        raise DefinitionRefused(f"{where}: Next {target!r} is not a state of the same scope")


def _check_int(node: dict[str, Any], field: str, where: str) -> None:
    """A whole number, or in a state a JSONata expression evaluated when the state runs."""
    value = node.get(field, 0)
    if node.get("Type") in FIELDS and is_expression(value):
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DefinitionRefused(
            f"{where}: {field} must be a whole number of seconds or items in the local engine"
            f" (got {value!r})"
        )


def _refuse_unknown(node: Any, allowed: set[str], where: str) -> None:
    if not isinstance(node, dict):
        raise DefinitionRefused(f"{where} must be an object")
    unknown = sorted(set(node) - allowed)
    if unknown:
        raise DefinitionRefused(
            f"{where}: {', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not supported"
            " by the local engine"
        )
