"""One handler style for every Lambda (runtime.handlers.Powertools): Logger with the Lambda
context (and the job and user ids) on every line, Metrics, Tracer."""

import importlib
import io
import json
from typing import Any

import pytest

from runtime.handlers import Powertools
from shared.db.psycopg_driver import PsycopgDriver
from shared.db.seed import TEST_USER_ID
from shared.schemas import Job
from tests.support.lambda_context import lambda_context
from tests.support.templates import resources


@pytest.mark.usefixtures("offline_lambda_env")
def test_every_function_deployed_is_a_powertools_handler_of_its_service(
    templates: dict[str, dict[str, Any]],
) -> None:
    functions = [
        function["Properties"]
        for template in templates.values()
        for function in resources(template, "AWS::Lambda::Function").values()
        if function["Properties"].get("Handler", "").startswith("functions.")
    ]
    assert len(functions) >= 10
    for function in functions:
        module, _, name = function["Handler"].rpartition(".")
        handler = getattr(importlib.import_module(module), name)
        tools = getattr(handler, "powertools", None)
        assert isinstance(tools, Powertools), function["Handler"]
        service = function["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
        assert tools.logger.service == service, function["Handler"]
        assert function["TracingConfig"] == {"Mode": "Active"}, function["Handler"]


@pytest.mark.usefixtures("offline_lambda_env")
def test_a_steps_every_log_line_carries_the_lambda_context_and_the_job(
    seeded: PsycopgDriver, job: Job
) -> None:
    from functions.start_job.handler import handler

    logged = io.StringIO()
    stream = handler.powertools.logger.registered_handler.setStream(logged)
    try:
        handler({"job_id": str(job.id), "user_id": TEST_USER_ID}, lambda_context("StartJob"))
    finally:
        handler.powertools.logger.registered_handler.setStream(stream)

    lines = [json.loads(line) for line in logged.getvalue().splitlines()]
    assert lines, "the handler logged nothing"
    for line in lines:
        assert line["function_name"] == "StartJob", line
        assert line["function_request_id"] and "cold_start" in line, line
        assert (line["job_id"], line["user_id"]) == (str(job.id), TEST_USER_ID), line
