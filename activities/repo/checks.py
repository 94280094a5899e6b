"""SQL for POS checks: their state (one row per venue and check number), links, and matching candidates."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import AsyncConnection
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from domain.booking import CheckSummary
from domain.check_rules import Rank
from domain.matching import Candidate
from domain.pos import PosOrderEvent


@dataclass
class CheckRow:
    check_number: str
    booking_id: str | None
    link_source: str | None
    manual_unlinked: bool
    status: str
    tables: list[str]
    opened_at: int | None
    updated_at: int
    rank_void: bool
    rank_fingerprint: str

    @property
    def rank(self) -> Rank:
        return Rank(self.updated_at, self.rank_void, self.rank_fingerprint)


_COLUMNS = """check_number, booking_id, link_source, manual_unlinked, status, tables, opened_at, updated_at,
              rank_void, rank_fingerprint"""


_MATCHING_LOCK_NS = 0x6D617463  # "matc": pg_advisory_xact_lock(namespace, hashtext(venue_id))


async def lock_venue_matching(conn: AsyncConnection, venue_id: str) -> None:
    """Serialise the venue's matching decisions until commit. Without it, a check inserted by one transaction and
    a booking seated (or claiming the check) in another each miss the other's uncommitted row, and the check stays
    unlinked for good. Take it after writing your own side and before reading the other side."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(%(ns)s, hashtext(%(venue_id)s))", {"ns": _MATCHING_LOCK_NS, "venue_id": venue_id}
    )


async def lock_many(conn: AsyncConnection, venue_id: str, check_numbers: list[str]) -> dict[str, CheckRow]:
    """Lock the existing rows in a stable order (no deadlocks between batches), return them by number."""
    if not check_numbers:
        return {}
    async with conn.cursor(row_factory=class_row(CheckRow)) as cur:
        await cur.execute(
            f"""SELECT {_COLUMNS} FROM checks WHERE venue_id = %(venue_id)s AND check_number = ANY(%(numbers)s)
                ORDER BY check_number FOR UPDATE""",
            {"venue_id": venue_id, "numbers": sorted(set(check_numbers))},
        )
        return {row.check_number: row for row in await cur.fetchall()}


async def get(conn: AsyncConnection, venue_id: str, check_number: str, *, lock: bool = False) -> CheckRow | None:
    async with conn.cursor(row_factory=class_row(CheckRow)) as cur:
        await cur.execute(
            f"SELECT {_COLUMNS} FROM checks WHERE venue_id = %(venue_id)s AND check_number = %(check_number)s"
            + (" FOR UPDATE" if lock else ""),
            {"venue_id": venue_id, "check_number": check_number},
        )
        return await cur.fetchone()


async def write_state(conn: AsyncConnection, event: PosOrderEvent, rank: Rank) -> CheckRow | None:
    """Insert or overwrite the check's POS state from an event already judged newer. Links are untouched.

    The overwrite is guarded by the rank too: a check first seen by two transactions at once (its row did not
    exist, so neither could lock it) keeps the newer state. Returns the row written (links included), or None when
    the row already held an equal or newer state."""
    c = event.commercials
    async with conn.cursor(row_factory=class_row(CheckRow)) as cur:
        await cur.execute(
            """INSERT INTO checks (venue_id, check_number, status, party_size, tables, date, opened_at, updated_at,
                                   closed_at, voided_at, total_amount, tax, tip, discount, prepayment, payment_type,
                                   items, item_count, rank_void, rank_fingerprint)
               VALUES (%(venue_id)s, %(check_number)s, %(status)s, %(party_size)s, %(tables)s, %(date)s, %(opened_at)s,
                       %(updated_at)s, %(closed_at)s, %(voided_at)s, %(total_amount)s, %(tax)s, %(tip)s, %(discount)s,
                       %(prepayment)s, %(payment_type)s, %(items)s, %(item_count)s, %(rank_void)s, %(fingerprint)s)
               ON CONFLICT (venue_id, check_number) DO UPDATE SET
                   status = EXCLUDED.status, party_size = EXCLUDED.party_size, tables = EXCLUDED.tables,
                   date = EXCLUDED.date, opened_at = EXCLUDED.opened_at, updated_at = EXCLUDED.updated_at,
                   closed_at = EXCLUDED.closed_at, voided_at = EXCLUDED.voided_at,
                   total_amount = EXCLUDED.total_amount, tax = EXCLUDED.tax, tip = EXCLUDED.tip,
                   discount = EXCLUDED.discount, prepayment = EXCLUDED.prepayment,
                   payment_type = EXCLUDED.payment_type, items = EXCLUDED.items, item_count = EXCLUDED.item_count,
                   rank_void = EXCLUDED.rank_void, rank_fingerprint = EXCLUDED.rank_fingerprint
               WHERE (checks.updated_at, checks.rank_void, checks.rank_fingerprint COLLATE "C")
                   < (EXCLUDED.updated_at, EXCLUDED.rank_void, EXCLUDED.rank_fingerprint COLLATE "C")
               RETURNING """
            + _COLUMNS,
            {
                "venue_id": event.venue_id,
                "check_number": event.check_number,
                "status": "VOID" if event.is_void else event.status,
                "party_size": event.party_size,
                "tables": event.tables,
                "date": event.date,
                "opened_at": event.opened_at,
                "updated_at": event.updated_at,
                "closed_at": event.closed_at,
                "voided_at": event.voided_at,
                "total_amount": c.total_amount,
                "tax": c.tax,
                "tip": c.tip,
                "discount": c.discount,
                "prepayment": c.prepayment,
                "payment_type": c.payment_type,
                "items": Jsonb([i.model_dump(mode="json", by_alias=True) for i in event.items]),
                "item_count": sum(i.quantity for i in event.items),
                "rank_void": rank.is_void,
                "fingerprint": rank.fingerprint,
            },
        )
        return await cur.fetchone()


async def set_link(
    conn: AsyncConnection,
    venue_id: str,
    check_number: str,
    booking_id: str | None,
    source: str | None,
    *,
    manual_unlinked: bool = False,
) -> None:
    await conn.execute(
        """UPDATE checks
           SET booking_id = %(booking_id)s, link_source = %(source)s, manual_unlinked = %(manual_unlinked)s
           WHERE venue_id = %(venue_id)s AND check_number = %(check_number)s""",
        {
            "venue_id": venue_id,
            "check_number": check_number,
            "booking_id": booking_id,
            "source": source,
            "manual_unlinked": manual_unlinked,
        },
    )


async def linked_numbers(conn: AsyncConnection, venue_id: str, booking_id: str) -> list[tuple[str, str, str | None]]:
    """(check_number, status, link_source) of the booking's checks, ordered by openedAt then number."""
    cur = await conn.execute(
        """SELECT check_number, status, link_source FROM checks
           WHERE venue_id = %(venue_id)s AND booking_id = %(booking_id)s
           ORDER BY opened_at NULLS LAST, check_number""",
        {"venue_id": venue_id, "booking_id": booking_id},
    )
    return await cur.fetchall()


async def unlinked_near(
    conn: AsyncConnection, venue_id: str, tables: list[str], date: int, before: int, after: int
) -> list[CheckRow]:
    """Unlinked checks that share a table with a booking at `date` and opened within the window, locked."""
    async with conn.cursor(row_factory=class_row(CheckRow)) as cur:
        await cur.execute(
            f"""SELECT {_COLUMNS} FROM checks
                WHERE venue_id = %(venue_id)s AND booking_id IS NULL AND NOT manual_unlinked
                  AND tables && %(tables)s AND opened_at BETWEEN %(date)s - %(after)s AND %(date)s + %(before)s
                ORDER BY check_number FOR UPDATE""",
            {"venue_id": venue_id, "tables": tables, "date": date, "before": before, "after": after},
        )
        return await cur.fetchall()


async def seated_candidates(
    conn: AsyncConnection, venue_id: str, tables: list[str], opened_at: int, before: int, after: int
) -> list[Candidate]:
    cur = await conn.execute(
        """SELECT booking_id, status, date, tables FROM bookings
           WHERE venue_id = %(venue_id)s AND status = 'seated' AND tables && %(tables)s
             AND date BETWEEN %(opened_at)s - %(before)s AND %(opened_at)s + %(after)s""",
        {"venue_id": venue_id, "tables": tables, "opened_at": opened_at, "before": before, "after": after},
    )
    return [Candidate(*row) for row in await cur.fetchall()]


async def list_by_link(conn: AsyncConnection, venue_id: str, linked: bool | None) -> list[CheckSummary]:
    condition = {None: "", True: "AND booking_id IS NOT NULL", False: "AND booking_id IS NULL"}[linked]
    async with conn.cursor(row_factory=class_row(CheckSummary)) as cur:
        await cur.execute(
            f"""SELECT check_number, booking_id, link_source, status, tables, party_size, opened_at, updated_at,
                       total_amount FROM checks
                WHERE venue_id = %(venue_id)s {condition} ORDER BY opened_at NULLS LAST, check_number""",
            {"venue_id": venue_id},
        )
        return await cur.fetchall()
