"""What needs no model stays light: the API's modules and the job-lifecycle Lambdas import
neither LiteLLM (2.5 s) nor the Agents SDK (5 s)."""

import subprocess
import sys

import pytest

from shared.settings import PROJECT_ROOT


@pytest.mark.parametrize(
    "modules",
    [
        "shared.db, shared.schemas, shared.settings, shared.analytics, shared.portfolio",
        "functions.start_job.handler, functions.finalize_job.handler, functions.job_events.handler",
    ],
)
def test_modules_without_a_model_do_not_import_the_agent_stack(modules: str) -> None:
    probe = (
        f"import sys, {modules}; "
        "print(sorted({'litellm', 'agents', 'openai'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
