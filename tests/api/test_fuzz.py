"""Schemathesis against /openapi.json with a valid token: generated requests, valid and not,
never get a server error."""

from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from local.dev_issuer import DevIssuer
from tests.api.conftest import SPA_ORIGIN

EXAMPLES_PER_OPERATION = 40
# Not `positive_data_acceptance`: the published schema admits any string for a Decimal (money,
# quantities), which the API rightly refuses with 422 when it is not a number.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_no_generated_request_gets_a_server_error(app: FastAPI, issuer: DevIssuer) -> None:
    # Starting an analysis takes no input to fuzz, and the workflow here is unreachable on
    # purpose (503); test_analysis.py runs it for real.
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).exclude(
        path="/api/analyze", method="POST"
    )
    headers = {"Authorization": f"Bearer {issuer.mint('user_fuzz', 'Fuzz', azp=SPA_ORIGIN)}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    # One hypothesis run per operation (schemathesis' pytest plugin predates pytest 9).
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        fuzz()
