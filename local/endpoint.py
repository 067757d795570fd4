"""The local engines behind Step Functions' JSON protocol on 127.0.0.1, so boto3 and the AWS CLI
reach them with `endpoint_url` exactly as they reach AWS."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from local.engine import (
    Engine,
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    ExecutionNotRedrivable,
    ExecutionRunsElsewhere,
)
from local.hosts import is_local_host, refusal

log = logging.getLogger(__name__)

TARGET_PREFIX = "AWSStepFunctions."
CONTENT_TYPE = "application/x-amz-json-1.0"
PAGE_SIZE, MAX_PAGE_SIZE = 100, 1000
STATUSES = frozenset({"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"})
REDRIVE_FILTERS = {"REDRIVEN": True, "NOT_REDRIVEN": False}
LIST_ITEM = (
    "executionArn",
    "stateMachineArn",
    "name",
    "status",
    "startDate",
    "stopDate",
    "redriveCount",
    "redriveDate",
)
# AWS's rule for execution names: 1-80 characters, none of these.
INVALID_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]")
ENGINE_ERRORS = (
    ExecutionAlreadyExists,
    ExecutionDoesNotExist,
    ExecutionNotRedrivable,
    ExecutionRunsElsewhere,
)

Request = dict[str, Any]
Response = dict[str, Any]


class ServiceError(Exception):
    """An error as Step Functions returns it: HTTP 400, `__type` naming it, and a message."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.message = kind, message


class StepFunctions:
    """The operations the project calls, over one engine per state machine ARN: a request's JSON
    in, the response's JSON out (dates as `datetime`), `ServiceError` for AWS's errors."""

    def __init__(self, engines: Mapping[str, Engine]) -> None:
        for arn, engine in engines.items():
            if engine.state_machine_arn != arn:
                raise ValueError(f"{arn} is served by the engine of {engine.state_machine_arn}")
        self.engines = dict(engines)
        self.operations: dict[str, Callable[[Request], Response]] = {
            "StartExecution": self.start_execution,
            "DescribeExecution": self.describe_execution,
            "GetExecutionHistory": self.get_execution_history,
            "ListExecutions": self.list_executions,
            "StopExecution": self.stop_execution,
            "RedriveExecution": self.redrive_execution,
        }

    def call(self, target: str, body: bytes) -> tuple[int, Response]:
        """Answer one request: its HTTP status and JSON body."""
        operation = self.operations.get(target.removeprefix(TARGET_PREFIX))
        if not target.startswith(TARGET_PREFIX) or operation is None:
            return 400, _error("UnknownOperationException", f"Unknown operation {target!r}")
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return 400, _error("SerializationException", "The request body is not JSON")
        if not isinstance(request, dict):
            return 400, _error("SerializationException", "The request body is not a JSON object")
        try:
            return 200, operation(request)
        except ServiceError as error:
            return 400, _error(error.kind, error.message)
        except ENGINE_ERRORS as error:  # named as Step Functions names them
            return 400, _error(type(error).__name__, str(error))
        except Exception as error:  # a bug of the endpoint or engine: say so, keep serving
            log.exception("%s failed", target)
            return 500, _error("InternalFailure", repr(error))

    def start_execution(self, request: Request) -> Response:
        engine = self._machine(_text(request, "stateMachineArn"))
        name = _text(request, "name", required=False)
        if name is not None and (not 1 <= len(name) <= 80 or INVALID_NAME.search(name)):
            raise ServiceError("InvalidName", f"Invalid Name: '{name}'")
        input = _execution_input(_text(request, "input", required=False) or "{}")
        try:
            arn = engine.start_execution(input, name=name)
        except ExecutionAlreadyExists:
            # AWS: the same name and input as a running execution is that execution.
            same = [
                d
                for d in engine.list_executions()
                if d["name"] == name
                and d["status"] == "RUNNING"
                and json.loads(d["input"]) == input
            ]
            if not same:
                raise
            arn = same[0]["executionArn"]
        description = engine.describe_execution(arn)
        return {"executionArn": arn, "startDate": description["startDate"]}

    def describe_execution(self, request: Request) -> Response:
        arn = _text(request, "executionArn")
        return self._engine_of(arn).describe_execution(arn)

    def get_execution_history(self, request: Request) -> Response:
        arn = _text(request, "executionArn")
        events = self._engine_of(arn).get_execution_history(
            arn, reverse_order=request.get("reverseOrder") is True
        )
        page, token = _page([(e["id"], e) for e in events], request)
        return {"events": page, **token}

    def list_executions(self, request: Request) -> Response:
        engine = self._machine(_text(request, "stateMachineArn"))
        status = _text(request, "statusFilter", required=False)
        if status is not None and status not in STATUSES:
            raise ServiceError("ValidationException", f"Invalid statusFilter {status!r}")
        redrive = _text(request, "redriveFilter", required=False)
        if redrive is not None and redrive not in REDRIVE_FILTERS:
            raise ServiceError("ValidationException", f"Invalid redriveFilter {redrive!r}")

        def wanted(execution: dict[str, Any]) -> bool:
            return (status is None or execution["status"] == status) and (
                redrive is None or (execution["redriveCount"] > 0) == REDRIVE_FILTERS[redrive]
            )

        # Newest first, as AWS lists them; positions in start order stay valid as more start.
        executions = list(enumerate(engine.list_executions()))[::-1]
        page, token = _page(executions, request, wanted)
        items = [{k: e[k] for k in LIST_ITEM if k in e} for e in page]
        return {"executions": items, **token}

    def stop_execution(self, request: Request) -> Response:
        arn = _text(request, "executionArn")
        engine = self._engine_of(arn)
        engine.stop_execution(
            arn,
            error=_text(request, "error", required=False),
            cause=_text(request, "cause", required=False),
        )
        # The engine stops the execution before its next state; AWS answers at once.
        stopped = engine.describe_execution(arn).get("stopDate")
        return {"stopDate": stopped or datetime.now(UTC)}

    def redrive_execution(self, request: Request) -> Response:
        arn = _text(request, "executionArn")
        return {"redriveDate": self._engine_of(arn).redrive_execution(arn)}

    def _machine(self, arn: str) -> Engine:
        parts = arn.split(":")
        if len(parts) != 7 or parts[:3] != ["arn", "aws", "states"] or parts[5] != "stateMachine":
            raise ServiceError("InvalidArn", f"Invalid Arn: '{arn}'")
        engine = self.engines.get(arn)
        if engine is None:
            raise ServiceError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")
        return engine

    def _engine_of(self, execution_arn: str) -> Engine:
        """The engine running an execution, by the state machine its ARN names."""
        parts = execution_arn.split(":")
        if len(parts) != 8 or parts[:3] != ["arn", "aws", "states"] or parts[5] != "execution":
            raise ServiceError("InvalidArn", f"Invalid Arn: '{execution_arn}'")
        engine = self.engines.get(":".join([*parts[:5], "stateMachine", parts[6]]))
        if engine is None:
            raise ExecutionDoesNotExist(f"Execution Does Not Exist: '{execution_arn}'")
        return engine


def _text(request: Request, key: str, *, required: bool = True) -> Any:
    value = request.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise ServiceError(
            "ValidationException",
            f"1 validation error detected: Value {json.dumps(value)} at '{key}' failed to"
            " satisfy constraint: Member must be a string and must not be null",
        )
    return value


def _execution_input(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise ServiceError("InvalidExecutionInput", f"Invalid execution input: {error}") from None


def _page(
    items: list[tuple[int, dict[str, Any]]],
    request: Request,
    wanted: Callable[[dict[str, Any]], bool] = lambda item: True,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """One page of `items` (position, item), in the order they are returned: the page after the
    position `nextToken` names, up to `maxResults` (0 or none: 100); the next token if more."""
    size = request.get("maxResults") or PAGE_SIZE
    if not isinstance(size, int) or not 0 < size <= MAX_PAGE_SIZE:
        raise ServiceError("ValidationException", f"maxResults must be 0 to {MAX_PAGE_SIZE}")
    token = _text(request, "nextToken", required=False)
    if token is not None:
        previous = _position(token)
        after = [i for i, (position, _) in enumerate(items) if position == previous]
        if not after:
            raise ServiceError("InvalidToken", f"Invalid Token: '{token}'")
        items = items[after[0] + 1 :]
    remaining = [(position, item) for position, item in items if wanted(item)]
    page = remaining[:size]
    if len(remaining) <= size:
        return [item for _, item in page], {}
    token = base64.urlsafe_b64encode(str(page[-1][0]).encode()).decode()
    return [item for _, item in page], {"nextToken": token}


def _position(token: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error):
        raise ServiceError("InvalidToken", f"Invalid Token: '{token}'") from None


def _error(kind: str, message: str) -> Response:
    return {"__type": kind, "message": message}


def _epoch(value: object) -> float:
    """Dates as Step Functions' JSON protocol sends them: epoch seconds."""
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class Endpoint(ThreadingHTTPServer):
    """The HTTP server; `close()` stops it and frees its port."""

    daemon_threads = True

    def __init__(self, engines: Mapping[str, Engine], port: int = 0) -> None:
        self.step_functions = StepFunctions(engines)
        super().__init__(("127.0.0.1", port), _Handler)
        # A short poll interval: `close()` waits for the serving loop to notice it.
        self._thread = threading.Thread(
            target=self.serve_forever, args=(0.05,), name="endpoint", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join()


class _Handler(BaseHTTPRequestHandler):
    server: Endpoint
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        host = self.headers.get("Host")
        if not is_local_host(host, self.server.server_address[1]):
            # DNS rebinding: a page elsewhere must not start or stop executions.
            status, response = (
                400,
                _error("InvalidHost", refusal(host, self.server.server_address[1])),
            )
        else:
            target = self.headers.get("X-Amz-Target") or ""
            status, response = self.server.step_functions.call(target, body)
        payload = json.dumps(response, default=_epoch).encode()
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def send_response(self, code: int, message: str | None = None) -> None:
        # As BaseHTTPRequestHandler's, without its Server banner (the Python version).
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


def serve(engines: Mapping[str, Engine], port: int = 0) -> tuple[Endpoint, str]:
    """Serve the engines (by state machine ARN) on 127.0.0.1:`port` (0: any free port) in a
    background thread; the server (`close()` it) and its URL for `endpoint_url`."""
    endpoint = Endpoint(engines, port)
    endpoint.start()
    return endpoint, endpoint.url
