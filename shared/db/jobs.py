"""Analysis jobs: the row the SPA polls, updated by every state of the workflow.

Job and step statuses move along the lifecycles below; anything else is refused with
`InvalidTransition` and changes nothing. Repeating a job's status, or marking a succeeded step
succeeded again, is accepted and changes nothing, because retries and duplicate events repeat
writes.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from shared.db.base import Database, assignments
from shared.db.pages import Page, cursor_key, page_of
from shared.errors import Conflict, ConstraintViolation, InvalidTransition, NotFound
from shared.schemas import (
    STEP_NAMES,
    Job,
    JobCreate,
    JobStatus,
    MonthlyUsage,
    PayloadKind,
    StepName,
    StepState,
    StepStatus,
)

# failed -> running is a redrive.
JOB_MOVES: dict[JobStatus, set[JobStatus]] = {
    "pending": {"running", "failed"},
    "running": {"completed", "failed"},
    "failed": {"running"},
    "completed": set(),
}
# running -> running is another attempt (a retry); failed -> running a retry or a redrive;
# pending -> failed a state that failed before its function ran.
STEP_MOVES: dict[StepStatus, set[StepStatus]] = {
    "pending": {"running", "failed", "aborted"},
    "running": {"running", "succeeded", "failed", "aborted", "skipped"},
    "failed": {"running", "failed"},
    # An aborted Lambda may still finish (Step Functions only stops waiting for it).
    "aborted": {"running", "succeeded", "failed"},
    "succeeded": set(),
    "skipped": set(),
}
PAYLOAD_COLUMNS: dict[PayloadKind, str] = {
    "report": "report_payload",
    "charts": "charts_payload",
    "retirement": "retirement_payload",
    "summary": "summary_payload",
}


def _now() -> datetime:
    return datetime.now(UTC)


class Jobs:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, user_id: str, job: JobCreate) -> Job:
        """A pending job with every step pending; Conflict if the user already has one active."""
        steps = {name: StepState().model_dump(mode="json") for name in STEP_NAMES}
        try:
            row = self.db.fetch_one(
                "INSERT INTO jobs (clerk_user_id, job_type, request_payload, steps)"
                " VALUES (:user_id, :job_type, :request_payload, :steps) RETURNING *",
                {**job.model_dump(), "user_id": user_id, "steps": steps},
            )
        except ConstraintViolation as error:
            if error.constraint == "jobs_one_active_per_user":
                raise Conflict("an analysis is already pending or running") from error
            if error.constraint == "jobs_clerk_user_id_fkey":
                raise NotFound(f"user {user_id!r} does not exist") from error
            raise
        assert row is not None
        return Job.model_validate(row)

    def get(self, user_id: str, job_id: UUID) -> Job:
        return Job.model_validate(self._row(self.db, user_id, job_id))

    def active(self, user_id: str) -> Job | None:
        """The user's pending or running analysis, if any."""
        row = self.db.fetch_one(
            "SELECT * FROM jobs WHERE clerk_user_id = :user_id"
            " AND status IN ('pending', 'running') ORDER BY created_at DESC LIMIT 1",
            {"user_id": user_id},
        )
        return None if row is None else Job.model_validate(row)

    def recent(self, user_id: str, limit: int = 20, cursor: str | None = None) -> Page[Job]:
        """The user's jobs, most recent first, `limit` after `cursor`."""
        params: dict[str, object] = {"user_id": user_id, "limit": limit + 1}
        before = ""
        if cursor is not None:
            params["at"], params["id"] = cursor_key(cursor, datetime.fromisoformat, UUID)
            before = " AND (created_at, id) < (:at, :id)"
        rows = self.db.fetch_all(
            f"SELECT * FROM jobs WHERE clerk_user_id = :user_id{before}"
            " ORDER BY created_at DESC, id DESC LIMIT :limit",
            params,
        )
        jobs = [Job.model_validate(row) for row in rows]
        return page_of(jobs, limit, lambda job: (job.created_at.isoformat(), job.id))

    def monthly_usage(self, user_id: str | None, since: datetime) -> list[MonthlyUsage]:
        """Model usage and estimated cost per user and calendar month (UTC) of the analyses
        started since `since`, most recent month first, then the costliest user; with a
        `user_id`, that user's only (what the API shows), else every user's (the operator's)."""
        scope = {"user_id": user_id, "since": since}
        where = (
            "created_at >= :since AND (CAST(:user_id AS text) IS NULL OR clerk_user_id = :user_id)"
        )
        months = self.db.fetch_all(
            "SELECT clerk_user_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month,"
            " count(*) AS analyses, sum(input_tokens) AS input_tokens,"
            " sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd"
            f" FROM jobs WHERE {where} GROUP BY 1, 2 ORDER BY 2 DESC, 6 DESC, 1",
            scope,
        )
        # The tagger records one entry per symbol ("tagger:NVDA"): one agent all the same.
        agents = self.db.fetch_all(
            "SELECT clerk_user_id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month,"
            " split_part(entry.key, ':', 1) AS agent,"
            " sum((entry.value->>'input_tokens')::bigint) AS input_tokens,"
            " sum((entry.value->>'output_tokens')::bigint) AS output_tokens,"
            " sum((entry.value->>'cost_usd')::numeric) AS cost_usd"
            f" FROM jobs, jsonb_each(usage) AS entry WHERE {where}"
            " GROUP BY 1, 2, 3 ORDER BY 3",
            scope,
        )
        by_month: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for row in agents:
            by_month.setdefault((row["clerk_user_id"], row["month"]), []).append(row)
        return [
            MonthlyUsage.model_validate(
                {**month, "by_agent": by_month.get((month["clerk_user_id"], month["month"]), [])}
            )
            for month in months
        ]

    def stale(self, unchanged_since: datetime, limit: int) -> list[Job]:
        """Every user's pending or running jobs whose row has not changed since
        `unchanged_since`, the least recently changed first, at most `limit`.

        Not scoped to a user: for the operator's sweep of jobs whose status events were lost
        (functions/reconcile_jobs) only. What a user asks for goes through the scoped methods.
        """
        rows = self.db.fetch_all(
            "SELECT * FROM jobs WHERE status IN ('pending', 'running')"
            " AND updated_at <= :unchanged_since ORDER BY updated_at, id LIMIT :limit",
            {"unchanged_since": unchanged_since, "limit": limit},
        )
        return [Job.model_validate(row) for row in rows]

    def set_execution(self, user_id: str, job_id: UUID, execution_arn: str) -> Job:
        return self._update(user_id, job_id, {"execution_arn": execution_arn})

    def set_status(
        self,
        user_id: str,
        job_id: UUID,
        status: JobStatus,
        *,
        error: str | None = None,
        cause: str | None = None,
        failed_step: StepName | None = None,
    ) -> Job:
        """Move the job along its lifecycle, stamping when it started and ended.

        A failed job that runs again (a redrive) counts one more redrive and forgets its error.
        """
        with self.db.transaction() as tx:
            current = Job.model_validate(self._row(tx, user_id, job_id, lock=True))
            if status == current.status:
                return current
            if status not in JOB_MOVES[current.status]:
                raise InvalidTransition(
                    f"job {job_id} is {current.status} and cannot become {status}"
                )
            changes: dict[str, Any] = {"status": status}
            if status == "running":
                changes.update(error_message=None, error_cause=None, failed_step=None)
                changes["started_at"] = current.started_at or _now()
                changes["completed_at"] = None
                if current.status == "failed":
                    changes["redrive_count"] = current.redrive_count + 1
            elif status == "failed":
                changes.update(error_message=error, error_cause=cause, failed_step=failed_step)
                changes["completed_at"] = _now()
            elif status == "completed":
                changes["completed_at"] = _now()
            return self._update(user_id, job_id, changes, tx)

    def mark_step(
        self,
        user_id: str,
        job_id: UUID,
        step: StepName,
        status: StepStatus,
        *,
        error: str | None = None,
        total: int | None = None,
    ) -> Job:
        """Record a step starting (again), succeeding or failing, with its timestamps and error."""
        with self.db.transaction() as tx:
            current = Job.model_validate(self._row(tx, user_id, job_id, lock=True))
            state = current.steps[step]
            if status == state.status and status in ("succeeded", "skipped"):
                return current
            if status not in STEP_MOVES[state.status]:
                raise InvalidTransition(
                    f"step {step} of job {job_id} is {state.status} and cannot become {status}"
                )
            now = _now()
            if status == "running":
                state = state.model_copy(
                    update={
                        "status": status,
                        "attempts": state.attempts + 1,
                        "started_at": state.started_at or now,
                        "completed_at": None,
                        "error": None,
                    }
                )
            else:
                state = state.model_copy(
                    update={"status": status, "completed_at": now, "error": error}
                )
            if total is not None:
                state = state.model_copy(update={"total": total, "done": state.done or 0})
            return self._save_step(tx, current, step, state)

    def record_failed_call(self, user_id: str, job_id: UUID, step: StepName, error: str) -> Job:
        """Count a call of the step's function that failed before its work began (a fault
        injected on purpose, as a throttle or a crash): an attempt like any other, so a retried
        throttle counts. The step fails, unless it runs (a map's other items) or
        has ended (succeeded, skipped)."""
        with self.db.transaction() as tx:
            current = Job.model_validate(self._row(tx, user_id, job_id, lock=True))
            state = current.steps[step]
            if state.status in ("succeeded", "skipped"):
                return current
            changes: dict[str, Any] = {"attempts": state.attempts + 1, "error": error}
            if state.status != "running":
                now = _now()
                changes.update(
                    status="failed", started_at=state.started_at or now, completed_at=now
                )
            return self._save_step(tx, current, step, state.model_copy(update=changes))

    def finish_step_item(
        self, user_id: str, job_id: UUID, step: StepName, item: str, *, skipped: bool = False
    ) -> Job:
        """Count one item of a step as done (an instrument of the tagging map), or as finished
        without its work (`skipped`: no model to classify it).

        Finishing the same item again counts nothing. The step ends with its last item:
        succeeded, or skipped when any item was skipped (its notice says why).
        """
        with self.db.transaction() as tx:
            current = Job.model_validate(self._row(tx, user_id, job_id, lock=True))
            state = current.steps[step]
            if item in state.items:
                return current
            items = [*state.items, item]
            passed = [*state.skipped, item] if skipped else state.skipped
            changes: dict[str, Any] = {"items": items, "done": len(items), "skipped": passed}
            if state.total is not None and len(items) >= state.total:
                status = "skipped" if passed else "succeeded"
                changes.update(status=status, completed_at=_now(), error=None)
            return self._save_step(tx, current, step, state.model_copy(update=changes))

    def store_payload(
        self, user_id: str, job_id: UUID, kind: PayloadKind, payload: dict[str, Any]
    ) -> Job:
        """Store a step's result (report, charts, retirement projection or summary)."""
        return self._update(user_id, job_id, {PAYLOAD_COLUMNS[kind]: payload})

    def record_provenance(
        self,
        user_id: str,
        job_id: UUID,
        step: StepName,
        *,
        generated_by: str,
        notice: str | None = None,
    ) -> Job:
        """Record on the step what wrote its result ("offline", "none" or a model) and its notice.

        Recording again replaces both, so a step re-run by a retry is labelled by its last run.
        """
        with self.db.transaction() as tx:
            current = Job.model_validate(self._row(tx, user_id, job_id, lock=True))
            state = current.steps[step].model_copy(
                update={"generated_by": generated_by, "notice": notice}
            )
            return self._save_step(tx, current, step, state)

    def record_usage(
        self,
        user_id: str,
        job_id: UUID,
        agent: str,
        *,
        input_tokens: int,
        output_tokens: int,
        cost_usd: Decimal,
    ) -> Job:
        """Set one agent's token usage and cost; the job's totals are the sum over agents.

        Recording the same agent again replaces its figures, so a re-run never double counts.
        """
        with self.db.transaction() as tx:
            current = Job.model_validate(self._row(tx, user_id, job_id, lock=True))
            usage = {
                **current.usage,
                agent: {
                    "input_tokens": input_tokens,
                    "output_tokens": output_tokens,
                    "cost_usd": str(cost_usd),
                },
            }
            return self._update(
                user_id,
                job_id,
                {
                    "usage": usage,
                    "input_tokens": sum(u["input_tokens"] for u in usage.values()),
                    "output_tokens": sum(u["output_tokens"] for u in usage.values()),
                    "cost_usd": sum((Decimal(u["cost_usd"]) for u in usage.values()), Decimal()),
                },
                tx,
            )

    def _save_step(self, tx: Database, job: Job, step: StepName, state: StepState) -> Job:
        steps = {name: s.model_dump(mode="json") for name, s in job.steps.items()}
        steps[step] = state.model_dump(mode="json")
        return self._update(job.clerk_user_id, job.id, {"steps": steps}, tx)

    def _row(
        self, db: Database, user_id: str, job_id: UUID, *, lock: bool = False
    ) -> dict[str, Any]:
        row = db.fetch_one(
            "SELECT * FROM jobs WHERE id = :id AND clerk_user_id = :user_id"
            + (" FOR UPDATE" if lock else ""),
            {"id": job_id, "user_id": user_id},
        )
        if row is None:
            raise NotFound(f"job {job_id} does not exist")
        return row

    def _update(
        self, user_id: str, job_id: UUID, changes: dict[str, Any], db: Database | None = None
    ) -> Job:
        try:
            row = (db or self.db).fetch_one(
                f"UPDATE jobs SET {assignments(list(changes))}"
                " WHERE id = :id AND clerk_user_id = :user_id RETURNING *",
                {**changes, "id": job_id, "user_id": user_id},
            )
        except ConstraintViolation as error:
            if error.constraint == "jobs_one_active_per_user":
                raise Conflict("another analysis is already pending or running") from error
            raise
        if row is None:
            raise NotFound(f"job {job_id} does not exist")
        return Job.model_validate(row)
