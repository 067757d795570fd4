"""Instruments for symbol autocomplete (reference data, the same for every user)."""

from typing import Annotated

from fastapi import APIRouter, Query

from functions.api.deps import CallerDep, DatabaseDep
from shared.db import Instruments
from shared.schemas import Instrument, SearchText

router = APIRouter(prefix="/api/instruments", tags=["instruments"])


@router.get("")
def search_instruments(
    caller: CallerDep,
    db: DatabaseDep,
    q: Annotated[
        SearchText, Query(max_length=100, description="Symbol prefix or part of a name.")
    ] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[Instrument]:
    """Symbols starting with `q` first, then names containing it; every instrument without `q`."""
    return Instruments(db).search(q, limit)
