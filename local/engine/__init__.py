"""The local Step Functions engine: runs the synthesized analysis definition on one machine."""

from local.engine.definition import load_definition
from local.engine.engine import Engine
from local.engine.errors import (
    DefinitionRefused,
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    ExecutionNotRedrivable,
    ExecutionRunsElsewhere,
    LambdaError,
)
from local.engine.store import Store

__all__ = [
    "DefinitionRefused",
    "Engine",
    "ExecutionAlreadyExists",
    "ExecutionDoesNotExist",
    "ExecutionNotRedrivable",
    "ExecutionRunsElsewhere",
    "LambdaError",
    "Store",
    "load_definition",
]
