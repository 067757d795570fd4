"""Lambda on one machine: the synthesized template's functions, each run in this process by its
handler in `functions/`, their errors reported as Lambda reports them to Step Functions."""

import importlib
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from local.engine import DefinitionRefused, LambdaError
from local.engine.definition import load_definition

ACCOUNT_ARN = "arn:aws:lambda:us-east-1:123456789012"
LAMBDA_FUNCTION = "AWS::Lambda::Function"
LAMBDA_ALIAS = "AWS::Lambda::Alias"
STATE_MACHINE = "AWS::StepFunctions::StateMachine"

Handler = Callable[[dict[str, Any], Any], Any]


def function_arn(logical_id: str) -> str:
    """The ARN a function of the template has locally: its logical id is its name."""
    return f"{ACCOUNT_ARN}:function:{logical_id}"


def local_definition(template: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The template's state machine definition, its function references resolved to local ARNs,
    and each function's handler (`functions.<name>.handler.handler`) by that ARN."""
    resources: Mapping[str, Any] = template["Resources"]
    machines = [r for r in resources.values() if r["Type"] == STATE_MACHINE]
    if len(machines) != 1:
        raise DefinitionRefused(f"the template has {len(machines)} state machines, not one")
    source = machines[0]["Properties"]["DefinitionString"]
    text = (
        source
        if isinstance(source, str)
        else "".join(_resolve(part, resources) for part in source["Fn::Join"][1])
    )
    handlers = {
        function_arn(logical_id): resource["Properties"]["Handler"]
        for logical_id, resource in resources.items()
        if resource["Type"] == LAMBDA_FUNCTION
    }
    return load_definition(text), handlers


def _resolve(part: str | dict[str, Any], resources: Mapping[str, Any]) -> str:
    """One piece of the definition's `Fn::Join`: text, a function's ARN (or an alias's, which
    runs its function: one machine has one version of the code), or the partition."""
    if isinstance(part, str):
        return part
    if "Fn::GetAtt" in part and part["Fn::GetAtt"][1] == "Arn":
        return function_arn(part["Fn::GetAtt"][0])
    alias = resources.get(part.get("Ref", ""), {})
    if alias.get("Type") == LAMBDA_ALIAS:
        return function_arn(alias["Properties"]["FunctionName"]["Ref"])
    if part == {"Ref": "AWS::Partition"}:
        return "aws"
    raise DefinitionRefused(f"the definition refers to {part}, which runs only in AWS")


@dataclass
class LambdaContext:
    """The parts of Lambda's context object a handler may read."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int = 1024
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    deadline: float = field(default_factory=lambda: time.monotonic() + 900)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


class LocalLambda:
    """The engine's `invoke`: runs the handler of `function_name` (an ARN of `handlers`) on the
    payload. Handlers are imported on first use, so a run loads only the functions it calls."""

    def __init__(self, handlers: Mapping[str, str]) -> None:
        self.handlers = dict(handlers)
        self._loaded: dict[str, Handler] = {}
        self._lock = threading.Lock()

    def __call__(self, function_name: str, payload: Any) -> Any:
        handler = self._handler(function_name)
        context = LambdaContext(function_name.rpartition(":")[2], function_name)
        try:
            return handler(payload, context)
        except Exception as error:
            # Lambda reports the exception's class as errorType: the Retry rules match on it.
            raise LambdaError(
                type(error).__name__,
                str(error),
                traceback.format_tb(error.__traceback__),
            ) from error

    def folder(self, function_name: str) -> str:
        """The function's folder in `functions/` (`charter`), as ALEX_FAULTS names it."""
        return self._path(function_name).split(".")[1]

    def _path(self, function_name: str) -> str:
        path = self.handlers.get(function_name)
        if path is None:
            raise LambdaError(
                "Lambda.ResourceNotFoundException", f"Function not found: {function_name}"
            )
        return path

    def _handler(self, function_name: str) -> Handler:
        with self._lock:
            loaded = self._loaded.get(function_name)
            if loaded is None:
                module, _, name = self._path(function_name).rpartition(".")
                loaded = self._loaded[function_name] = getattr(
                    importlib.import_module(module), name
                )
        return loaded
