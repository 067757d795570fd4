"""JSONata in a definition: a string "{% expression %}" is evaluated, anything else is literal,
and objects and arrays are walked so expressions may sit at any depth (as in `Arguments`)."""

import json
from collections.abc import Mapping
from typing import Any

import jsonata  # type: ignore[import-untyped]


class QueryEvaluationError(Exception):
    """An expression that could not be evaluated (States.QueryEvaluationError)."""


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def evaluate(template: Any, states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
    """The template with each expression replaced by its value; `$states` and the workflow
    variables are bound, and the result is plain JSON."""
    if is_expression(template):
        return _evaluate_expression(template[2:-2].strip(), states, variables)
    if isinstance(template, dict):
        return {key: evaluate(value, states, variables) for key, value in template.items()}
    if isinstance(template, list):
        return [evaluate(value, states, variables) for value in template]
    return template


def _evaluate_expression(text: str, states: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
    try:
        # A compiled expression keeps its bindings, so each evaluation compiles its own: the
        # iterations of a Map evaluate the same text in several threads at once.
        expression = jsonata.Jsonata(text)
        for name, value in variables.items():
            expression.assign(name, value)
        expression.assign("states", dict(states))
        value = expression.evaluate(None)
        # jsonata-python answers with its own list type; the states pass plain JSON.
        return None if value is None else json.loads(json.dumps(value))
    except Exception as error:
        raise QueryEvaluationError(f"{text!r}: {error}") from error
