"""Races between workflows that touch the same check, made likely by pausing the worker so that every queue
drains at the same moment: a check and its booking arriving together always meet, and the first events of a
check racing in two bookings' workflows still end in POS order."""

from __future__ import annotations

import asyncio

import httpx

from tests.pos_support import (
    BASE_TIME,
    booking_when,
    list_checks,
    make_venue,
    new_id,
    pos_event,
    post_event,
    put_booking,
)
from tests.support import WorkerRunner, eventually

PAIRS = 10


async def all_linked(rms: httpx.AsyncClient, venue_id: str, expected: dict[str, tuple[str, str]]) -> None:
    async def check() -> bool:
        rows = await list_checks(rms, venue_id)
        assert {r["checkNumber"]: (r["bookingId"], r["linkSource"]) for r in rows} == expected
        return True

    await eventually(check, timeout=30)


async def test_checks_and_seated_bookings_arriving_together_all_match(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str, worker: WorkerRunner
) -> None:
    tables = [f"t{i}" for i in range(PAIRS)]
    await make_venue(rms, venue_id, tables)
    bookings = [new_id("bk") for _ in tables]
    await worker.stop()
    try:
        await asyncio.gather(
            *(post_event(mozrest, pos_event(venue_id, f"c{i}", None, tables=[t])) for i, t in enumerate(tables)),
            *(put_booking(rms, venue_id, b, tables=[t]) for b, t in zip(bookings, tables, strict=True)),
        )
    finally:
        await worker.start()
    await all_linked(rms, venue_id, {f"c{i}": (b, "table_match") for i, b in enumerate(bookings)})
    for i, booking_id in enumerate(bookings):
        booking = await booking_when(rms, venue_id, booking_id, lambda b: len(b["checks"]) == 1)
        assert booking["checks"][0]["checkNumber"] == f"c{i}"


async def test_checks_and_rms_claims_arriving_together_all_link(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str, worker: WorkerRunner
) -> None:
    tables = [f"t{i}" for i in range(PAIRS)]
    await make_venue(rms, venue_id, tables)
    bookings = [new_id("bk") for _ in tables]
    await worker.stop()
    try:
        await asyncio.gather(
            *(post_event(mozrest, pos_event(venue_id, f"c{i}", None, tables=[t])) for i, t in enumerate(tables)),
            *(
                put_booking(rms, venue_id, b, status="confirmed", tables=[], checks=[f"c{i}"])
                for i, b in enumerate(bookings)
            ),
        )
    finally:
        await worker.start()
    await all_linked(rms, venue_id, {f"c{i}": (b, "rms") for i, b in enumerate(bookings)})


async def test_first_events_of_a_check_racing_in_two_bookings_end_in_pos_order(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str, worker: WorkerRunner
) -> None:
    await make_venue(rms, venue_id)
    olds, news = [new_id("bk-old") for _ in range(PAIRS)], [new_id("bk-new") for _ in range(PAIRS)]
    await worker.stop()
    try:
        await asyncio.gather(
            *(
                post_event(mozrest, event)
                for i in range(PAIRS)
                for event in (
                    pos_event(venue_id, f"c{i}", olds[i], type="create"),
                    pos_event(venue_id, f"c{i}", news[i], type="update", updatedAt=BASE_TIME + 120),
                )
            )
        )
    finally:
        await worker.start()
    # The newer event names the newer booking: each check ends there, with the newer state, whatever the timing.
    await all_linked(rms, venue_id, {f"c{i}": (b, "pos") for i, b in enumerate(news)})
    for booking_id in news:
        booking = await booking_when(rms, venue_id, booking_id, lambda b: len(b["checks"]) == 1)
        assert booking["checks"][0]["updatedAt"] == BASE_TIME + 120
