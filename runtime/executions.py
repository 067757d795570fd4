"""Starting and redriving a job's analysis through Step Functions: the one code path of the API
and the CLI, against AWS or the local engine's endpoint alike."""

import json
from typing import Any
from uuid import UUID

from shared.db import Database, Jobs
from shared.errors import AlexError, Conflict
from shared.schemas import Job, JobCreate, StepInput


class WorkflowUnavailable(AlexError):
    """Step Functions could not be reached or refused the request."""

    code = "workflow_unavailable"


def start_analysis(
    db: Database, client: Any, state_machine_arn: str, user_id: str, request: JobCreate
) -> Job:
    """Create the user's job and start its execution, named by the job id.

    Conflict when the user already has an analysis pending or running. When Step Functions
    refuses or cannot be reached, the job is marked failed with the reason (never left pending)
    and WorkflowUnavailable says why.
    """
    jobs = Jobs(db)
    job = jobs.create(user_id, request)
    execution_input = StepInput(job_id=job.id, user_id=user_id).model_dump(mode="json")
    try:
        started = client.start_execution(
            stateMachineArn=state_machine_arn, name=str(job.id), input=json.dumps(execution_input)
        )
    except Exception as error:  # botocore's client and connection errors alike
        reason = f"could not start the analysis workflow: {error}"
        jobs.set_status(user_id, job.id, "failed", error=type(error).__name__, cause=reason)
        raise WorkflowUnavailable(reason) from error
    return jobs.set_execution(user_id, job.id, started["executionArn"])


def redrive_job(db: Database, client: Any, user_id: str, job_id: UUID) -> Job:
    """Redrive the failed job's execution from where it stopped (Step Functions'
    RedriveExecution); the job as it is afterwards.

    The job becomes running when the redriven execution reports it, through job-events, as
    after a redrive from the console. NotFound when the job is not the user's; Conflict when
    it has not failed or cannot be redriven.
    """
    jobs = Jobs(db)
    job = jobs.get(user_id, job_id)
    if job.status != "failed":
        raise Conflict(f"job {job_id} is {job.status}: only a failed job can be retried")
    if job.execution_arn is None:
        raise Conflict(
            f"job {job_id} failed before its workflow started ({job.error_cause}):"
            " start a new analysis instead"
        )
    try:
        client.redrive_execution(executionArn=job.execution_arn)
    except client.exceptions.ExecutionNotRedrivable as error:
        raise Conflict(f"job {job_id} cannot be retried: {_message(error)}") from error
    except Exception as error:
        raise WorkflowUnavailable(f"could not redrive job {job_id}: {error}") from error
    return jobs.get(user_id, job_id)


def _message(error: Any) -> str:
    return str(error.response.get("Error", {}).get("Message", error))
