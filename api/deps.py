"""Annotated dependencies: a pooled connection (one transaction per request) and the Temporal client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from psycopg import AsyncConnection
from temporalio.client import Client

from config import Settings


async def _connection(request: Request) -> AsyncIterator[AsyncConnection]:
    # The pool's connection() context commits on success and rolls back on error: the request boundary.
    # scope="function" (below) commits before the response is sent, so a caller's next request sees the write.
    async with request.app.state.pool.connection() as conn:
        yield conn


# async: FastAPI runs a plain `def` dependency in a thread pool, which costs more than the lookup itself.
async def _temporal(request: Request) -> Client:
    return request.app.state.temporal


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


Conn = Annotated[AsyncConnection, Depends(_connection, scope="function")]
Temporal = Annotated[Client, Depends(_temporal)]
AppSettings = Annotated[Settings, Depends(_settings)]
