"""Check events are applied in POS order, not arrival order: duplicates, shuffles, stale creates."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import httpx

from tests.pos_support import (
    BASE_TIME,
    booking_when,
    history_when,
    make_venue,
    money,
    new_id,
    pos_entries,
    pos_event,
    post_event,
    the_check,
)


async def test_same_event_delivered_ten_times_applies_once(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    event = pos_event(venue_id, "98766", booking_id)
    await post_event(mozrest, event)
    await asyncio.gather(*(post_event(mozrest, event) for _ in range(9)))

    history = await history_when(rms, venue_id, booking_id, lambda h: len(pos_entries(h)) == 10)
    assert Counter(e["outcome"] for e in pos_entries(history)) == {"applied": 1, "duplicate": 9}
    assert [e["kind"] for e in history].count("link") == 1
    booking = await booking_when(rms, venue_id, booking_id, lambda b: len(b["checks"]) == 1)
    assert booking["totals"]["checkCount"] == 1 and booking["totals"]["itemCount"] == 3
    assert money(booking["totals"])["totalAmount"] == money(event["commercials"])["totalAmount"]


def twenty_events(venue_id: str, check_number: str, booking_id: str) -> list[dict]:
    """A create, 18 updates with growing updatedAt, totals and items, and a void at the last update's time.
    Listed in POS order, with the void *before* its equal-time update (that update must then be stale)."""
    events = [pos_event(venue_id, check_number, booking_id, type="create")]
    for i in range(1, 19):
        events.append(
            pos_event(
                venue_id,
                check_number,
                booking_id,
                type="update",
                updatedAt=BASE_TIME + 60 * i,
                commercials={"totalAmount": 100 + i + i / 100, "tip": i},
                items=[
                    {"id": 1, "name": "Steak", "price": 40.25, "quantity": i},
                    {"id": 7, "name": f"Dish {i}", "price": 9.5, "quantity": 1},
                ],
            )
        )
    void = pos_event(
        venue_id,
        check_number,
        booking_id,
        type="void",
        status="VOID",
        updatedAt=BASE_TIME + 60 * 18,
        voidedAt=BASE_TIME + 60 * 18,
        commercials={"totalAmount": 1, "tip": 0},
        items=[],
    )
    events.insert(18, void)
    assert len(events) == 20
    return events


def comparable(check: dict) -> dict:
    return {k: v for k, v in check.items() if k != "checkNumber"}


async def test_twenty_events_shuffled_end_in_the_same_state_as_in_order(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    in_order, shuffled = new_id("bk"), new_id("bk")
    for event in twenty_events(venue_id, "c-ordered", in_order):
        await post_event(mozrest, event)
    events = twenty_events(venue_id, "c-shuffled", shuffled)
    random.Random(20).shuffle(events)
    assert events[0]["type"] != "create"  # the seed puts the create somewhere later
    for event in events:
        await post_event(mozrest, event)

    h_ordered = await history_when(rms, venue_id, in_order, lambda h: len(pos_entries(h)) == 20)
    h_shuffled = await history_when(rms, venue_id, shuffled, lambda h: len(pos_entries(h)) == 20)
    assert Counter(e["outcome"] for e in pos_entries(h_ordered)) == {"applied": 19, "stale": 1}
    assert Counter(e["outcome"] for e in pos_entries(h_shuffled))["stale"] >= 1
    assert "duplicate" not in {e["outcome"] for e in pos_entries(h_shuffled)}

    a = await booking_when(rms, venue_id, in_order, lambda b: len(b["checks"]) == 1)
    b = await booking_when(rms, venue_id, shuffled, lambda b: len(b["checks"]) == 1)
    assert comparable(the_check(b, "c-shuffled")) == comparable(the_check(a, "c-ordered"))
    assert a["totals"] == b["totals"]
    final = the_check(a, "c-ordered")  # the void wins over the update of equal updatedAt
    assert final["status"] == "VOID" and final["items"] == [] and final["updatedAt"] == BASE_TIME + 60 * 18
    assert a["totals"]["checkCount"] == 0


async def test_create_arriving_after_newer_update_is_stale(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    update = pos_event(
        venue_id, "c1", booking_id, type="update", updatedAt=BASE_TIME + 300, commercials={"totalAmount": 80.5}
    )
    await post_event(mozrest, update)
    await post_event(mozrest, pos_event(venue_id, "c1", booking_id, type="create"))

    history = await history_when(rms, venue_id, booking_id, lambda h: len(pos_entries(h)) == 2)
    assert [(e["summary"].split()[0], e["outcome"]) for e in pos_entries(history)] == [
        ("update", "applied"),
        ("create", "stale"),
    ]
    booking = await booking_when(rms, venue_id, booking_id, lambda b: len(b["checks"]) == 1)
    check = the_check(booking, "c1")
    assert check["updatedAt"] == BASE_TIME + 300
    assert money(check["commercials"])["totalAmount"] == money(update["commercials"])["totalAmount"]
