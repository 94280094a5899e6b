"""Liveness and readiness (no auth): /readyz says which dependency does not answer."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    postgres: str
    temporal: str


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    return Health(status="ok")


async def _postgres_ok(request: Request) -> bool:
    try:
        async with request.app.state.pool.connection(timeout=2) as conn:
            await conn.execute("SELECT 1")
        return True
    except Exception:
        return False


async def _temporal_ok(request: Request) -> bool:
    try:
        return await asyncio.wait_for(request.app.state.temporal.service_client.check_health(), timeout=2)
    except Exception:
        return False


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "PostgreSQL or Temporal does not answer"}},
)
async def readyz(request: Request) -> JSONResponse:
    pg, temporal = await asyncio.gather(_postgres_ok(request), _temporal_ok(request))
    body = Readiness(
        status="ready" if pg and temporal else "unavailable",
        postgres="ok" if pg else "unavailable",
        temporal="ok" if temporal else "unavailable",
    )
    return JSONResponse(body.model_dump(), status_code=200 if pg and temporal else 503)
