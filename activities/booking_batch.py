"""Applying a batch of a booking's messages (POS events, RMS revisions, manual links) in one transaction."""

from __future__ import annotations

from psycopg import AsyncConnection

from activities.linking import apply_pos_event, match_unlinked_to_booking, relink
from activities.poison import each_isolated, record_rejected
from activities.repo import bookings, checks, history
from activities.repo import sync as sync_repo
from domain.booking import TERMINAL_STATUSES, BookingIn
from domain.matching import Window
from domain.messages import (
    ApplyBookingInput,
    ApplyBookingResult,
    BookingMessage,
    LinkMessage,
    PosEventMessage,
    RmsRevisionMessage,
)

_RMS_FIELDS = ("party_size", "status", "tables", "date", "prepayment", "contact", "notes", "rms_checks")


def _summarize_booking(b: BookingIn) -> str:
    # No guest data here: the summary is shown in lists; names and notes stay in the payload.
    checks_part = f", checks {','.join(b.checks)}" if b.checks else ""
    return f"{b.status}, party of {b.party_size}, tables {','.join(b.tables) or '-'}{checks_part}"


async def _apply_revision(
    conn: AsyncConnection, inp: ApplyBookingInput, booking: bookings.BookingRow, msg: RmsRevisionMessage
) -> tuple[set[str], bool]:
    """Returns (bookings touched, whether matching should run again)."""
    payload = await bookings.get_revision(conn, msg.revision_id)
    if payload is None:
        return set(), False
    new = BookingIn.model_validate(payload)
    before = {f: getattr(booking, f) for f in _RMS_FIELDS}
    if booking.rms_revision_id is not None and msg.revision_id < booking.rms_revision_id:
        outcome = "stale"
    else:
        await bookings.update_from_rms(conn, inp.venue_id, inp.booking_id, msg.revision_id, new)
        booking.party_size, booking.status, booking.tables, booking.date = (
            new.party_size,
            new.status,
            new.tables,
            new.date,
        )
        booking.prepayment, booking.notes = new.prepayment, new.notes
        booking.contact = new.contact.model_dump(mode="json", by_alias=True)
        booking.rms_checks, booking.rms_revision_id = new.checks or [], msg.revision_id
        after = {f: getattr(booking, f) for f in _RMS_FIELDS}
        outcome = "applied" if after != before else "unchanged"
    await history.record(
        conn,
        venue_id=inp.venue_id,
        booking_id=inp.booking_id,
        kind="rms_change",
        outcome=outcome,
        summary=_summarize_booking(new),
        dedup_key=msg.delivery_id,
        payload=payload,
    )
    if outcome != "applied":
        return set(), False
    touched = await _apply_rms_checks(conn, inp, new.checks, msg.delivery_id)
    placement_changed = any(before[f] != getattr(booking, f) for f in ("status", "tables", "date"))
    return touched, placement_changed


async def _apply_rms_checks(
    conn: AsyncConnection, inp: ApplyBookingInput, wanted: list[str] | None, key: str
) -> set[str]:
    """The RMS's own `checks` list links those checks here and releases ones it linked before and dropped."""
    if wanted is None:
        return set()
    await checks.lock_venue_matching(conn, inp.venue_id)  # a check being inserted now must see our claim, or we it
    touched: set[str] = set()
    current = await checks.linked_numbers(conn, inp.venue_id, inp.booking_id)
    rows = await checks.lock_many(conn, inp.venue_id, list(wanted) + [n for n, _, _ in current])
    for number in wanted:
        row = rows.get(number)
        if row is not None and row.booking_id != inp.booking_id and row.link_source != "manual":
            if row.booking_id:
                touched.add(row.booking_id)
            await relink(conn, inp.venue_id, row, inp.booking_id, "rms", key)
    for number, _status, source in current:
        if source == "rms" and number not in wanted:
            await relink(conn, inp.venue_id, rows[number], None, None, key)
    return touched


async def _apply_link(conn: AsyncConnection, inp: ApplyBookingInput, msg: LinkMessage) -> set[str]:
    row = await checks.get(conn, inp.venue_id, msg.check_number, lock=True)
    if row is None:
        return set()
    old = row.booking_id
    if msg.action == "link" and (old != inp.booking_id or row.link_source != "manual"):
        await relink(conn, inp.venue_id, row, inp.booking_id, "manual", msg.delivery_id)
    elif msg.action == "unlink" and old == inp.booking_id:
        await relink(conn, inp.venue_id, row, None, None, msg.delivery_id, manual_unlinked=True)
    return {old} if old else set()


async def _apply_one(
    conn: AsyncConnection, inp: ApplyBookingInput, booking: bookings.BookingRow, msg: BookingMessage, window: Window
) -> tuple[set[str], bool]:
    """Returns (bookings touched, whether the booking's placement changed so matching must run)."""
    if isinstance(msg, PosEventMessage):
        return await apply_pos_event(conn, msg, window, ensured_booking=inp.booking_id), False
    if isinstance(msg, RmsRevisionMessage):
        if await history.already_recorded(conn, msg.delivery_id) is not None:
            return set(), False
        return await _apply_revision(conn, inp, booking, msg)
    if isinstance(msg, LinkMessage):
        return await _apply_link(conn, inp, msg), False
    return set(), False  # a refresh: nothing to apply, the result is recomputed below


async def apply_booking_batch(
    conn: AsyncConnection, inp: ApplyBookingInput, window: Window, *, isolate: bool = False
) -> ApplyBookingResult:
    booking = await bookings.ensure_and_lock(conn, inp.venue_id, inp.booking_id)
    numbers = [m.event.check_number for m in inp.messages if isinstance(m, PosEventMessage)]
    numbers += [m.check_number for m in inp.messages if isinstance(m, LinkMessage)]
    # Several checks: lock them up front in a stable order (no deadlocks). One is locked where it is read.
    # Isolated, a refused check number must fail inside its own savepoint, not here.
    if len(set(numbers)) > 1 and not isolate:
        await checks.lock_many(conn, inp.venue_id, numbers)
    touched: set[str] = set()
    rematch_key: str | None = None
    for msg in inp.messages:

        async def refused(error: str, msg: BookingMessage = msg) -> tuple[set[str], bool]:
            await record_rejected(conn, inp.venue_id, inp.booking_id, msg, error)
            return set(), False

        moved, placement_changed = await each_isolated(
            conn, isolate, lambda msg=msg: _apply_one(conn, inp, booking, msg, window), refused
        )
        touched |= moved
        rematch_key = getattr(msg, "delivery_id", None) if placement_changed else rematch_key
    if rematch_key is not None:
        await match_unlinked_to_booking(conn, inp.venue_id, booking, window, rematch_key)
    linked = await checks.linked_numbers(conn, inp.venue_id, inp.booking_id)
    return ApplyBookingResult(
        check_numbers=[n for n, _, _ in linked],
        status=booking.status,
        finished=booking.status in TERMINAL_STATUSES and all(s in ("CLOSE", "VOID") for _, s, _ in linked),
        notify=sorted(touched - {inp.booking_id}),
        sync=await sync_repo.refresh_version(
            conn, inp.venue_id, inp.booking_id, [n for n, status, _ in linked if status != "VOID"]
        ),
    )
