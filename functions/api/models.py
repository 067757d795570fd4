"""Response bodies of the API's own (the stored models come from shared/schemas.py)."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field

from shared.schemas import JobStatus, JobType, JsonNumber, StepName


class Health(BaseModel):
    status: str = "ok"


class AnalysisStarted(BaseModel):
    job_id: UUID
    status: JobStatus
    started: bool = Field(
        description="False when the caller already had an analysis pending or running: this is it."
    )


class JobSummary(BaseModel):
    """A job as the history lists it: status and summary, without the full results."""

    id: UUID
    job_type: JobType
    status: JobStatus
    failed_step: StepName | None
    error_message: str | None
    summary_payload: dict[str, Any] | None
    redrive_count: int
    cost_usd: Annotated[float, JsonNumber]
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None


class JobPage(BaseModel):
    items: list[JobSummary]
    limit: int
    offset: int
    next_offset: int | None = Field(description="The offset of the next page; null on the last.")


class WebhookReceived(BaseModel):
    event: str
    handled: bool = Field(description="False for event types Alex does not act on.")
