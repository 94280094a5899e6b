"""A message PostgreSQL refuses to store must not block the ones after it.

The API refuses what it can foresee (NUL, lone surrogates, absurd numbers); this is the net for the rest. A batch
runs in one transaction; only if PostgreSQL refuses data (DataError) is it run again with each message in its own
savepoint, and the refused ones are recorded as `rejected` in the history instead of being retried forever.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import psycopg
from psycopg import AsyncConnection

from activities.repo import history
from domain.messages import BookingMessage, LinkMessage, PosEventMessage, RmsRevisionMessage

T = TypeVar("T")

_KIND = {PosEventMessage: "pos_event", RmsRevisionMessage: "rms_change", LinkMessage: "link"}


async def each_isolated(
    conn: AsyncConnection, isolate: bool, apply: Callable[[], Awaitable[T]], refused: Callable[[str], Awaitable[T]]
) -> T:
    """apply(); with isolate, inside a savepoint, turning a DataError into refused(error class name)."""
    if not isolate:
        return await apply()
    try:
        async with conn.transaction():
            return await apply()
    except psycopg.DataError as exc:
        return await refused(type(exc).__name__)


async def record_rejected(
    conn: AsyncConnection, venue_id: str, booking_id: str | None, message: BookingMessage, error: str
) -> None:
    await history.record(
        conn,
        venue_id=venue_id,
        booking_id=booking_id,
        kind=_KIND.get(type(message), "pos_event"),
        outcome="rejected",
        summary=f"rejected: PostgreSQL cannot store it ({error})",
        dedup_key=getattr(message, "delivery_id", f"rejected:{id(message)}"),
        check_number=message.event.check_number if isinstance(message, PosEventMessage) else None,
    )
