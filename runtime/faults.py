"""Faults injected on purpose, to watch retries, failed executions and redrive: the syntax both
paths share, and the deployed path, where an SSM parameter names the faults.

`charter=fail,tagger=throttle:1`: each entry names a function by its folder in `functions/`, then
`fail` (a crash) or `throttle` (`ModelThrottled`, which the workflow retries), optionally `:N` to
fail only its first N calls. Locally ALEX_FAULTS sets them (local/faults.py). In AWS, a deployment
with `teaching.fault_injection` has the parameter ALEX_FAULTS_PARAMETER names, read on every call,
so a fault starts and stops without a redeploy; there a fault lasts until it is cleared (`none`):
each Lambda container would count calls apart, so counts are refused.
"""

import logging
from dataclasses import dataclass
from typing import Literal, cast

from runtime.aws import aws_client
from shared.errors import InvalidInput, ModelThrottled
from shared.settings import Settings, get_settings

KINDS = ("fail", "throttle")
ERROR_OF_KIND = {"fail": "Crash", "throttle": "ModelThrottled"}
NO_FAULTS = "none"
"""The parameter's value when no step is made to fail (SSM refuses an empty value)."""

log = logging.getLogger("alex.faults")


@dataclass(frozen=True)
class Fault:
    function: str
    kind: Literal["fail", "throttle"]
    times: int | None = None
    """How many first calls fail; None: every call."""


class Crash(Exception):
    """A step made to fail on purpose; the workflow does not retry it."""


def parse_faults(spec: str, source: str = "ALEX_FAULTS", counted: bool = True) -> dict[str, Fault]:
    """The faults of `spec`, by function; raises `InvalidInput` naming a bad entry. Unless
    `counted`, the message offers no counts (the deployed path refuses them)."""
    faults: dict[str, Fault] = {}
    if spec.strip() == NO_FAULTS:
        return faults
    for entry in filter(None, (e.strip() for e in spec.split(","))):
        function, _, action = (part.strip() for part in entry.partition("="))
        kind, colon, count = (part.strip() for part in action.partition(":"))
        if not function or kind not in KINDS or (colon and not _positive(count)):
            expected = (
                "FUNCTION=fail or FUNCTION=throttle, optionally followed by :N (a positive"
                " count), e.g. 'charter=fail' or 'tagger=throttle:1'"
                if counted
                else "FUNCTION=fail or FUNCTION=throttle, e.g. 'charter=fail' or 'tagger=throttle'"
            )
            raise InvalidInput(f"{source} entry {entry!r} is not {expected}", field=source)
        if function in faults:
            raise InvalidInput(f"{source} names {function!r} twice", field=source)
        faults[function] = Fault(
            function, cast(Literal["fail", "throttle"], kind), int(count) if count else None
        )
    return faults


def parse_deployed_faults(spec: str, source: str) -> dict[str, Fault]:
    """The faults of a deployment's parameter: as `parse_faults`, without counts, since each
    Lambda container would count its own calls."""
    faults = parse_faults(spec, source, counted=False)
    for fault in faults.values():
        if fault.times is not None:
            raise InvalidInput(
                f"{source} asks for {fault.function}={fault.kind}:{fault.times}, but counts work"
                f" in local runs only: set {fault.function}={fault.kind}, and clear it with"
                f" {NO_FAULTS!r}",
                field=source,
            )
    return faults


def _positive(count: str) -> bool:
    return count.isdigit() and int(count) > 0


def raise_injected_fault(function: str, settings: Settings | None = None) -> None:
    """Fail this call of `function` if the deployment's faults parameter names it."""
    settings = settings or get_settings()
    if settings.faults_parameter is None:
        return
    # A client per call: only a teaching deployment has the parameter, and it reads it every time.
    ssm = aws_client("ssm", settings)
    spec = ssm.get_parameter(Name=settings.faults_parameter)["Parameter"]["Value"]
    source = f"the parameter {settings.faults_parameter}"
    fault = parse_deployed_faults(spec, source).get(function)
    if fault is None:
        return
    log.warning("fault injected by %s: %s=%s", source, function, fault.kind)
    message = f"{function}: fault injected by {source} ({fault.kind})"
    if fault.kind == "throttle":
        raise ModelThrottled(message)
    raise Crash(message)
