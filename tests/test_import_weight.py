"""What the API will import stays light: no LiteLLM (2.5 s to import) and no Agents SDK."""

import subprocess
import sys

from shared.settings import PROJECT_ROOT


def test_data_and_analytics_modules_do_not_import_the_agent_stack() -> None:
    probe = (
        "import sys, shared.db, shared.schemas, shared.settings, shared.analytics, "
        "shared.portfolio; print(sorted({'litellm', 'agents', 'openai'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
