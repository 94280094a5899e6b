"""SQL for bookings: RMS revisions, the booking row, and the read model the API shows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import class_row, dict_row
from psycopg.types.json import Jsonb

from activities.repo import sync as sync_repo
from domain.booking import BookingIn, BookingView, CheckView, Totals
from domain.pos import Commercials


async def insert_revision(conn: AsyncConnection, venue_id: str, booking_id: str, booking: BookingIn) -> int:
    cur = await conn.execute(
        """INSERT INTO rms_revisions (venue_id, booking_id, payload)
           VALUES (%(venue_id)s, %(booking_id)s, %(payload)s) RETURNING revision_id""",
        {
            "venue_id": venue_id,
            "booking_id": booking_id,
            "payload": Jsonb(booking.model_dump(mode="json", by_alias=True)),
        },
    )
    row = await cur.fetchone()
    assert row is not None
    return row[0]


async def get_revision(conn: AsyncConnection, revision_id: int) -> dict[str, Any] | None:
    cur = await conn.execute("SELECT payload FROM rms_revisions WHERE revision_id = %(id)s", {"id": revision_id})
    row = await cur.fetchone()
    return row[0] if row else None


@dataclass
class BookingRow:
    booking_id: str
    party_size: int | None
    status: str | None
    tables: list[str] | None
    date: int | None
    prepayment: Decimal | None
    contact: dict[str, Any] | None
    notes: str | None
    rms_checks: list[str]
    rms_revision_id: int | None


async def ensure_and_lock(conn: AsyncConnection, venue_id: str, booking_id: str) -> BookingRow:
    """The booking row (created empty if only the POS has mentioned it), locked for this transaction."""
    row = await _lock(conn, venue_id, booking_id)
    if row is None:  # first mention: create it, then lock it (one statement in the common case)
        await ensure(conn, venue_id, booking_id)
        row = await _lock(conn, venue_id, booking_id)
    assert row is not None
    return row


async def _lock(conn: AsyncConnection, venue_id: str, booking_id: str) -> BookingRow | None:
    async with conn.cursor(row_factory=class_row(BookingRow)) as cur:
        await cur.execute(
            """SELECT booking_id, party_size, status, tables, date, prepayment, contact, notes, rms_checks,
                      rms_revision_id
               FROM bookings WHERE venue_id = %(venue_id)s AND booking_id = %(booking_id)s FOR UPDATE""",
            {"venue_id": venue_id, "booking_id": booking_id},
        )
        return await cur.fetchone()


async def ensure(conn: AsyncConnection, venue_id: str, booking_id: str) -> None:
    await conn.execute(
        """INSERT INTO bookings (venue_id, booking_id) VALUES (%(venue_id)s, %(booking_id)s)
           ON CONFLICT DO NOTHING""",
        {"venue_id": venue_id, "booking_id": booking_id},
    )


async def update_from_rms(
    conn: AsyncConnection, venue_id: str, booking_id: str, revision_id: int, b: BookingIn
) -> None:
    await conn.execute(
        """UPDATE bookings SET party_size = %(party_size)s, status = %(status)s, tables = %(tables)s,
                  date = %(date)s, prepayment = %(prepayment)s, contact = %(contact)s, notes = %(notes)s,
                  rms_checks = %(rms_checks)s, rms_revision_id = %(revision_id)s, updated_at = now()
           WHERE venue_id = %(venue_id)s AND booking_id = %(booking_id)s""",
        {
            "venue_id": venue_id,
            "booking_id": booking_id,
            "revision_id": revision_id,
            "party_size": b.party_size,
            "status": b.status,
            "tables": b.tables,
            "date": b.date,
            "prepayment": b.prepayment,
            "contact": Jsonb(b.contact.model_dump(mode="json", by_alias=True)),
            "notes": b.notes,
            "rms_checks": b.checks if b.checks is not None else [],
        },
    )


async def set_revision(conn: AsyncConnection, venue_id: str, booking_id: str, revision_id: int) -> None:
    await conn.execute(
        "UPDATE bookings SET rms_revision_id = %(r)s WHERE venue_id = %(v)s AND booking_id = %(b)s",
        {"r": revision_id, "v": venue_id, "b": booking_id},
    )


async def rms_claimant(conn: AsyncConnection, venue_id: str, check_number: str) -> str | None:
    """A booking whose RMS `checks` list names this check."""
    cur = await conn.execute(
        """SELECT booking_id FROM bookings WHERE venue_id = %(venue_id)s AND %(check)s = ANY(rms_checks)
           ORDER BY updated_at DESC LIMIT 1""",
        {"venue_id": venue_id, "check": check_number},
    )
    row = await cur.fetchone()
    return row[0] if row else None


async def exists(conn: AsyncConnection, venue_id: str, booking_id: str) -> bool:
    cur = await conn.execute(
        "SELECT 1 FROM bookings WHERE venue_id = %(v)s AND booking_id = %(b)s", {"v": venue_id, "b": booking_id}
    )
    return await cur.fetchone() is not None


MONEY_COLUMNS = ("total_amount", "tax", "tip", "discount", "prepayment")


async def read_view(conn: AsyncConnection, venue_id: str, booking_id: str) -> BookingView | None:
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "SELECT * FROM bookings WHERE venue_id = %(v)s AND booking_id = %(b)s", {"v": venue_id, "b": booking_id}
        )
        booking = await cur.fetchone()
        if booking is None:
            return None
        await cur.execute(
            """SELECT * FROM checks WHERE venue_id = %(v)s AND booking_id = %(b)s
               ORDER BY opened_at NULLS LAST, check_number""",
            {"v": venue_id, "b": booking_id},
        )
        checks = await cur.fetchall()
    views = [
        CheckView(
            check_number=c["check_number"],
            status=c["status"],
            tables=c["tables"],
            party_size=c["party_size"],
            opened_at=c["opened_at"],
            updated_at=c["updated_at"],
            closed_at=c["closed_at"],
            voided_at=c["voided_at"],
            items=c["items"],
            link_source=c["link_source"],
            commercials=Commercials(**{f: c[f] for f in MONEY_COLUMNS}, payment_type=c["payment_type"]),
        )
        for c in checks
    ]
    live = [c for c in checks if c["status"] != "VOID"]
    # Exact sums over the non-voided checks (NUMERIC in, Decimal out).
    totals = Totals(
        **{f: sum((c[f] for c in live), Decimal(0)) for f in MONEY_COLUMNS},
        item_count=sum(c["item_count"] for c in live),
        check_count=len(live),
    )
    return BookingView(
        venue_id=venue_id,
        booking_id=booking_id,
        party_size=booking["party_size"],
        status=booking["status"],
        tables=booking["tables"],
        date=booking["date"],
        prepayment=booking["prepayment"],
        contact=booking["contact"],
        notes=booking["notes"],
        checks=views,
        totals=totals,
        sync=await sync_repo.read_view(conn, venue_id, booking_id),
    )
