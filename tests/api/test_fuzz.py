"""Schemathesis against /openapi.json with a valid token, on every operation: generated requests
that fit the schema and requests that break it, each answered as the schema says (status,
content type, body, headers), never with a server error, and every schema-violating request
refused. Bounded in examples per operation; the workflow is the real local one."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from local.api_server import local_app
from local.dev_issuer import DevIssuer
from local.workflow import LocalWorkflow, local_workflow
from shared.db.psycopg_driver import PsycopgDriver
from shared.settings import get_settings
from tests.api.conftest import SPA_ORIGIN, api_settings

EXAMPLES_PER_OPERATION = 30
SEQUENCES = 25
STEPS_PER_SEQUENCE = 8
# Every check but one: an allocation map's percentages must sum to 100 and a date be a real
# date, which JSON Schema cannot say, so data the schema admits may rightly be refused (422).
EXCLUDED_CHECKS = [positive_data_acceptance]


@pytest.fixture(scope="module")
def workflow(migrated_url: str) -> Iterator[LocalWorkflow]:
    with pytest.MonkeyPatch.context() as env:
        for name, value in {
            "ALEX_ENV": "local",
            "ALEX_MODEL": "offline",
            "DATABASE_URL": migrated_url,
        }.items():
            env.setenv(name, value)
        get_settings.cache_clear()
        db = PsycopgDriver(migrated_url)
        try:
            with local_workflow(db, migrated_url) as running:
                yield running
        finally:
            db.close()


@pytest.fixture
def fuzzed_app(
    pg: PsycopgDriver, issuer_dir: Any, migrated_url: str, workflow: LocalWorkflow
) -> FastAPI:
    settings = api_settings(
        issuer_dir,
        migrated_url,
        ANALYSIS_STATE_MACHINE_ARN=workflow.state_machine_arn,
        AWS_ENDPOINT_URL_STEPFUNCTIONS=workflow.endpoint_url,
    )
    return local_app(settings, db=pg)


def test_no_generated_request_gets_a_server_error_or_an_answer_off_the_schema(
    fuzzed_app: FastAPI, issuer: DevIssuer
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)
    headers = {"Authorization": f"Bearer {issuer.mint('user_fuzz', 'Fuzz', azp=SPA_ORIGIN)}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 17
    sent: dict[str, int] = {}

    # One hypothesis run per operation and mode (schemathesis' pytest plugin predates pytest 9).
    for operation in operations:
        for mode in GenerationMode:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case: Any) -> None:
                sent[case.operation.label] = sent.get(case.operation.label, 0) + 1
                case.call_and_validate(headers=headers, excluded_checks=EXCLUDED_CHECKS)

            try:
                fuzz()
            except Unsatisfiable:
                # Nothing to break: an operation without parameters or body has no negative case.
                assert mode is GenerationMode.NEGATIVE
    print(f"schemathesis: {len(operations)} operations, {sum(sent.values())} requests, 0 failures")


def test_no_sequence_of_linked_requests_gets_a_server_error_or_an_answer_off_the_schema(
    fuzzed_app: FastAPI, issuer: DevIssuer
) -> None:
    """Stateful: schemathesis links operations by the ids one returns and another takes (an
    account created, then read, changed, given positions, deleted; an analysis started, then
    read and redriven) and runs bounded random sequences of them, each answer checked."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)
    links = schema.apply_stateful_inference(None)
    assert links.selected >= 10, links
    token = issuer.mint("user_stateful", "Stateful", azp=SPA_ORIGIN)

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Bearer {token}"}}

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(
                response, excluded_checks=EXCLUDED_CHECKS, transport_kwargs=kwargs
            )

    Sequences.run(
        settings=settings(
            max_examples=SEQUENCES,
            stateful_step_count=STEPS_PER_SEQUENCE,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    print(f"schemathesis stateful: {links.selected} links, {SEQUENCES} sequences, 0 failures")
