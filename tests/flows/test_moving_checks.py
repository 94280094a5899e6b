"""A check whose event names another booking moves there: the old booking loses it and its totals."""

from __future__ import annotations

from decimal import Decimal

import httpx
from temporalio.client import Client

from domain.messages import booking_workflow_id
from tests.pos_support import (
    BASE_TIME,
    booking_when,
    check_numbers,
    history_when,
    make_venue,
    money,
    new_id,
    pos_entries,
    pos_event,
    post_event,
)
from tests.support import eventually
from workflows.search import CHECK_NUMBERS


async def test_check_moves_from_booking_a_to_booking_b(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str, temporal_client: Client
) -> None:
    await make_venue(rms, venue_id)
    a, b = new_id("bk-a"), new_id("bk-b")
    await post_event(mozrest, pos_event(venue_id, "c1", a))
    await post_event(mozrest, pos_event(venue_id, "c2", a, commercials={"totalAmount": 20}))
    await booking_when(rms, venue_id, a, lambda x: x["totals"]["checkCount"] == 2)

    moved = pos_event(venue_id, "c1", b, type="update", updatedAt=BASE_TIME + 60, commercials={"totalAmount": 77.7})
    assert await post_event(mozrest, moved) == booking_workflow_id(venue_id, b)

    booking_b = await booking_when(rms, venue_id, b, lambda x: check_numbers(x) == ["c1"])
    assert booking_b["checks"][0]["linkSource"] == "pos"
    assert money(booking_b["totals"])["totalAmount"] == Decimal("77.7")
    booking_a = await booking_when(rms, venue_id, a, lambda x: check_numbers(x) == ["c2"])
    assert booking_a["totals"]["checkCount"] == 1 and money(booking_a["totals"])["totalAmount"] == Decimal(20)

    history_a = await history_when(rms, venue_id, a, lambda h: any(e["kind"] == "unlink" for e in h))
    unlink = next(e for e in history_a if e["kind"] == "unlink")
    assert unlink["checkNumber"] == "c1" and b in unlink["summary"]
    history_b = await history_when(rms, venue_id, b, lambda h: any(e["kind"] == "link" for e in h))
    assert [(e["kind"], e["checkNumber"]) for e in history_b if e["kind"] in ("link", "unlink")] == [("link", "c1")]
    assert len(pos_entries(history_b)) == 1

    # Both workflows know: A was told to recompute, so its CheckNumbers no longer list c1.
    async def search_attributes_follow() -> bool:
        desc_a = await temporal_client.get_workflow_handle(booking_workflow_id(venue_id, a)).describe()
        desc_b = await temporal_client.get_workflow_handle(booking_workflow_id(venue_id, b)).describe()
        assert desc_a.typed_search_attributes.get(CHECK_NUMBERS) == ["c2"]
        assert desc_b.typed_search_attributes.get(CHECK_NUMBERS) == ["c1"]
        return True

    await eventually(search_attributes_follow)


async def test_an_older_event_naming_the_old_booking_does_not_move_it_back(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    a, b = new_id("bk-a"), new_id("bk-b")
    await post_event(mozrest, pos_event(venue_id, "c1", a))
    await post_event(mozrest, pos_event(venue_id, "c1", b, type="update", updatedAt=BASE_TIME + 120))
    await booking_when(rms, venue_id, b, lambda x: check_numbers(x) == ["c1"])
    await post_event(mozrest, pos_event(venue_id, "c1", a, type="update", updatedAt=BASE_TIME + 60))

    # A stale event is part of the story of the booking that holds the check (B), whatever it names.
    history_b = await history_when(rms, venue_id, b, lambda h: len(pos_entries(h)) == 2)
    assert [e["outcome"] for e in pos_entries(history_b)] == ["applied", "stale"]
    assert check_numbers(await booking_when(rms, venue_id, a, lambda x: True)) == []
    assert check_numbers(await booking_when(rms, venue_id, b, lambda x: True)) == ["c1"]
