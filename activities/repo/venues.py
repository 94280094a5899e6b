"""SQL for venues and their tables."""

from __future__ import annotations

from psycopg import AsyncConnection
from psycopg.rows import class_row

from domain.models import Venue, VenueTable


async def upsert_venue(conn: AsyncConnection, venue_id: str, name: str, timezone: str) -> Venue:
    async with conn.cursor(row_factory=class_row(Venue)) as cur:
        await cur.execute(
            """INSERT INTO venues (venue_id, name, timezone) VALUES (%(venue_id)s, %(name)s, %(timezone)s)
               ON CONFLICT (venue_id) DO UPDATE
                   SET name = EXCLUDED.name, timezone = EXCLUDED.timezone, updated_at = now()
               RETURNING venue_id, name, timezone""",
            {"venue_id": venue_id, "name": name, "timezone": timezone},
        )
        row = await cur.fetchone()
    assert row is not None
    return row


async def venue_exists(conn: AsyncConnection, venue_id: str) -> bool:
    cur = await conn.execute("SELECT 1 FROM venues WHERE venue_id = %(venue_id)s", {"venue_id": venue_id})
    return await cur.fetchone() is not None


async def lock_venue(conn: AsyncConnection, venue_id: str) -> bool:
    """Lock the venue row for this transaction (serialises table replacement); False if it does not exist."""
    cur = await conn.execute("SELECT 1 FROM venues WHERE venue_id = %(venue_id)s FOR UPDATE", {"venue_id": venue_id})
    return await cur.fetchone() is not None


async def replace_tables(conn: AsyncConnection, venue_id: str, tables: list[VenueTable]) -> None:
    """Replace the venue's tables, keeping the given order. Call inside a transaction holding lock_venue."""
    await conn.execute("DELETE FROM venue_tables WHERE venue_id = %(venue_id)s", {"venue_id": venue_id})
    if tables:
        async with conn.cursor() as cur:
            await cur.executemany(
                """INSERT INTO venue_tables (venue_id, table_id, name, position)
                   VALUES (%(venue_id)s, %(table_id)s, %(name)s, %(position)s)""",
                [{"venue_id": venue_id, "table_id": t.id, "name": t.name, "position": i} for i, t in enumerate(tables)],
            )


async def list_tables(conn: AsyncConnection, venue_id: str) -> list[VenueTable]:
    async with conn.cursor(row_factory=class_row(VenueTable)) as cur:
        await cur.execute(
            """SELECT table_id AS id, name FROM venue_tables
               WHERE venue_id = %(venue_id)s ORDER BY position""",
            {"venue_id": venue_id},
        )
        return await cur.fetchall()


async def unknown_table_ids(conn: AsyncConnection, venue_id: str, table_ids: list[str]) -> list[str]:
    """The ids in table_ids that are not among the venue's tables, in the order given."""
    if not table_ids:
        return []
    cur = await conn.execute(
        "SELECT table_id FROM venue_tables WHERE venue_id = %(venue_id)s AND table_id = ANY(%(ids)s)",
        {"venue_id": venue_id, "ids": table_ids},
    )
    known = {row[0] for row in await cur.fetchall()}
    return [t for t in table_ids if t not in known]
