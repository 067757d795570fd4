"""GET /api/usage: the caller's own model usage and cost per month, never another user's."""

from datetime import UTC, datetime
from decimal import Decimal

from fastapi.testclient import TestClient

from shared.db import Jobs
from shared.db.psycopg_driver import PsycopgDriver
from tests.api.conftest import Token, error_of
from tests.api.test_jobs import finished_job


def test_the_caller_sees_their_months_by_agent_and_nobody_elses(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    for user, cost in (("user_alice", "0.0123"), ("user_bob", "9.0000")):
        job = finished_job(pg, user)
        Jobs(pg).record_usage(
            user, job.id, "reporter", input_tokens=900, output_tokens=300, cost_usd=Decimal(cost)
        )

    response = client.get("/api/usage", headers=auth("user_alice"))

    assert response.status_code == 200
    (month,) = response.json()
    assert month["clerk_user_id"] == "user_alice"
    assert month["month"] == datetime.now(UTC).strftime("%Y-%m")
    assert (month["analyses"], month["cost_usd"]) == (1, 0.0123)
    assert month["by_agent"] == [
        {"agent": "reporter", "input_tokens": 900, "output_tokens": 300, "cost_usd": 0.0123}
    ]


def test_usage_needs_a_token_and_a_sane_window(client: TestClient, auth: Token) -> None:
    assert client.get("/api/usage").status_code == 401
    refused = client.get("/api/usage?months=0", headers=auth())
    assert refused.status_code == 422
    assert "months" in str(error_of(refused))
