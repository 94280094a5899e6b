"""Checks without a bookingId: kept unlinked until a seated booking shares a table within the window
(4 h before openedAt to 30 min after), the closest booking winning; the RMS's own `checks` list links too."""

from __future__ import annotations

import httpx

from domain.messages import booking_workflow_id, unlinked_checks_workflow_id
from tests.pos_support import (
    BASE_TIME,
    TABLE_A,
    TABLE_B,
    TABLE_C,
    booking_when,
    check_numbers,
    history_when,
    list_checks,
    make_venue,
    new_id,
    pos_event,
    post_event,
    put_booking,
    put_booking_applied,
)
from tests.support import eventually

OPENED = BASE_TIME
HOUR = 3600


async def unlinked_check(mozrest: httpx.AsyncClient, venue_id: str, number: str, tables: list[str]) -> None:
    event = pos_event(venue_id, number, None, tables=tables, openedAt=OPENED, updatedAt=OPENED)
    assert await post_event(mozrest, event) == unlinked_checks_workflow_id(venue_id)


async def test_unlinked_check_waits_then_matches_a_booking_seated_later(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    await unlinked_check(mozrest, venue_id, "c1", [TABLE_B])
    await eventually(lambda: _unlinked_numbers(rms, venue_id, ["c1"]))

    # None of these qualify: too early, too late, not seated, no shared table.
    too_early = await put_booking_applied(rms, venue_id, new_id("bk"), tables=[TABLE_B], date=OPENED - 4 * HOUR - 1)
    too_late = await put_booking_applied(rms, venue_id, new_id("bk"), tables=[TABLE_B], date=OPENED + 30 * 60 + 1)
    confirmed = await put_booking_applied(
        rms, venue_id, new_id("bk"), status="confirmed", tables=[TABLE_B], date=OPENED
    )
    other_table = await put_booking_applied(rms, venue_id, new_id("bk"), tables=[TABLE_A], date=OPENED)
    for booking in (too_early, too_late, confirmed, other_table):
        assert booking["checks"] == []
    assert [c["checkNumber"] for c in await list_checks(rms, venue_id, linked=False)] == ["c1"]

    booking_id = new_id("bk")
    await put_booking_applied(
        rms, venue_id, booking_id, tables=[TABLE_C, TABLE_B], date=OPENED - 4 * HOUR
    )  # window edge
    booking = await booking_when(rms, venue_id, booking_id, lambda b: check_numbers(b) == ["c1"])
    assert booking["checks"][0]["linkSource"] == "table_match"
    assert booking["totals"]["checkCount"] == 1
    assert await list_checks(rms, venue_id, linked=False) == []
    [row] = await list_checks(rms, venue_id, linked=True)
    assert row["bookingId"] == booking_id and row["linkSource"] == "table_match"
    history = await history_when(rms, venue_id, booking_id, lambda h: any(e["kind"] == "link" for e in h))
    # The event the check received while unlinked is part of the booking's story too.
    assert [(e["kind"], e["checkNumber"]) for e in history] == [
        ("pos_event", "c1"),
        ("rms_change", None),
        ("link", "c1"),
    ]
    assert "table_match" in history[2]["summary"]

    # Later events of the matched check, still without a bookingId, go straight to its booking.
    later = pos_event(venue_id, "c1", None, type="update", tables=[TABLE_B], updatedAt=OPENED + 60)
    assert await post_event(mozrest, later) == booking_workflow_id(venue_id, booking_id)
    await booking_when(rms, venue_id, booking_id, lambda b: b["checks"][0]["updatedAt"] == OPENED + 60)


async def _unlinked_numbers(rms: httpx.AsyncClient, venue_id: str, expected: list[str]) -> bool:
    assert [c["checkNumber"] for c in await list_checks(rms, venue_id, linked=False)] == expected
    return True


async def test_ambiguous_match_picks_the_booking_closest_to_opened_at(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    far, near, elsewhere = new_id("bk-far"), new_id("bk-near"), new_id("bk-else")
    await put_booking_applied(rms, venue_id, far, tables=[TABLE_A], date=OPENED - 2 * HOUR)
    await put_booking_applied(rms, venue_id, near, tables=[TABLE_A, TABLE_B], date=OPENED + 10 * 60)
    await put_booking_applied(rms, venue_id, elsewhere, tables=[TABLE_C], date=OPENED)  # closest, but another table

    await unlinked_check(mozrest, venue_id, "c1", [TABLE_A])
    booking = await booking_when(rms, venue_id, near, lambda b: check_numbers(b) == ["c1"])
    assert booking["checks"][0]["linkSource"] == "table_match"
    assert check_numbers(await booking_when(rms, venue_id, far, lambda b: True)) == []
    assert check_numbers(await booking_when(rms, venue_id, elsewhere, lambda b: True)) == []


async def test_rms_checks_list_links_with_source_rms_before_or_after_the_check_exists(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    # Confirmed, not seated, and on another table: only the RMS's list can link these.
    await put_booking(rms, venue_id, booking_id, status="confirmed", tables=[TABLE_C], checks=["c-before"])
    await booking_when(rms, venue_id, booking_id, lambda b: b["status"] == "confirmed")
    await unlinked_check(mozrest, venue_id, "c-before", [TABLE_A])
    booking = await booking_when(rms, venue_id, booking_id, lambda b: check_numbers(b) == ["c-before"])
    assert booking["checks"][0]["linkSource"] == "rms"

    await unlinked_check(mozrest, venue_id, "c-after", [TABLE_A])
    await eventually(lambda: _unlinked_numbers(rms, venue_id, ["c-after"]))
    await put_booking(rms, venue_id, booking_id, status="confirmed", tables=[TABLE_C], checks=["c-before", "c-after"])
    booking = await booking_when(rms, venue_id, booking_id, lambda b: len(b["checks"]) == 2)
    assert {c["checkNumber"]: c["linkSource"] for c in booking["checks"]} == {"c-before": "rms", "c-after": "rms"}
    assert await list_checks(rms, venue_id, linked=False) == []
