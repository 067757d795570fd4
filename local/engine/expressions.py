"""JSONata in a definition: a string "{% expression %}" is evaluated, anything else is literal,
and objects and arrays are walked so expressions may sit at any depth (as in `Arguments`).

Evaluation follows Step Functions: an expression that returns nothing (undefined) fails, and
the functions AWS adds to JSONata ($partition, $range, $hash, $random, $uuid, $parse) are bound.
"""

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

import jsonata  # type: ignore[import-untyped]
from jsonata.jexception import JException  # type: ignore[import-untyped]
from jsonata.utils import Utils  # type: ignore[import-untyped]

HASHES = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}
# What Step Functions does not run the way this engine can: AWS removes $eval, and its seeded
# $random draws from a generator of its own, whose numbers cannot be reproduced here.
REFUSED = {
    re.compile(r"\$eval\s*\("): "$eval is not available in Step Functions (use $parse)",
    re.compile(r"\$random\s*\(\s*[^\s)]"): (
        "$random with a seed is not supported by the local engine (AWS's seeded sequence"
        " cannot be reproduced); call $random() without one"
    ),
}


class QueryEvaluationError(Exception):
    """An expression that could not be evaluated (States.QueryEvaluationError): the message
    as AWS words it after naming the state, and the field it sits in (`location`)."""

    def __init__(self, message: str, location: str | None) -> None:
        super().__init__(message)
        self.location = location


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def refusal(text: str) -> str | None:
    """Why the local engine refuses an expression at load time, or None."""
    for pattern, reason in REFUSED.items():
        if pattern.search(text):
            return reason
    return None


def evaluate(
    template: Any, states: Mapping[str, Any], variables: Mapping[str, Any], field: str
) -> Any:
    """The template with each expression replaced by its value; `$states` and the workflow
    variables are bound, the result is plain JSON, and `field` ("Output", "Arguments") names
    where the template sits, as AWS's errors do ("Output/result")."""
    if is_expression(template):
        return _evaluate_expression(template[2:-2].strip(), states, variables, field)
    if isinstance(template, dict):
        return {
            key: evaluate(value, states, variables, f"{field}/{key}")
            for key, value in template.items()
        }
    if isinstance(template, list):
        return [
            evaluate(value, states, variables, f"{field}/{index}")
            for index, value in enumerate(template)
        ]
    return template


def json_type(value: Any) -> str:
    """The JSON type's name, as AWS's errors name it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def unexpected_type(text: str, field: str, expected: str, value: Any) -> QueryEvaluationError:
    return QueryEvaluationError(
        f"The JSONata expression '{text}' specified for the field '{field}' returned an"
        f" unexpected result type. Expected '{expected}', but was '{json_type(value)}' for"
        f" value: {json.dumps(value, separators=(',', ':'))}",
        field,
    )


def _evaluate_expression(
    text: str, states: Mapping[str, Any], variables: Mapping[str, Any], field: str
) -> Any:
    try:
        # A compiled expression keeps its bindings, so each evaluation compiles its own: the
        # iterations of a Map evaluate the same text in several threads at once.
        expression = jsonata.Jsonata(text)
        # Keep null apart from undefined (None): AWS fails on undefined only.
        expression.set_output_convert_nulls(False)
        for name, function in AWS_FUNCTIONS.items():
            expression.register_lambda(name, function)
        for name, value in variables.items():
            # jsonata-python binds None as undefined; a variable that holds null holds null.
            expression.assign(name, Utils.NULL_VALUE if value is None else value)
        expression.assign("states", dict(states))
        value = expression.evaluate(None)
    except JException as error:
        raise QueryEvaluationError(
            f"The JSONata expression '{text}' specified for the field '{field}' threw an error"
            f" during evaluation. {error.error}: {error}",
            field,
        ) from error
    if value is None:
        raise QueryEvaluationError(
            f"The JSONata expression '{text}' specified for the field '{field}' returned"
            " nothing (undefined).",
            field,
        )
    try:
        return _plain(value)
    except TypeError:
        raise QueryEvaluationError(
            f"The JSONata expression '{text}' specified for the field '{field}' returned an"
            " unsupported result type.",
            field,
        ) from None


def _plain(value: Any) -> Any:
    """JSONata's values as plain JSON: its null marker as None, its sequences as lists; a
    function (or anything else JSON cannot hold) raises TypeError."""
    if value is Utils.NULL_VALUE:
        return None
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(type(value).__name__)


def _partition(array: list[Any], size: int) -> list[list[Any]]:
    return [array[start : start + int(size)] for start in range(0, len(array), int(size))]


def _range(start: int, end: int, step: int) -> Any:
    values = list(range(int(start), int(end) + (1 if step > 0 else -1), int(step)))
    # A JSONata sequence of one value is that value (AWS: $range(1, 9, 9) is 1).
    return values[0] if len(values) == 1 else values


def _hash(data: str, algorithm: str) -> str:
    if algorithm not in HASHES:
        raise JException("D3137", 0, f"$hash: algorithm must be one of {', '.join(HASHES)}")
    return hashlib.new(HASHES[algorithm], str(data).encode()).hexdigest()


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise JException("D3137", 0, f"$parse: {error}") from error


# $random() stays JSONata's own; with a seed it is refused (REFUSED).
AWS_FUNCTIONS = {
    "partition": _partition,
    "range": _range,
    "hash": _hash,
    "uuid": lambda: str(uuid.uuid4()),
    "parse": _parse,
}
