"""Many deliveries at once, and deliveries while no worker runs: every accepted event is applied and recorded."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import httpx
from temporalio.client import Client

from tests.pos_support import (
    BASE_TIME,
    TABLE_B,
    booking_when,
    get_booking,
    history_when,
    list_checks,
    make_venue,
    new_id,
    pos_entries,
    pos_event,
    post_event,
    put_booking,
)
from tests.support import WorkerRunner, eventually


def five_events(venue_id: str, booking_id: str) -> list[dict]:
    return [
        pos_event(
            venue_id,
            f"c-{booking_id}",
            booking_id,
            type="create" if i == 0 else "update",
            updatedAt=BASE_TIME + i,
            commercials={"totalAmount": 10 * i},
        )
        for i in range(5)
    ]


async def test_fifty_concurrent_posts_for_ten_bookings_are_all_accounted_for(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    bookings = [new_id("bk") for _ in range(10)]
    events = [e for b in bookings for e in five_events(venue_id, b)]
    random.Random(50).shuffle(events)
    await asyncio.gather(*(post_event(mozrest, e) for e in events))

    for booking_id in bookings:
        history = await history_when(rms, venue_id, booking_id, lambda h: len(pos_entries(h)) >= 5)
        entries = pos_entries(history)
        assert len(entries) == 5, entries
        outcomes = Counter(e["outcome"] for e in entries)
        assert set(outcomes) <= {"applied", "stale"} and outcomes["applied"] >= 1
        assert sorted(e["payload"]["updatedAt"] for e in entries) == [BASE_TIME + i for i in range(5)]
        booking = await booking_when(rms, venue_id, booking_id, lambda b: len(b["checks"]) == 1)
        assert booking["checks"][0]["updatedAt"] == BASE_TIME + 4  # the newest wins, whatever the arrival order


async def test_events_accepted_while_the_worker_is_down_are_applied_after_restart(
    rms: httpx.AsyncClient,
    mozrest: httpx.AsyncClient,
    venue_id: str,
    worker: WorkerRunner,
    temporal_client: Client,
) -> None:
    await make_venue(rms, venue_id)
    bookings = [new_id("bk") for _ in range(3)]
    seated_later = new_id("bk-seated")
    await worker.stop()
    try:
        for booking_id in bookings:
            for event in five_events(venue_id, booking_id):
                await post_event(mozrest, event)  # 202: Temporal holds the signal
        await post_event(mozrest, pos_event(venue_id, "walk-in", None, tables=[TABLE_B]))
        await put_booking(rms, venue_id, seated_later, tables=[TABLE_B])
        # Nothing can be applied without a worker.
        for booking_id in [*bookings, seated_later]:
            assert (await get_booking(rms, venue_id, booking_id)).status_code == 404
        assert await list_checks(rms, venue_id) == []
    finally:
        await worker.start()

    for booking_id in bookings:
        history = await history_when(rms, venue_id, booking_id, lambda h: len(pos_entries(h)) == 5, timeout=30)
        assert [e["outcome"] for e in pos_entries(history)] == ["applied"] * 5
        booking = await booking_when(rms, venue_id, booking_id, lambda b: len(b["checks"]) == 1)
        assert booking["checks"][0]["updatedAt"] == BASE_TIME + 4

    # The walk-in check and the booking seated on its table met once the worker was back.
    booking = await booking_when(
        rms, venue_id, seated_later, lambda b: [c["checkNumber"] for c in b["checks"]] == ["walk-in"], timeout=30
    )
    assert booking["status"] == "seated" and booking["checks"][0]["linkSource"] == "table_match"

    async def nothing_left_unlinked() -> bool:
        assert await list_checks(rms, venue_id, linked=False) == []
        return True

    await eventually(nothing_left_unlinked)
