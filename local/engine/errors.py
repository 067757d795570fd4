"""The errors the local engine raises to its callers, named as Step Functions names them."""

import json
from collections.abc import Sequence


class LambdaError(Exception):
    """A Lambda function's error as Step Functions receives it: the handler's exception type and
    message (the invoker raises it; the engine turns it into the task's error and cause)."""

    def __init__(self, error_type: str, message: str, stack_trace: Sequence[str] = ()) -> None:
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type
        self.message = message
        self.stack_trace = list(stack_trace)

    @property
    def cause(self) -> str:
        """The cause AWS records for a function error: the function's error document."""
        return json.dumps(
            {
                "errorMessage": self.message,
                "errorType": self.error_type,
                "stackTrace": self.stack_trace,
            }
        )


class DefinitionRefused(ValueError):
    """The definition uses something the local engine does not run; the message names it."""


class ExecutionAlreadyExists(Exception):
    pass


class ExecutionDoesNotExist(Exception):
    pass


class ExecutionNotRedrivable(Exception):
    pass


class ExecutionRunsElsewhere(Exception):
    """The execution runs in another process, which alone can stop it."""
