"""Jobs through HTTP: one job with its progress and results, the history page by page, and
which jobs can be retried (the workflow itself runs in test_analysis.py)."""

from fastapi.testclient import TestClient

from shared.db import Jobs, Users
from shared.db.psycopg_driver import PsycopgDriver
from shared.schemas import Job, JobCreate, UserCreate
from tests.api.conftest import Token, error_of


def finished_job(pg: PsycopgDriver, user_id: str, status: str = "completed") -> Job:
    Users(pg).get_or_create(UserCreate(clerk_user_id=user_id))
    jobs = Jobs(pg)
    job = jobs.create(user_id, JobCreate())
    jobs.set_status(user_id, job.id, "running")
    if status == "failed":
        return jobs.set_status(user_id, job.id, "failed", error="Crash", cause="boom")
    jobs.store_payload(user_id, job.id, "summary", {"headline": "All good"})
    return jobs.set_status(user_id, job.id, "completed")


def test_a_job_shows_its_status_steps_and_results(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    job = finished_job(pg, "user_alice")
    response = client.get(f"/api/jobs/{job.id}", headers=auth())

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "completed"
    assert list(body["steps"]) == ["start", "tagging", "report", "charts", "retirement", "finalize"]
    assert body["summary_payload"] == {"headline": "All good"}


def test_a_job_says_on_each_step_what_wrote_its_result(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    job = finished_job(pg, "user_alice")
    jobs = Jobs(pg)
    chart = {"title": "Assets", "description": "Stocks.", "type": "pie", "data": []}
    jobs.store_payload("user_alice", job.id, "charts", {"asset_allocation": chart})
    jobs.record_provenance(
        "user_alice", job.id, "charts", generated_by="offline", notice="Written offline."
    )
    jobs.record_provenance("user_alice", job.id, "report", generated_by="bedrock/claude")

    body = client.get(f"/api/jobs/{job.id}", headers=auth()).json()

    assert body["charts_payload"] == {"asset_allocation": chart}
    provenance = {name: (s["generated_by"], s["notice"]) for name, s in body["steps"].items()}
    assert provenance == {
        "start": (None, None),
        "tagging": (None, None),
        "report": ("bedrock/claude", None),
        "charts": ("offline", "Written offline."),
        "retirement": (None, None),
        "finalize": (None, None),
    }


def test_jobs_are_listed_most_recent_first_a_page_at_a_time(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    made = [finished_job(pg, "user_alice") for _ in range(3)]

    first = client.get("/api/jobs", params={"limit": 2}, headers=auth()).json()
    assert [j["id"] for j in first["items"]] == [str(made[2].id), str(made[1].id)]
    assert "report_payload" not in first["items"][0]  # the history needs no full results
    params = {"limit": 2, "cursor": first["next_cursor"]}
    second = client.get("/api/jobs", params=params, headers=auth()).json()
    assert [j["id"] for j in second["items"]] == [str(made[0].id)]
    assert second["next_cursor"] is None


def test_only_a_failed_job_can_be_retried(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    completed = finished_job(pg, "user_alice")
    response = client.post(f"/api/jobs/{completed.id}/redrive", headers=auth())
    assert response.status_code == 409
    assert "only a failed job can be retried" in error_of(response)["message"]

    never_started = finished_job(pg, "user_alice", status="failed")
    response = client.post(f"/api/jobs/{never_started.id}/redrive", headers=auth())
    assert response.status_code == 409
    assert "start a new analysis instead" in error_of(response)["message"]


def test_a_page_size_out_of_range_is_refused_naming_the_parameter(
    client: TestClient, auth: Token
) -> None:
    response = client.get("/api/jobs", params={"limit": 1000}, headers=auth())
    assert response.status_code == 422
    assert error_of(response)["details"][0]["field"] == "limit"
    assert error_of(response)["details"][0]["location"] == "query"


def test_when_the_workflow_cannot_start_the_job_fails_with_the_reason(
    client: TestClient, auth: Token, pg: PsycopgDriver
) -> None:
    client.post(
        "/api/accounts",
        headers=auth(),
        json={"account_name": "Savings", "account_type": "taxable", "cash_balance": 1000},
    )
    response = client.post("/api/analyze", headers=auth())  # the workflow here is unreachable

    assert response.status_code == 503
    assert error_of(response)["code"] == "workflow_unavailable"
    (job,) = client.get("/api/jobs", headers=auth()).json()["items"]
    assert job["status"] == "failed"
    assert (
        "could not start the analysis workflow"
        in client.get(f"/api/jobs/{job['id']}", headers=auth()).json()["error_cause"]
    )
    # Nothing is left pending: the next click starts afresh (and fails the same way here).
    assert client.post("/api/analyze", headers=auth()).status_code == 503
