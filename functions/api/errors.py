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
from starlette.routing import Match

from runtime.executions import WorkflowUnavailable
from shared.errors import (
    AlexError,
    Conflict,
    ConstraintViolation,
    DatabaseError,
    InvalidInput,
    NotFound,
    RefusedValue,
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
STORED_CONFLICT = "This change conflicts with what is already stored: reload, then try again."
REFUSED_VALUE = "A value in the request cannot be stored: check the values and try again."


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
    if isinstance(error, ConstraintViolation | RefusedValue):
        # PostgreSQL's own words, which name tables and constraints: logged, not sent. The
        # repositories turn the violations a user can cause into errors of their own.
        log.warning("the database refused %s %s: %s", request.method, request.url.path, error)
        if isinstance(error, ConstraintViolation):
            return error_response(409, error.code, STORED_CONFLICT)
        return error_response(422, error.code, REFUSED_VALUE, [_problem((), REFUSED_VALUE, "")])
    if isinstance(error, InvalidInput):
        # The same details as a request FastAPI refused: one problem, its field named if known.
        where = (error.location, error.field) if error.field else ()
        problem = _problem(where, error.message, error.code)
        return error_response(status, error.code, error.message, [problem])
    return error_response(status, error.code, error.message)


def _problem(location: tuple[Any, ...], message: str, kind: str) -> dict[str, Any]:
    # ("body", "positions", 0, "symbol") -> field "positions.0.symbol"; the whole body -> "body".
    where = str(location[0]) if location else "body"
    # Invalid JSON is located by character offset, not by a field.
    parts = location[1:] if kind != "json_invalid" else ()
    field = ".".join(str(part) for part in parts) or where
    return {"field": field, "location": where, "message": message, "type": kind}


# What a refused value is, in our words: the validation library's text names its own types
# ("Input should be a valid dictionary or instance of ...") and some quote its internals.
OUR_WORDS: dict[str, str] = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this request",
    "json_invalid": "is not valid JSON",
    "json_type": "must be JSON",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
    "list_type": "must be a list",
    "string_type": "must be text",
    "string_unicode": ("contains a lone surrogate character (an unpaired \\ud800-\\udfff escape)"),
    "string_too_short": "must have at least {min_length} character(s)",
    "string_too_long": "must have at most {max_length} characters",
    "string_pattern_mismatch": "is not in the expected form",
    "literal_error": "must be one of {expected}",
    "enum": "must be one of {expected}",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_parsing_size": "is too large a number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number (not NaN or Infinity)",
    "decimal_type": "must be a number",
    "decimal_parsing": "must be a finite number",
    "decimal_max_digits": "must have at most {max_digits} digits",
    "decimal_max_places": "must have at most {decimal_places} decimal places",
    "decimal_whole_digits": "must have at most {whole_digits} digits before the decimal point",
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} items",
    "uuid_type": "must be a UUID",
    "uuid_parsing": "must be a UUID",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "must be a date (YYYY-MM-DD), without a time",
    "datetime_type": "must be a date and time (ISO 8601)",
    "datetime_parsing": "must be a date and time (ISO 8601)",
}


def in_our_words(kind: str, context: Mapping[str, Any] | None) -> str:
    """What is wrong with a refused value; our validators' own messages (value_error) as they
    wrote them."""
    context = context or {}
    if kind in ("value_error", "assertion_error") and "error" in context:
        return str(context["error"])
    template = OUR_WORDS.get(kind)
    if template is None:
        return f"is not valid here ({kind})"
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template.split(" {", 1)[0]


def _invalid_request(request: Request, error: Exception) -> JSONResponse:
    if isinstance(error, RequestValidationError):
        located = [(tuple(p["loc"]), p) for p in error.errors()]
    else:
        # A model built in a route from request data (a webhook's): its fields are the body's.
        assert isinstance(error, ValidationError)
        located = [(("body", *p["loc"]), p) for p in error.errors()]
    problems = [
        _problem(location, in_our_words(p["type"], p.get("ctx")), p["type"])
        for location, p in located
    ]
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return error_response(422, "invalid_input", f"Invalid request: {summary}", problems)


def _allowed_methods(request: Request) -> str:
    """Every method some route answers on this path: Starlette's 405 names only the first
    route's, and FastAPI has one route per method."""
    routes = request.app.router.routes
    allowed = [
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL
               for route in routes)
    ]  # fmt: skip
    return ", ".join(allowed)


def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    if error.status_code == 405:
        error.headers = {**(error.headers or {}), "Allow": _allowed_methods(request)}
    if error.status_code == 400:
        # FastAPI's only 400: a body it cannot even decode (not UTF-8), which is invalid input
        # like any body that is not JSON.
        problem = _problem(("body",), "is not JSON text in UTF-8", "json_invalid")
        return error_response(
            422, "invalid_input", "Invalid request: body: is not JSON text in UTF-8", [problem]
        )
    code = {
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "payload_too_large",
    }.get(error.status_code, "http_error")
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
