"""Liveness, without authentication."""

from fastapi import APIRouter

from functions.api.models import Health

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> Health:
    return Health()
