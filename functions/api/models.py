"""Response bodies of the API's own (the stored models come from shared/schemas.py)."""

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, Field

from shared.db.pages import MAX_CURSOR_LENGTH, MAX_PAGE_SIZE
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


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: pass `next_cursor` as `cursor` for the next page."""

    items: list[T]
    next_cursor: str | None = Field(
        description="The `cursor` of the next page; null on the last page."
    )


# Every list route takes these: a bounded page, after the cursor of the page before.
PageSize = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"At most {MAX_PAGE_SIZE} items a page.")
]
Cursor = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=MAX_CURSOR_LENGTH,
        description="The `next_cursor` of the page before; none for the first page.",
    ),
]


class WebhookReceived(BaseModel):
    event: str
    handled: bool = Field(description="False for event types Alex does not act on.")
