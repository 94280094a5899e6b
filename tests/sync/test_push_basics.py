"""Outbound sync: when a booking is sent, what is sent, and when it is not."""

from __future__ import annotations

from decimal import Decimal

import httpx

from devstack.fake_mozrest import FakeMozrest
from tests.pos_support import TABLE_A, TABLE_B, booking_when, make_venue, new_id, pos_event, post_event, put_booking
from tests.support import eventually


async def requests_for(fake: FakeMozrest, booking_id: str, count: int, timeout: float = 15) -> list:
    async def check() -> list:
        got = fake.requests(booking_id)
        assert len(got) >= count, f"{len(got)} requests so far"
        return got

    return await eventually(check, timeout=timeout)


async def test_seated_booking_is_sent_once_with_spec_shape_and_token(
    rms: httpx.AsyncClient, venue_id: str, fake_mozrest: FakeMozrest
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    await put_booking(rms, venue_id, booking_id, prepayment=50.10)
    [request] = await requests_for(fake_mozrest, booking_id, 1)
    assert request.auth_valid and request.valid, request.errors
    assert request.content_type == "application/json"
    assert request.body == {
        "bookingId": booking_id,
        "venueId": venue_id,
        "partySize": 2,
        "status": "seated",
        "tables": [TABLE_A],
        "date": 1719599400,
        "prepayment": 50.1,
        "contact": {"firstname": "Ada", "lastname": "Lovelace", "locale": "en"},
        "notes": "window seat",
        "checks": [],
    }
    assert request.booking is not None and request.booking.prepayment == Decimal("50.10")
    booking = await booking_when(rms, venue_id, booking_id, lambda b: b["sync"]["state"] == "synced")
    assert booking["sync"]["attempts"] == 1 and booking["sync"]["lastStatusCode"] == 200
    # Sending the same booking again changes nothing, so nothing more is sent.
    await put_booking(rms, venue_id, booking_id, prepayment=50.10)
    await eventually(lambda: _two_rms_changes(rms, venue_id, booking_id))
    assert len(fake_mozrest.requests(booking_id)) == 1
    history = (await rms.get(f"/venue/{venue_id}/bookings/{booking_id}/history")).json()
    attempts = [e for e in history if e["kind"] == "sync_attempt"]
    assert attempts and attempts[0]["payload"]["statusCode"] == 200


async def _two_rms_changes(rms: httpx.AsyncClient, venue_id: str, booking_id: str) -> bool:
    history = (await rms.get(f"/venue/{venue_id}/bookings/{booking_id}/history")).json()
    return [e["outcome"] for e in history if e["kind"] == "rms_change"] == ["applied", "unchanged"]


async def test_confirmed_booking_is_not_sent(rms: httpx.AsyncClient, venue_id: str, fake_mozrest: FakeMozrest) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    await put_booking(rms, venue_id, booking_id, status="confirmed")
    booking = await booking_when(rms, venue_id, booking_id, lambda b: b["status"] == "confirmed")
    assert booking["sync"]["state"] == "not_required"
    # Seating it afterwards sends it: the seated payload is the first one Mozrest sees.
    await put_booking(rms, venue_id, booking_id, status="seated")
    [request] = await requests_for(fake_mozrest, booking_id, 1)
    assert request.body["status"] == "seated"
    assert all(r.body["status"] != "confirmed" for r in fake_mozrest.requests(booking_id))


async def test_table_change_sends_again(rms: httpx.AsyncClient, venue_id: str, fake_mozrest: FakeMozrest) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    await put_booking(rms, venue_id, booking_id)
    await requests_for(fake_mozrest, booking_id, 1)
    await put_booking(rms, venue_id, booking_id, tables=[TABLE_A, TABLE_B])
    requests = await requests_for(fake_mozrest, booking_id, 2)
    assert [r.body["tables"] for r in requests] == [[TABLE_A], [TABLE_A, TABLE_B]]


async def test_linked_checks_are_listed_and_voided_ones_dropped(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str, fake_mozrest: FakeMozrest
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    await put_booking(rms, venue_id, booking_id)
    await requests_for(fake_mozrest, booking_id, 1)
    await post_event(mozrest, pos_event(venue_id, "b-200", booking_id, openedAt=1719599500, updatedAt=1719599500))
    await post_event(mozrest, pos_event(venue_id, "a-100", booking_id, openedAt=1719599400, updatedAt=1719599400))

    async def sent_both() -> list:
        last = fake_mozrest.requests(booking_id)[-1]
        assert last.body["checks"] == ["a-100", "b-200"], last.body["checks"]  # by openedAt
        return [last]

    await eventually(sent_both)
    await post_event(
        mozrest,
        pos_event(
            venue_id,
            "a-100",
            booking_id,
            type="void",
            status="VOID",
            openedAt=1719599400,
            updatedAt=1719599600,
            voidedAt=1719599600,
        ),
    )

    async def void_dropped() -> bool:
        assert fake_mozrest.requests(booking_id)[-1].body["checks"] == ["b-200"]
        return True

    await eventually(void_dropped)
