"""Reading the synthesized templates (the session synthesizes the app once: tests/conftest.py)."""

from typing import Any

from local.invoker import local_definition


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def definition(template: dict[str, Any]) -> dict[str, Any]:
    """The state machine's definition, its functions named by readable placeholder ARNs."""
    return local_definition(template)[0]
