"""Applying POS events and links to checks inside one transaction: the check rules made durable.

Every function here runs in the caller's transaction, with the booking row (if any) and the check rows
already locked, so concurrent workflows touching the same check serialise on PostgreSQL row locks.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import AsyncConnection

from activities.repo import bookings, checks, history
from domain.check_rules import classify, rank_of, summarize_event
from domain.matching import Window, best_booking
from domain.messages import PosEventMessage


@dataclass
class LinkChange:
    check_number: str
    old: str | None
    new: str | None
    source: str | None


async def record_link_change(conn: AsyncConnection, venue_id: str, change: LinkChange, key: str) -> None:
    if change.old == change.new:
        return
    if change.old is not None:
        await history.record(
            conn,
            venue_id=venue_id,
            booking_id=change.old,
            kind="unlink",
            outcome="applied",
            summary=f"check {change.check_number} unlinked"
            + (f" (moved to booking {change.new})" if change.new else ""),
            dedup_key=f"{key}:unlink:{change.check_number}",
            check_number=change.check_number,
        )
    if change.new is not None:
        await history.record(
            conn,
            venue_id=venue_id,
            booking_id=change.new,
            kind="link",
            outcome="applied",
            summary=f"check {change.check_number} linked ({change.source})",
            check_number=change.check_number,
            dedup_key=f"{key}:link:{change.check_number}",
        )


async def relink(
    conn: AsyncConnection,
    venue_id: str,
    row: checks.CheckRow,
    new: str | None,
    source: str | None,
    key: str,
    *,
    manual_unlinked: bool = False,
) -> LinkChange:
    change = LinkChange(row.check_number, row.booking_id, new, source)
    await checks.set_link(conn, venue_id, row.check_number, new, source, manual_unlinked=manual_unlinked)
    if new is not None:
        await bookings.ensure(conn, venue_id, new)
    await record_link_change(conn, venue_id, change, key)
    row.booking_id, row.link_source, row.manual_unlinked = new, source, manual_unlinked
    return change


async def find_home(
    conn: AsyncConnection, venue_id: str, row: checks.CheckRow, window: Window
) -> tuple[str, str] | None:
    """Where an unlinked check belongs: a booking whose RMS `checks` names it, else the table match."""
    await checks.lock_venue_matching(conn, venue_id)
    claimant = await bookings.rms_claimant(conn, venue_id, row.check_number)
    if claimant is not None:
        return claimant, "rms"
    if row.manual_unlinked or row.opened_at is None:
        return None
    candidates = await checks.seated_candidates(
        conn, venue_id, row.tables, row.opened_at, window.before_seconds, window.after_seconds
    )
    found = best_booking(row.tables, row.opened_at, candidates, window)
    return (found, "table_match") if found else None


async def apply_pos_event(
    conn: AsyncConnection, message: PosEventMessage, window: Window, *, ensured_booking: str | None = None
) -> set[str]:
    """Apply one delivery to its check (state by POS order; link by bookingId, RMS claim or table match).

    Returns the bookings whose checks or totals it touched. A delivery seen before is a no-op that returns
    what it touched the first time, so an activity retry notifies the same bookings. `ensured_booking`: a booking
    row the caller already holds (no need to create it again).
    """
    event = message.event
    venue_id = event.venue_id
    prior = await history.already_recorded(conn, message.delivery_id)
    if prior is not None:
        return set(prior)
    rank = rank_of(event)
    row = await checks.get(conn, venue_id, event.check_number, lock=True)
    outcome = classify(row.rank if row else None, rank)
    if outcome == "applied":
        written = await checks.write_state(conn, event, rank)
        if written is None:
            # The check did not exist when we looked, and a concurrent transaction created it with a newer state.
            row = await checks.get(conn, venue_id, event.check_number, lock=True)
            outcome = classify(row.rank if row else None, rank)
        else:
            row = written
    if row is None:  # a stale event for a check we have never seen cannot happen: the first event applies
        raise RuntimeError("check row missing after apply")
    old = row.booking_id
    if event.booking_id is not None and event.booking_id != ensured_booking:
        await bookings.ensure(conn, venue_id, event.booking_id)
    if (
        event.booking_id
        and event.booking_id != old
        and row.link_source != "manual"
        and (outcome == "applied" or old is None)
    ):
        await relink(conn, venue_id, row, event.booking_id, "pos", message.delivery_id)
    elif row.booking_id is None:
        home = await find_home(conn, venue_id, row, window)
        if home is not None:
            await relink(conn, venue_id, row, home[0], home[1], message.delivery_id)
    touched = sorted({b for b in (old, row.booking_id) if b is not None})
    await history.record(
        conn,
        venue_id=venue_id,
        booking_id=row.booking_id,
        kind="pos_event",
        outcome=outcome,
        summary=summarize_event(event),
        dedup_key=message.delivery_id,
        check_number=event.check_number,
        payload=event.model_dump(mode="json", by_alias=True),
        touched=touched,
        at=message.received_at,
    )
    return set(touched)


async def match_unlinked_to_booking(
    conn: AsyncConnection, venue_id: str, booking: bookings.BookingRow, window: Window, key: str
) -> set[str]:
    """The booking became seated or changed tables/date: link the unlinked checks that now belong to it."""
    if booking.status != "seated" or not booking.tables or booking.date is None:
        return set()
    await checks.lock_venue_matching(conn, venue_id)
    nearby = await checks.unlinked_near(
        conn, venue_id, booking.tables, booking.date, window.before_seconds, window.after_seconds
    )
    linked: set[str] = set()
    for row in nearby:
        home = await find_home(conn, venue_id, row, window)
        if home is not None and home[0] == booking.booking_id:
            await relink(conn, venue_id, row, home[0], home[1], key)
            linked.add(row.check_number)
    return linked
