"""A stand-in for AWS's HTTP endpoints, on 127.0.0.1, for tests that run boto3 clients unchanged.

Point a client at `AwsStandIn.url` (its `endpoint_url`, or `AWS_ENDPOINT_URL_<SERVICE>`), say
what each action answers, and read back what was asked: every request is recorded with the
service and region it was signed for (the SigV4 credential scope of its `Authorization` header)
and its action, whatever the service's protocol (JSON with `X-Amz-Target`, REST-JSON by method
and path, or the query protocol's `Action=`). No signature is checked.

    with AwsStandIn() as aws:
        aws.answer("states", "ListStateMachines", {"stateMachines": []})
        aws.answer("sts", "GetCallerIdentity", "<GetCallerIdentityResponse>...")  # XML, as is
        aws.answer("ssm", "GetParameter", lambda request: {...request.body...})
        ...
        assert [(r.service, r.region, r.action) for r in aws.requests] == [...]

An answer is a dict (sent as JSON), a str (sent as is, for the query protocol's XML) or a
function of the `AwsRequest` returning either; it may raise `AwsError`, or botocore's
`ClientError` (as `botocore.stub` and the Data API stand-in do), to answer with an error.
Services are named by their signing name (`states`, `rds-data`, `secretsmanager`, `ssm`, `sts`).
"""

import base64
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import botocore.session
from botocore.exceptions import ClientError, UnknownServiceError

PROFILE_REGION = "eu-west-1"
"""The region of the stand-in account's profile (the `aws` fixture, tests/conftest.py)."""
_SCOPE = re.compile(
    r"Credential=(?P<key>[^/,]+)/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request"
)


@dataclass(frozen=True)
class AwsRequest:
    service: str
    """The signing name of the credential scope: `states`, `rds-data`, `secretsmanager`..."""
    region: str
    """The region the request was signed for."""
    action: str
    """The operation: `RedriveExecution`, `ExecuteStatement`, `GetSecretValue`..."""
    body: dict[str, Any]
    """The request's parameters: its JSON body, or its form fields for the query protocol."""
    access_key: str
    """The access key id it was signed with."""


class AwsError(Exception):
    """An error answer: AWS's error code and message, with its HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.status = code, message, status


Answer = dict[str, Any] | str | Callable[[AwsRequest], dict[str, Any] | str]


class AwsStandIn:
    def __init__(self) -> None:
        self.requests: list[AwsRequest] = []
        self._answers: dict[tuple[str, str], Answer] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def answer(self, service: str, action: str, answer: Answer) -> None:
        """What `action` of `service` answers from now on."""
        self._answers[service, action] = answer

    def signed_for(self) -> set[tuple[str, str]]:
        """The (service, region) pairs the requests so far were signed for."""
        return {(request.service, request.region) for request in self.requests}

    def __enter__(self) -> "AwsStandIn":
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def respond(self, request: AwsRequest) -> dict[str, Any] | str:
        self.requests.append(request)
        answer = self._answers.get((request.service, request.action))
        if answer is None:
            raise AwsError(
                "StandInHasNoAnswer",
                f"the test gave no answer to {request.service} {request.action}",
            )
        if not callable(answer):
            return answer
        try:
            return answer(request)
        except ClientError as error:
            details = error.response.get("Error", {})
            raise AwsError(
                details.get("Code", "ClientError"), details.get("Message", "")
            ) from error


def _handler_for(standin: AwsStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self._serve()

        def do_GET(self) -> None:
            self._serve()

        def do_PUT(self) -> None:
            self._serve()

        def do_DELETE(self) -> None:
            self._serve()

        def _serve(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            scope = _SCOPE.search(self.headers.get("Authorization", ""))
            key, service, region = (
                (scope["key"], scope["service"], scope["region"]) if scope else ("", "", "")
            )
            target = self.headers.get("X-Amz-Target")
            query = "x-www-form-urlencoded" in self.headers.get("Content-Type", "")
            if query:
                body: dict[str, Any] = dict(parse_qsl(raw))
                action = body.get("Action", "")
            else:
                body = json.loads(raw) if raw.strip() else {}
                path = urlsplit(self.path).path
                action = target.rpartition(".")[2] if target else _rest_action(service, path)
            try:
                answer = standin.respond(AwsRequest(service, region, action, body, key))
            except AwsError as error:
                self._error(error, query)
                return
            if isinstance(answer, str):
                self._send(200, answer, "text/xml")
            else:
                self._send(200, json.dumps(answer, default=_blob), "application/x-amz-json-1.0")

        def _error(self, error: AwsError, query: bool) -> None:
            if query:
                body = (
                    f"<ErrorResponse><Error><Type>Sender</Type><Code>{error.code}</Code>"
                    f"<Message>{error.message}</Message></Error></ErrorResponse>"
                )
                self._send(error.status, body, "text/xml")
            else:
                body = json.dumps({"__type": error.code, "message": error.message})
                self._send(error.status, body, "application/x-amz-json-1.0", error.code)

        def _send(self, status: int, body: str, content_type: str, error: str = "") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", "stand-in")
            if error:
                self.send_header("x-amzn-ErrorType", error)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the requests are in `standin.requests`

    return Handler


@cache
def _rest_action(service: str, path: str) -> str:
    """A REST-JSON request's operation, by its path in the service's model (the path itself when
    the signing name is not a botocore service name)."""
    try:
        model = botocore.session.get_session().get_service_model(service)
    except UnknownServiceError:
        return path
    names: list[str] = model.operation_names
    for name in names:
        if model.operation_model(name).http.get("requestUri", "").split("?")[0] == path:
            return name
    return path


def _blob(value: Any) -> str:
    """JSON protocols send blobs as base64."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"{type(value)} is not JSON")
