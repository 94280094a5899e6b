"""Annotated dependencies: a pooled connection (one transaction per request) and the workflow dispatcher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from psycopg import AsyncConnection

from api.dispatch import Dispatcher


async def _connection(request: Request) -> AsyncIterator[AsyncConnection]:
    # The pool's connection() context commits on success and rolls back on error: the request boundary.
    # scope="function" (below) commits before the response is sent, so a caller's next request sees the write.
    async with request.app.state.pool.connection() as conn:
        yield conn


# async: FastAPI runs a plain `def` dependency in a thread pool, which costs more than the lookup itself.
async def _dispatcher(request: Request) -> Dispatcher:
    return request.app.state.dispatcher


Conn = Annotated[AsyncConnection, Depends(_connection, scope="function")]
Dispatch = Annotated[Dispatcher, Depends(_dispatcher)]
