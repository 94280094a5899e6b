"""Putting a traffic plan into the stack through the API (as the RMS would), and waiting for it to settle."""

from __future__ import annotations

import asyncio
import time

import httpx
from psycopg import AsyncConnection

from bench.stack import RMS_TOKEN, Stack
from bench.traffic import Booking, Plan

# Synced: Mozrest holds the payload we would send now. With `since`, only bookings whose RMS change was applied
# after it count, so a booking still waiting for its change to be applied is not mistaken for a synced one.
SYNCED_SQL = """SELECT count(*) FROM bookings b JOIN booking_sync s USING (venue_id, booking_id)
                WHERE b.venue_id = ANY(%(venues)s) AND s.accepted_hash = b.payload_hash
                AND b.updated_at >= to_timestamp(%(since)s)"""


async def put_bookings(
    rms: httpx.AsyncClient, bookings: list[Booking], concurrency: int = 16, change: dict | None = None
) -> dict[str, float]:
    """PUT every booking (with `change` applied to its body); returns booking id -> wall time of the 202."""
    gate = asyncio.Semaphore(concurrency)
    acked: dict[str, float] = {}

    async def one(b: Booking) -> None:
        async with gate:
            r = await rms.put(f"/venue/{b.venue_id}/bookings/{b.booking_id}", json={**b.body(), **(change or {})})
            r.raise_for_status()
            acked[b.booking_id] = time.time()

    await asyncio.gather(*(one(b) for b in bookings))
    return acked


async def create(stack: Stack, plan: Plan) -> None:
    async with httpx.AsyncClient(
        base_url=stack.api_url, timeout=30, headers={"Authorization": f"Bearer {RMS_TOKEN}"}
    ) as rms:
        for venue_id, tables in plan.venues.items():
            (
                await rms.put(f"/venue/{venue_id}", json={"name": "Bench venue", "timezone": "Europe/London"})
            ).raise_for_status()
            body = [{"id": t, "name": f"{i:03d}"} for i, t in enumerate(tables, 1)]
            (await rms.put(f"/venue/{venue_id}/tables", json=body)).raise_for_status()
        await put_bookings(rms, plan.bookings)


async def synced_count(conn: AsyncConnection, venues: list[str], since: float = 0) -> int:
    cur = await conn.execute(SYNCED_SQL, {"venues": venues, "since": since})
    return (await cur.fetchone())[0]  # type: ignore[index]


async def wait_synced(
    conn: AsyncConnection, venues: list[str], expected: int, timeout: float, interval: float = 0.2, since: float = 0
) -> tuple[bool, int]:
    """Poll until `expected` bookings of these venues are synced (Mozrest holds the current payload)."""
    deadline = time.monotonic() + timeout
    while True:
        n = await synced_count(conn, venues, since)
        if n >= expected or time.monotonic() > deadline:
            return n >= expected, n
        await asyncio.sleep(interval)
