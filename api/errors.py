"""Exception handlers: infrastructure outages become 503 (so Mozrest retries), anything else a bare 500.

Nothing here echoes a stack trace, a token or a payload to the caller.
"""

from __future__ import annotations

import json
import logging

import psycopg
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from psycopg_pool import PoolTimeout
from temporalio.service import RPCError, RPCStatusCode

from api.dispatch import Overloaded

log = logging.getLogger("api")

_TEMPORAL_OUTAGE = {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED}


def _unavailable(what: str) -> JSONResponse:
    return JSONResponse({"detail": f"{what} unavailable, retry later"}, status_code=503, headers={"Retry-After": "5"})


async def _invalid_request(request: Request, exc: Exception) -> Response:
    # FastAPI's own handler echoes the input as UTF-8 and fails on a lone surrogate; ASCII JSON cannot fail.
    assert isinstance(exc, RequestValidationError)
    body = json.dumps({"detail": jsonable_encoder(exc.errors())}, ensure_ascii=True)
    return Response(body, status_code=422, media_type="application/json")


async def _database_down(request: Request, exc: Exception) -> JSONResponse:
    # %r: a path may hold %-decoded control characters; repr keeps each log record on one line.
    log.warning("database unavailable on %s %r: %s", request.method, request.url.path, type(exc).__name__)
    return _unavailable("database")


async def _temporal_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RPCError)
    log.warning("temporal error on %s %r: %s", request.method, request.url.path, exc.status.name)
    if exc.status in _TEMPORAL_OUTAGE:
        return _unavailable("workflow engine")
    return JSONResponse({"detail": "internal error"}, status_code=500)


async def _overloaded(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": "too many requests in flight, retry shortly"}, status_code=503, headers={"Retry-After": "1"}
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled %s on %s %r", type(exc).__name__, request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "internal error"}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(psycopg.OperationalError, _database_down)
    app.add_exception_handler(PoolTimeout, _database_down)
    app.add_exception_handler(RPCError, _temporal_error)
    app.add_exception_handler(Overloaded, _overloaded)
    app.add_exception_handler(Exception, _unexpected)
