"""Bad RMS booking input gets 422 naming the field (tables the venue lacks included) and stores nothing."""

from __future__ import annotations

from typing import Any

import httpx

from tests.pos_support import TABLE_A, TABLE_B, booking_body, get_booking, make_venue, new_id, put_booking
from tests.support import ApiServer

BAD: dict[str, tuple[dict[str, Any], list]] = {
    "party size 0": ({"partySize": 0}, ["body", "partySize"]),
    "party size as string": ({"partySize": "2"}, ["body", "partySize"]),
    "negative prepayment": ({"prepayment": -0.01}, ["body", "prepayment"]),
    "prepayment as string": ({"prepayment": "50.00"}, ["body", "prepayment"]),
    "unknown status": ({"status": "arrived"}, ["body", "status"]),
    "date as float": ({"date": 1639578600.0}, ["body", "date"]),
    "date as string": ({"date": "2024-06-28"}, ["body", "date"]),
    "tables not a list": ({"tables": TABLE_A}, ["body", "tables"]),
    "checks with a number": ({"checks": ["c1", 2]}, ["body", "checks", 1]),
    "contact not an object": ({"contact": "Ada"}, ["body", "contact"]),
}


async def test_invalid_bookings_are_422_naming_the_field_and_store_nothing(
    rms: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    for why, (overrides, loc) in BAD.items():
        r = await rms.put(f"/venue/{venue_id}/bookings/{booking_id}", json=booking_body(**overrides))
        assert r.status_code == 422, (why, r.text)
        assert loc in [e["loc"] for e in r.json()["detail"]], (why, r.json())
    for missing in ("partySize", "status", "date"):
        body = booking_body()
        body.pop(missing)
        r = await rms.put(f"/venue/{venue_id}/bookings/{booking_id}", json=body)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", missing], r.text
    r = await rms.put(
        f"/venue/{venue_id}/bookings/{booking_id}",
        content='{"partySize": NaN}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "partySize"], r.text
    assert (await get_booking(rms, venue_id, booking_id)).status_code == 404


async def test_tables_the_venue_lacks_are_422_naming_each_position(rms: httpx.AsyncClient, venue_id: str) -> None:
    await make_venue(rms, venue_id, tables=[TABLE_A, TABLE_B])
    booking_id = new_id("bk")
    body = booking_body(tables=[TABLE_A, "no-such-table", TABLE_B, "neither"])
    r = await rms.put(f"/venue/{venue_id}/bookings/{booking_id}", json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert [e["loc"] for e in detail] == [["body", "tables", 1], ["body", "tables", 3]]
    assert "no-such-table" in detail[0]["msg"]
    assert (await get_booking(rms, venue_id, booking_id)).status_code == 404
    await put_booking(rms, venue_id, booking_id, tables=[TABLE_B, TABLE_A])  # the venue's own tables are fine


async def test_booking_endpoints_check_venue_and_token(
    api: ApiServer, rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    ghost = new_id("ghost-venue")
    r = await rms.put(f"/venue/{ghost}/bookings/b1", json=booking_body(tables=[]))
    assert r.status_code == 404 and ghost in r.json()["detail"]
    booking_id = new_id("bk")
    assert (await get_booking(rms, venue_id, booking_id)).status_code == 404
    assert (await rms.get(f"/venue/{venue_id}/bookings/{booking_id}/history")).status_code == 404
    path = f"/venue/{venue_id}/bookings/{booking_id}"
    # The Mozrest token may not write or read bookings (guest data); no token or a wrong one is 401.
    assert (await mozrest.put(path, json=booking_body())).status_code == 403
    assert (await mozrest.get(path)).status_code == 403
    assert (await mozrest.get(f"{path}/history")).status_code == 403
    assert (await mozrest.get(f"/venue/{venue_id}/checks")).status_code == 403
    async with api.client("wrong") as stranger:
        r = await stranger.put(path, json=booking_body())
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert (await stranger.get(path)).status_code == 401
    assert (await get_booking(rms, venue_id, booking_id)).status_code == 404
