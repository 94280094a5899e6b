"""SQL for the outbound sync: the payload's current version, the sync state, and every attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from domain.booking import SyncView
from domain.messages import SyncInfo
from domain.payload import build_payload, payload_hash, sync_required


@dataclass
class PayloadNow:
    payload: dict[str, Any] | None  # None while only the POS knows the booking
    live_checks: int
    sync_required: bool  # as stored
    payload_hash: str | None  # as stored: the hash of the last version
    sync_version: int


async def payload_now(
    conn: AsyncConnection, venue_id: str, booking_id: str, live_checks: list[str] | None = None
) -> PayloadNow:
    """The payload we would send now. `live_checks`: the linked non-voided check numbers in payload order, when
    the caller has just read them (saves a query)."""
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            """SELECT party_size, status, tables, date, prepayment, contact, notes, rms_revision_id,
                      sync_required, payload_hash, sync_version
               FROM bookings WHERE venue_id = %(v)s AND booking_id = %(b)s""",
            {"v": venue_id, "b": booking_id},
        )
        b = await cur.fetchone()
        if live_checks is None:
            await cur.execute(
                """SELECT check_number FROM checks
                   WHERE venue_id = %(v)s AND booking_id = %(b)s AND status <> 'VOID'
                   ORDER BY opened_at NULLS LAST, check_number""",
                {"v": venue_id, "b": booking_id},
            )
            live_checks = [r["check_number"] for r in await cur.fetchall()]
    if b is None:
        return PayloadNow(None, len(live_checks), False, None, 0)
    payload = None
    if b["rms_revision_id"] is not None:
        payload = build_payload(
            venue_id,
            booking_id,
            party_size=b["party_size"],
            status=b["status"],
            tables=b["tables"] or [],
            date=b["date"],
            prepayment=b["prepayment"],
            contact=b["contact"],
            notes=b["notes"],
            checks=live_checks,
        )
    return PayloadNow(payload, len(live_checks), b["sync_required"], b["payload_hash"], b["sync_version"])


async def refresh_version(conn: AsyncConnection, venue_id: str, booking_id: str, live_checks: list[str]) -> SyncInfo:
    """After a batch: bump the payload version if what we would send changed; decide if it must be sent."""
    now = await payload_now(conn, venue_id, booking_id, live_checks)
    payload, version = now.payload, now.sync_version
    new_hash = payload_hash(payload) if payload is not None else None
    required = sync_required(
        now.sync_required, payload is not None, payload["status"] if payload else None, now.live_checks
    )
    if new_hash != now.payload_hash or required != now.sync_required:
        version += 1 if new_hash != now.payload_hash else 0
        await conn.execute(
            """UPDATE bookings SET sync_required = %(r)s, payload_hash = %(h)s, sync_version = %(n)s
               WHERE venue_id = %(v)s AND booking_id = %(b)s""",
            {"r": required, "h": new_hash, "n": version, "v": venue_id, "b": booking_id},
        )
    return SyncInfo(
        required=required, version=version, payload_hash=new_hash, checks=payload["checks"] if payload else []
    )


async def accepted_hash(conn: AsyncConnection, venue_id: str, booking_id: str) -> str | None:
    cur = await conn.execute(
        "SELECT accepted_hash FROM booking_sync WHERE venue_id = %(v)s AND booking_id = %(b)s",
        {"v": venue_id, "b": booking_id},
    )
    row = await cur.fetchone()
    return row[0] if row else None


@dataclass
class Attempt:
    venue_id: str
    booking_id: str
    version: int
    attempt: int
    request_body: str
    status_code: int | None
    duration_ms: int
    response_excerpt: str | None
    outcome: str  # accepted | retrying | rejected
    error: str | None
    payload_hash: str
    at: datetime


async def record_attempt(conn: AsyncConnection, a: Attempt, *, failed: bool = False) -> None:
    """Record one HTTP attempt and fold it into the booking's sync state (one transaction)."""
    params = {**a.__dict__, "failed": failed}
    await conn.execute(
        """INSERT INTO sync_attempts (venue_id, booking_id, at, version, attempt, request_body, status_code,
                                      duration_ms, response_excerpt, outcome)
           VALUES (%(venue_id)s, %(booking_id)s, %(at)s, %(version)s, %(attempt)s, %(request_body)s,
                   %(status_code)s, %(duration_ms)s, %(response_excerpt)s, %(outcome)s)""",
        params,
    )
    await conn.execute(
        """INSERT INTO booking_sync AS s (venue_id, booking_id, accepted_hash, accepted_version, failed_hash,
                                          last_attempt_at, last_success_at, last_status_code, last_error, attempts)
           VALUES (%(venue_id)s, %(booking_id)s,
                   CASE WHEN %(outcome)s = 'accepted' THEN %(payload_hash)s END,
                   CASE WHEN %(outcome)s = 'accepted' THEN %(version)s END,
                   CASE WHEN %(failed)s THEN %(payload_hash)s END,
                   %(at)s, CASE WHEN %(outcome)s = 'accepted' THEN %(at)s END, %(status_code)s, %(error)s, 1)
           ON CONFLICT (venue_id, booking_id) DO UPDATE SET
               accepted_hash = CASE WHEN %(outcome)s = 'accepted' THEN %(payload_hash)s ELSE s.accepted_hash END,
               accepted_version = CASE WHEN %(outcome)s = 'accepted' THEN %(version)s ELSE s.accepted_version END,
               failed_hash = CASE WHEN %(failed)s THEN %(payload_hash)s
                                  WHEN %(outcome)s = 'accepted' THEN NULL ELSE s.failed_hash END,
               last_attempt_at = %(at)s,
               last_success_at = CASE WHEN %(outcome)s = 'accepted' THEN %(at)s ELSE s.last_success_at END,
               last_status_code = %(status_code)s, last_error = %(error)s, attempts = s.attempts + 1""",
        params,
    )


async def mark_failed(
    conn: AsyncConnection, venue_id: str, booking_id: str, payload_hash_: str | None, error: str
) -> None:
    """Give up on the current payload (after SYNC_GIVE_UP_AFTER of transient failures)."""
    await conn.execute(
        """INSERT INTO booking_sync (venue_id, booking_id, failed_hash, last_error)
           VALUES (%(v)s, %(b)s, %(h)s, %(e)s)
           ON CONFLICT (venue_id, booking_id) DO UPDATE SET failed_hash = %(h)s, last_error = %(e)s""",
        {"v": venue_id, "b": booking_id, "h": payload_hash_, "e": error},
    )


_STATE_SQL = """CASE WHEN NOT b.sync_required THEN 'not_required'
                     WHEN s.accepted_hash IS NOT NULL AND s.accepted_hash = b.payload_hash THEN 'synced'
                     WHEN s.failed_hash IS NOT NULL AND s.failed_hash = b.payload_hash THEN 'failed'
                     ELSE 'pending' END"""


async def read_view(conn: AsyncConnection, venue_id: str, booking_id: str) -> SyncView:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            f"""SELECT {_STATE_SQL} AS state, s.last_attempt_at, s.last_success_at, s.last_status_code,
                       s.last_error, coalesce(s.attempts, 0) AS attempts
                FROM bookings b LEFT JOIN booking_sync s USING (venue_id, booking_id)
                WHERE b.venue_id = %(v)s AND b.booking_id = %(b)s""",
            {"v": venue_id, "b": booking_id},
        )
        row = await cur.fetchone()
    return SyncView(**row) if row else SyncView(state="not_required")


async def bookings_in_state(conn: AsyncConnection, venue_id: str, state: str | None) -> list[dict[str, Any]]:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            f"""SELECT * FROM (
                    SELECT b.booking_id, b.status, {_STATE_SQL} AS sync_state, s.last_attempt_at, s.last_status_code,
                           s.last_error
                    FROM bookings b LEFT JOIN booking_sync s USING (venue_id, booking_id)
                    WHERE b.venue_id = %(v)s) AS t
                WHERE %(state)s::text IS NULL OR sync_state = %(state)s
                ORDER BY booking_id""",
            {"v": venue_id, "state": state},
        )
        return await cur.fetchall()


@dataclass
class PushState:
    required: bool
    version: int
    accepted_hash: str | None
    failed_hash: str | None


async def push_state(conn: AsyncConnection, venue_id: str, booking_id: str) -> PushState:
    cur = await conn.execute(
        """SELECT b.sync_required, b.sync_version, s.accepted_hash, s.failed_hash
           FROM bookings b LEFT JOIN booking_sync s USING (venue_id, booking_id)
           WHERE b.venue_id = %(v)s AND b.booking_id = %(b)s""",
        {"v": venue_id, "b": booking_id},
    )
    row = await cur.fetchone()
    return PushState(*row) if row else PushState(False, 0, None, None)
