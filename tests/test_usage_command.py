"""`alex usage`: the operator's view of model usage and cost per user and month."""

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from local.cli import main
from shared.db import Jobs
from shared.db.psycopg_driver import PsycopgDriver
from shared.settings import get_settings
from tests.api.test_jobs import finished_job


@pytest.fixture
def operator(pg: PsycopgDriver, migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The configured database, as with ALEX_ENV=aws (here a PostgreSQL URL, not the Data API)."""
    monkeypatch.setenv("ALEX_ENV", "aws")
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    get_settings.cache_clear()
    for user, agent, cost in (
        ("user_ann", "reporter", "0.0200"),
        ("user_ann", "tagger:NVDA", "0.0010"),
        ("user_bob", "charter", "1.5000"),
    ):
        job = finished_job(pg, user) if agent != "tagger:NVDA" else Jobs(pg).recent(user).items[0]
        Jobs(pg).record_usage(
            user, job.id, agent, input_tokens=1200, output_tokens=300, cost_usd=Decimal(cost)
        )


def test_every_users_month_is_listed_costliest_first_with_its_agents(operator: None) -> None:
    result = CliRunner().invoke(main, ["usage"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["month", "user", "analyses"]
    assert "user_bob" in lines[1] and lines[1].rstrip().endswith("1.5000")
    assert "user_ann" in lines[3] and lines[3].rstrip().endswith("0.0210")
    assert [line.split()[0] for line in lines[4:6]] == ["reporter", "tagger"]


def test_one_users_usage_as_json(operator: None) -> None:
    result = CliRunner().invoke(main, ["usage", "--user", "user_ann", "--json"])

    assert result.exit_code == 0, result.output
    (month,) = json.loads(result.output)
    assert month["clerk_user_id"] == "user_ann"
    assert {a["agent"]: a["cost_usd"] for a in month["by_agent"]} == {
        "reporter": 0.02,
        "tagger": 0.001,
    }
