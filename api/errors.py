"""Exception handlers: infrastructure outages become 503 (so Mozrest retries), anything else a bare 500.

Nothing here echoes a stack trace, a token or a payload to the caller.
"""

from __future__ import annotations

import logging

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout
from temporalio.service import RPCError, RPCStatusCode

log = logging.getLogger("api")

_TEMPORAL_OUTAGE = {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED}


def _unavailable(what: str) -> JSONResponse:
    return JSONResponse({"detail": f"{what} unavailable, retry later"}, status_code=503, headers={"Retry-After": "5"})


async def _database_down(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return _unavailable("database")


async def _temporal_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RPCError)
    log.warning("temporal error on %s %s: %s", request.method, request.url.path, exc.status.name)
    if exc.status in _TEMPORAL_OUTAGE:
        return _unavailable("workflow engine")
    return JSONResponse({"detail": "internal error"}, status_code=500)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "internal error"}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(psycopg.OperationalError, _database_down)
    app.add_exception_handler(PoolTimeout, _database_down)
    app.add_exception_handler(RPCError, _temporal_error)
    app.add_exception_handler(Exception, _unexpected)
