"""Outbound sync under failure: retries with backoff, refusals, Retry-After, coalescing, an outage."""

from __future__ import annotations

import asyncio

import httpx

from devstack.fake_mozrest import FakeMozrest
from tests.pos_support import TABLE_A, TABLE_B, booking_when, make_venue, new_id, put_booking
from tests.support import eventually


async def test_three_503s_then_200_end_synced_after_four_attempts(
    rms: httpx.AsyncClient, venue_id: str, fake_mozrest: FakeMozrest
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    fake_mozrest.add_rule(503, count=3, booking_id=booking_id)
    await put_booking(rms, venue_id, booking_id)
    booking = await booking_when(rms, venue_id, booking_id, lambda b: b["sync"]["state"] == "synced", timeout=30)
    assert booking["sync"]["attempts"] == 4
    assert [r.answered_status for r in fake_mozrest.requests(booking_id)] == [503, 503, 503, 200]
    history = (await rms.get(f"/venue/{venue_id}/bookings/{booking_id}/history")).json()
    attempts = [e for e in history if e["kind"] == "sync_attempt"]
    assert [(a["outcome"], a["payload"]["statusCode"]) for a in attempts] == [
        ("retrying", 503),
        ("retrying", 503),
        ("retrying", 503),
        ("accepted", 200),
    ]


async def test_400_fails_without_retry_and_resync_recovers(
    rms: httpx.AsyncClient, venue_id: str, fake_mozrest: FakeMozrest
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    fake_mozrest.add_rule(400, count=1, booking_id=booking_id, body='{"error": "unknown venue"}')
    await put_booking(rms, venue_id, booking_id)
    booking = await booking_when(rms, venue_id, booking_id, lambda b: b["sync"]["state"] == "failed")
    assert booking["sync"]["lastStatusCode"] == 400 and "400" in booking["sync"]["lastError"]
    failed = (await rms.get(f"/venue/{venue_id}/bookings", params={"syncState": "failed"})).json()
    assert [b["bookingId"] for b in failed] == [booking_id]
    # The same booking sent again unchanged is not retried on its own.
    await put_booking(rms, venue_id, booking_id)
    await eventually(lambda: _rms_changes(rms, venue_id, booking_id, 2))
    assert len(fake_mozrest.requests(booking_id)) == 1
    r = await rms.post(f"/venue/{venue_id}/bookings/{booking_id}/resync")
    assert r.status_code == 202 and r.json()["workflowId"] == f"booking:{venue_id}:{booking_id}"
    await booking_when(rms, venue_id, booking_id, lambda b: b["sync"]["state"] == "synced")
    assert [r.answered_status for r in fake_mozrest.requests(booking_id)] == [400, 200]
    assert (await rms.get(f"/venue/{venue_id}/bookings", params={"syncState": "failed"})).json() == []


async def _rms_changes(rms: httpx.AsyncClient, venue_id: str, booking_id: str, count: int) -> bool:
    r = await rms.get(f"/venue/{venue_id}/bookings/{booking_id}/history")
    assert r.status_code == 200, r.text
    history = r.json()
    return len([e for e in history if e["kind"] == "rms_change"]) == count


async def test_429_retry_after_is_honoured(rms: httpx.AsyncClient, venue_id: str, fake_mozrest: FakeMozrest) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    fake_mozrest.add_rule(429, count=1, retry_after=2, booking_id=booking_id)
    await put_booking(rms, venue_id, booking_id)
    await booking_when(rms, venue_id, booking_id, lambda b: b["sync"]["state"] == "synced", timeout=30)
    first, second = fake_mozrest.requests(booking_id)
    assert first.answered_status == 429 and second.answered_status == 200
    # Not a timing assertion on our speed: the gap is the floor Mozrest asked for.
    assert second.received_at - first.received_at >= 2.0


async def test_burst_of_30_updates_is_coalesced(
    rms: httpx.AsyncClient, venue_id: str, fake_mozrest: FakeMozrest
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    await asyncio.gather(*(put_booking(rms, venue_id, booking_id, partySize=n) for n in range(1, 31)))
    last = await _last_revision_party_size(rms, venue_id, booking_id)
    await booking_when(
        rms, venue_id, booking_id, lambda b: b["partySize"] == last and b["sync"]["state"] == "synced", timeout=30
    )
    requests = fake_mozrest.requests(booking_id)
    assert 1 <= len(requests) <= 3, [r.body["partySize"] for r in requests]
    assert requests[-1].body["partySize"] == last


async def _last_revision_party_size(rms: httpx.AsyncClient, venue_id: str, booking_id: str) -> int:
    """The party size of the revision that applies last (the RMS's last word), once all 30 are applied."""

    async def check() -> int:
        r = await rms.get(f"/venue/{venue_id}/bookings/{booking_id}/history")
        assert r.status_code == 200, r.text
        changes = [e for e in r.json() if e["kind"] == "rms_change"]
        assert len(changes) == 30
        applied = [e for e in changes if e["outcome"] == "applied"]
        return applied[-1]["payload"]["partySize"]

    return await eventually(check, timeout=30)


async def test_outage_while_20_bookings_change_ends_with_newest_states(
    rms: httpx.AsyncClient, venue_id: str, fake_mozrest: FakeMozrest
) -> None:
    await make_venue(rms, venue_id)
    bookings = [new_id("bk") for _ in range(20)]
    port = int(fake_mozrest.url.rsplit(":", 1)[1])
    await fake_mozrest.stop()  # connection refused from here on
    try:
        await asyncio.gather(*(put_booking(rms, venue_id, b) for b in bookings))
        await asyncio.gather(*(put_booking(rms, venue_id, b, tables=[TABLE_A, TABLE_B], partySize=4) for b in bookings))
        await booking_when(rms, venue_id, bookings[0], lambda b: b["sync"]["attempts"] >= 1, timeout=30)
    finally:
        await fake_mozrest.start(port=port)
    for b in bookings:
        await booking_when(rms, venue_id, b, lambda v: v["sync"]["state"] == "synced", timeout=60)
        last = fake_mozrest.requests(b)[-1].body
        assert (last["tables"], last["partySize"]) == ([TABLE_A, TABLE_B], 4)
