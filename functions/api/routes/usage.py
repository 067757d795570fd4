"""The caller's model usage and its estimated cost, month by month."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from functions.api.deps import CallerDep, DatabaseDep
from shared.db import Jobs
from shared.schemas import MonthlyUsage

router = APIRouter(prefix="/api/usage", tags=["usage"])


@router.get("")
def monthly_usage(
    caller: CallerDep,
    db: DatabaseDep,
    months: Annotated[int, Query(ge=1, le=24, description="How many months back.")] = 12,
) -> list[MonthlyUsage]:
    """The caller's analyses per month: tokens and estimated cost, by agent, newest first."""
    since = datetime.now(UTC) - timedelta(days=31 * months)
    return Jobs(db).monthly_usage(caller.user_id, since)
