"""The psycopg 3 connection pool, shared by the API (lifespan) and the worker (start-up)."""

from __future__ import annotations

from psycopg_pool import AsyncConnectionPool


async def open_pool(
    database_url: str, *, wait: bool = True, min_size: int = 2, max_size: int = 10
) -> AsyncConnectionPool:
    pool = AsyncConnectionPool(
        database_url,
        min_size=min_size,
        max_size=max_size,
        open=False,
        # A request waiting this long for a connection gets 503 rather than hanging.
        timeout=5,
        # Reconnect quickly after a database restart.
        reconnect_timeout=3600,
    )
    await pool.open(wait=wait, timeout=30)
    return pool
