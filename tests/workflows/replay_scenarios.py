"""Scenarios whose workflow histories are replayed: recorded ones (tests/histories/*.json, from earlier code)
catch changes that would break running workflows; fresh ones catch non-determinism in the current code."""

from __future__ import annotations

import httpx

from devstack.fake_mozrest import FakeMozrest
from tests.pos_support import (
    TABLE_A,
    TABLE_B,
    booking_when,
    make_venue,
    new_id,
    pos_event,
    post_event,
    put_booking,
)


async def booking_life(rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str) -> list[str]:
    """Seated booking, two checks (one voided, one closed), a table change, a sync per change."""
    await make_venue(rms, venue_id)
    booking = new_id("bk")
    await put_booking(rms, venue_id, booking)
    await post_event(mozrest, pos_event(venue_id, "c1", booking))
    await post_event(mozrest, pos_event(venue_id, "c2", booking, openedAt=1719599500, updatedAt=1719599500))
    await post_event(
        mozrest,
        pos_event(
            venue_id,
            "c2",
            booking,
            type="void",
            status="VOID",
            openedAt=1719599500,
            updatedAt=1719599600,
            voidedAt=1719599600,
        ),
    )
    await put_booking(rms, venue_id, booking, tables=[TABLE_A, TABLE_B])
    await post_event(
        mozrest,
        pos_event(venue_id, "c1", booking, type="update", status="CLOSE", updatedAt=1719603000, closedAt=1719603000),
    )
    await booking_when(
        rms,
        venue_id,
        booking,
        lambda b: b["sync"]["state"] == "synced" and [c["status"] for c in b["checks"]] == ["CLOSE", "VOID"],
        timeout=30,
    )
    return [f"booking:{venue_id}:{booking}"]


async def unlinked_then_matched(rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str) -> list[str]:
    """A check with no bookingId waits in the venue's workflow, then a seated booking claims it by table."""
    await make_venue(rms, venue_id)
    await post_event(mozrest, pos_event(venue_id, "w1", None))
    booking = new_id("bk")
    await put_booking(rms, venue_id, booking)
    await booking_when(rms, venue_id, booking, lambda b: [c["checkNumber"] for c in b["checks"]] == ["w1"])
    await booking_when(rms, venue_id, booking, lambda b: b["sync"]["state"] == "synced", timeout=30)
    return [f"unlinked-checks:{venue_id}", f"booking:{venue_id}:{booking}"]


async def refused_then_resynced(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str, fake: FakeMozrest
) -> list[str]:
    await make_venue(rms, venue_id)
    booking = new_id("bk")
    fake.add_rule(400, count=1, booking_id=booking)
    await put_booking(rms, venue_id, booking)
    await booking_when(rms, venue_id, booking, lambda b: b["sync"]["state"] == "failed")
    assert (await rms.post(f"/venue/{venue_id}/bookings/{booking}/resync")).status_code == 202
    await booking_when(rms, venue_id, booking, lambda b: b["sync"]["state"] == "synced")
    return [f"booking:{venue_id}:{booking}"]
