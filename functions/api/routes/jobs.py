"""Analyses: start one, follow it, list past ones, retry a failed one from its failed step."""

import logging
from uuid import UUID

from fastapi import APIRouter, Response, status

from functions.api.deps import (
    CallerDep,
    ConfiguredWorkflowDep,
    DatabaseDep,
    SettingsDep,
    UserDep,
    Workflow,
    WorkflowDep,
)
from functions.api.models import AnalysisStarted, Cursor, JobSummary, Page, PageSize
from runtime.executions import (
    WorkflowUnavailable,
    is_stale,
    reconcile_job,
    redrive_job,
    start_analysis,
)
from shared.db import Database, Jobs
from shared.errors import Conflict, NothingToAnalyze
from shared.schemas import Job, JobCreate
from shared.settings import Settings

router = APIRouter(prefix="/api", tags=["analysis"])
log = logging.getLogger("alex.api")


@router.post(
    "/analyze",
    status_code=status.HTTP_202_ACCEPTED,
    responses={200: {"model": AnalysisStarted, "description": "The analysis already running"}},
)
def analyze(
    response: Response, user: UserDep, db: DatabaseDep, workflow: WorkflowDep
) -> AnalysisStarted:
    """Start an analysis and return its job at once; while one is pending or running, that one
    is returned instead (200) and nothing new starts. A portfolio with nothing valued (no
    accounts, or no cash and no priced holding) is refused (409 `nothing_to_analyze`), saying
    what to do."""
    jobs = Jobs(db)
    # Twice at most: the active job may finish between the conflict and the look-up.
    for _ in range(2):
        try:
            job = start_analysis(
                db, workflow.client, workflow.state_machine_arn, user.clerk_user_id, JobCreate()
            )
        except NothingToAnalyze:
            raise
        except Conflict:
            active = jobs.active(user.clerk_user_id)
            if active is not None:
                response.status_code = status.HTTP_200_OK
                return AnalysisStarted(job_id=active.id, status=active.status, started=False)
            continue
        return AnalysisStarted(job_id=job.id, status=job.status, started=True)
    raise Conflict("analyses are being started concurrently: try again")


@router.get("/jobs")
def list_jobs(
    caller: CallerDep,
    db: DatabaseDep,
    workflow: ConfiguredWorkflowDep,
    settings: SettingsDep,
    limit: PageSize = 20,
    cursor: Cursor = None,
) -> Page[JobSummary]:
    """The caller's analyses, most recent first, a page at a time."""
    page = Jobs(db).recent(caller.user_id, limit, cursor)
    # At most one of them is pending or running, so at most one is checked against its execution.
    return Page[JobSummary](
        items=[
            JobSummary.model_validate(_current(job, db, workflow, settings), from_attributes=True)
            for job in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.get("/jobs/{job_id}")
def get_job(
    job_id: UUID,
    caller: CallerDep,
    db: DatabaseDep,
    workflow: ConfiguredWorkflowDep,
    settings: SettingsDep,
) -> Job:
    """The job's status, per-step progress and results, as the SPA polls them; each step says
    what wrote its result (`generated_by`: a model, "offline" or "none") and any `notice`."""
    return _current(Jobs(db).get(caller.user_id, job_id), db, workflow, settings)


def _current(job: Job, db: Database, workflow: Workflow | None, settings: Settings) -> Job:
    """The job, first checked against its execution when it has been pending or running
    unchanged for so long (ALEX_STALE_JOB_AFTER) that its status event was more likely lost
    than its step slow. As it is when Step Functions cannot say: a read never fails for that."""
    if workflow is None or not is_stale(job, settings):
        return job
    try:
        recorded = reconcile_job(db, workflow.client, workflow.state_machine_arn, job)
    except WorkflowUnavailable as error:
        log.warning(
            "job %s of %s: not checked against its execution: %s", job.id, job.clerk_user_id, error
        )
        return job
    return recorded.job or job


@router.post("/jobs/{job_id}/redrive", status_code=status.HTTP_202_ACCEPTED)
def redrive(job_id: UUID, caller: CallerDep, db: DatabaseDep, workflow: WorkflowDep) -> Job:
    """Retry a failed job from the step that failed (Step Functions' RedriveExecution): only the
    failed branches run again. Poll the job: it becomes running, then completed."""
    return redrive_job(db, workflow.client, caller.user_id, job_id)
