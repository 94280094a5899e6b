"""SQL for the booking's story: POS deliveries with their outcome, RMS changes, links and unlinks."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from domain.booking import HistoryEntry


async def already_recorded(conn: AsyncConnection, dedup_key: str) -> list[str] | None:
    """None if this delivery is new; else the other bookings its first application touched."""
    cur = await conn.execute("SELECT touched FROM history WHERE dedup_key = %(k)s", {"k": dedup_key})
    row = await cur.fetchone()
    return None if row is None else list(row[0])


async def record(
    conn: AsyncConnection,
    *,
    venue_id: str,
    booking_id: str | None,
    kind: str,
    outcome: str,
    summary: str,
    dedup_key: str,
    check_number: str | None = None,
    payload: dict[str, Any] | None = None,
    touched: list[str] | None = None,
    at: Any = None,
) -> None:
    await conn.execute(
        """INSERT INTO history (venue_id, booking_id, check_number, kind, outcome, summary, payload, dedup_key,
                                touched, at)
           VALUES (%(venue_id)s, %(booking_id)s, %(check_number)s, %(kind)s, %(outcome)s, %(summary)s, %(payload)s,
                   %(dedup_key)s, %(touched)s, coalesce(%(at)s, now()))
           ON CONFLICT (dedup_key) DO NOTHING""",
        {
            "venue_id": venue_id,
            "booking_id": booking_id,
            "check_number": check_number,
            "kind": kind,
            "outcome": outcome,
            "summary": summary,
            "payload": Jsonb(payload) if payload is not None else None,
            "dedup_key": dedup_key,
            "touched": touched or [],
            "at": at,
        },
    )


async def for_booking(conn: AsyncConnection, venue_id: str, booking_id: str) -> list[HistoryEntry]:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            """SELECT at, kind, outcome, summary, check_number, payload FROM (
                   SELECT at, id, 0 AS source, kind, outcome, summary, check_number, payload FROM history
                   WHERE venue_id = %(v)s AND (booking_id = %(b)s
                         -- a check matched later: the events it received while no booking held it
                         OR (booking_id IS NULL AND kind = 'pos_event' AND check_number IN (
                             SELECT check_number FROM checks WHERE venue_id = %(v)s AND booking_id = %(b)s)))
                   UNION ALL
                   -- outbound attempts: the exact body sent, the answer, the time it took
                   SELECT at, id, 1, 'sync_attempt', outcome,
                          format('sync v%%s attempt %%s: %%s in %%s ms', version, attempt,
                                 coalesce(status_code::text, 'no answer'), duration_ms),
                          NULL,
                          jsonb_build_object('request', request_body::jsonb, 'statusCode', status_code,
                                             'durationMs', duration_ms, 'response', response_excerpt)
                   FROM sync_attempts WHERE venue_id = %(v)s AND booking_id = %(b)s
               ) AS story ORDER BY at, source, id""",
            {"v": venue_id, "b": booking_id},
        )
        rows = await cur.fetchall()
    return [HistoryEntry(**{**r, "at": r["at"].isoformat()}) for r in rows]
