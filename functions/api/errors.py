"""Every error the API returns has one shape, `{"error": {"code", "message", "details"}}`, and
no stack trace: typed errors of the shared code map to their HTTP status here."""

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException

from runtime.executions import WorkflowUnavailable
from shared.errors import (
    AlexError,
    Conflict,
    ConstraintViolation,
    DatabaseError,
    InvalidInput,
    NotFound,
)

log = logging.getLogger("alex.api")


class NotAuthenticated(AlexError):
    """No valid sign-in: the token is missing, malformed, expired or not from our issuer."""

    code = "unauthenticated"


class NotConfigured(AlexError):
    """A part of the API its settings leave out (no token issuer, no webhook secret)."""

    code = "not_configured"


class InvalidSignature(AlexError):
    """A webhook whose signature does not match its body, or that is stale."""

    code = "invalid_signature"


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable error code.")
    message: str = Field(description="What went wrong and what to do about it.")
    details: Any = Field(None, description="The fields at fault, for invalid input.")


class ErrorBody(BaseModel):
    error: ErrorDetail


# Most specific first: the first class an error is an instance of gives its status.
STATUS_OF_ERROR: list[tuple[type[AlexError], int]] = [
    (InvalidSignature, 400),
    (NotAuthenticated, 401),
    (NotFound, 404),
    (ConstraintViolation, 409),
    (Conflict, 409),
    (InvalidInput, 422),
    (NotConfigured, 503),
    (WorkflowUnavailable, 503),
    (DatabaseError, 503),
]
# Documented on every route, so clients and the fuzzer know the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in [
        (400, "Bad request (a webhook's signature)"),
        (401, "Missing, invalid or expired token"),
        (404, "Not found, or not the caller's"),
        (409, "Conflicts with the current state"),
        (413, "Request body too large"),
        (422, "Invalid input; `details` names each field"),
        (503, "A service the API needs is unavailable or not configured"),
    ]
}
UNEXPECTED = "Something went wrong on our side; it has been logged. Try again in a moment."


def error_response(
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, details=details))
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _alex_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, AlexError)
    status = next((s for kind, s in STATUS_OF_ERROR if isinstance(error, kind)), 500)
    if status == 401:
        return error_response(
            401, error.code, error.message, headers={"WWW-Authenticate": "Bearer"}
        )
    if isinstance(error, DatabaseError) and not isinstance(error, ConstraintViolation):
        # The driver's message can quote SQL: log it, tell the caller only what to do.
        log.error("database error on %s %s: %s", request.method, request.url.path, error)
        return error_response(
            503,
            error.code,
            "The database is unavailable; try again in a moment.",
            headers={"Retry-After": "5"},
        )
    if status == 500:
        log.error("unmapped %s on %s %s: %s", error.code, request.method, request.url.path, error)
        return error_response(500, "internal_error", UNEXPECTED)
    if isinstance(error, InvalidInput):
        # The same details as a request FastAPI refused: one problem, its field named if known.
        problem = _problem(("body", error.field) if error.field else (), error.message, error.code)
        return error_response(status, error.code, error.message, [problem])
    return error_response(status, error.code, error.message)


def _problem(location: tuple[Any, ...], message: str, kind: str) -> dict[str, Any]:
    # ("body", "positions", 0, "symbol") -> field "positions.0.symbol"; the whole body -> "body".
    where = str(location[0]) if location else "body"
    # Invalid JSON is located by character offset, not by a field.
    parts = location[1:] if kind != "json_invalid" else ()
    field = ".".join(str(part) for part in parts) or where
    return {"field": field, "location": where, "message": message, "type": kind}


def _invalid_request(request: Request, error: Exception) -> JSONResponse:
    if isinstance(error, RequestValidationError):
        problems = [_problem(tuple(p["loc"]), p["msg"], p["type"]) for p in error.errors()]
    else:
        # A model built in a route from request data (a webhook's): its fields are the body's.
        assert isinstance(error, ValidationError)
        problems = [_problem(("body", *p["loc"]), p["msg"], p["type"]) for p in error.errors()]
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return error_response(422, "invalid_input", f"Invalid request: {summary}", problems)


def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
        error.status_code, "http_error"
    )
    return error_response(error.status_code, code, str(error.detail), headers=error.headers)


def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", UNEXPECTED)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AlexError, _alex_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(ValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
