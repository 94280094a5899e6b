"""Bad POS webhook input gets a 4xx naming the field (422 `detail[].loc`, 413 for size) and stores nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.pos_support import get_booking, list_checks, make_venue, new_id, pos_event, post_event, post_raw, raw_json
from tests.support import ApiServer, eventually

Mutation = Callable[[dict[str, Any]], None]

WRONG: dict[str, tuple[Mutation, list]] = {
    "party size as string": (lambda e: e.update(partySize="2"), ["body", "partySize"]),
    "party size as bool": (lambda e: e.update(partySize=True), ["body", "partySize"]),
    "money as string": (
        lambda e: e["commercials"].update(totalAmount="150.00"),
        ["body", "commercials", "totalAmount"],
    ),
    "money as bool": (lambda e: e["commercials"].update(tip=True), ["body", "commercials", "tip"]),
    "updatedAt with a fraction": (lambda e: e.update(updatedAt=1535548784.5), ["body", "updatedAt"]),
    "updatedAt as float": (lambda e: e.update(updatedAt=1535548784.0), ["body", "updatedAt"]),
    "missing status": (lambda e: e.pop("status"), ["body", "status"]),
    "missing check number": (lambda e: e.pop("checkNumber"), ["body", "checkNumber"]),
    "missing commercials": (lambda e: e.pop("commercials"), ["body", "commercials"]),
    "unknown type": (lambda e: e.update(type="delete"), ["body", "type"]),
    "unknown status": (lambda e: e.update(status="OPENED"), ["body", "status"]),
    "negative quantity": (lambda e: e["items"][1].update(quantity=-1), ["body", "items", 1, "quantity"]),
    "fractional quantity": (lambda e: e["items"][0].update(quantity=1.5), ["body", "items", 0, "quantity"]),
    "tables not a list": (lambda e: e.update(tables="t1"), ["body", "tables"]),
    "table id not a string": (lambda e: e.update(tables=[7]), ["body", "tables", 0]),
    "blank check number": (lambda e: e.update(checkNumber="  "), ["body", "checkNumber"]),
    "money with 5 decimals": (lambda e: e["commercials"].update(tax=0.00001), ["body", "commercials", "tax"]),
    "negative timestamp": (lambda e: e.update(openedAt=-1), ["body", "openedAt"]),
}

# Raw JSON text: each is the valid event with one value replaced verbatim.
RAW: dict[str, tuple[str, str, list]] = {
    "NaN money": ("commercials.totalAmount", "NaN", ["body", "commercials", "totalAmount"]),
    "Infinity money": ("commercials.tip", "Infinity", ["body", "commercials", "tip"]),
    "-Infinity price": ("items.0.price", "-Infinity", ["body", "items", 0, "price"]),
    "NaN party size": ("partySize", "NaN", ["body", "partySize"]),
}


def place(event: dict[str, Any], path: str) -> None:
    *parents, last = path.split(".")
    node: Any = event
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = f"<{path}>"


@pytest.fixture
async def venue(rms: httpx.AsyncClient, venue_id: str) -> str:
    await make_venue(rms, venue_id)
    return venue_id


async def assert_nothing_stored(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str, booking_id: str
) -> None:
    """A valid unlinked event after the bad ones goes through the same venue queue: once it shows, none of the
    bad ones (all sent without a bookingId too) was there before it."""
    assert (await get_booking(rms, venue_id, booking_id)).status_code == 404
    await post_event(mozrest, pos_event(venue_id, "sentinel", None))

    async def only_the_sentinel() -> bool:
        assert [c["checkNumber"] for c in await list_checks(rms, venue_id)] == ["sentinel"]
        return True

    await eventually(only_the_sentinel)


async def test_wrong_types_missing_fields_and_unknown_enums_are_422_naming_the_field(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue: str
) -> None:
    booking_id = new_id("bk")
    for why, (mutate, loc) in WRONG.items():
        for with_booking in (booking_id, None):
            event = pos_event(venue, "bad", with_booking)
            mutate(event)
            r = await mozrest.post("/webhooks/mozrest/pos-orders", json=event)
            assert r.status_code == 422, (why, r.text)
            assert loc in [e["loc"] for e in r.json()["detail"]], (why, r.json())
    await assert_nothing_stored(rms, mozrest, venue, booking_id)


async def test_nan_infinity_duplicate_keys_and_non_json_are_422(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue: str
) -> None:
    booking_id = new_id("bk")
    for why, (path, literal, loc) in RAW.items():
        event = pos_event(venue, "bad", booking_id)
        place(event, path)
        r = await post_raw(mozrest, raw_json(event, {path: literal}))
        assert r.status_code == 422, (why, r.text)
        assert loc in [e["loc"] for e in r.json()["detail"]], (why, r.json())

    valid = json.dumps(pos_event(venue, "bad", None))
    duplicate = valid.replace('"status": "OPEN"', '"status": "OPEN", "status": "VOID"')
    nested_duplicate = valid.replace('"tip": 20.0', '"tip": 20.0, "tip": 2')
    for why, body, loc in (
        ("duplicate key", duplicate, ["body", "status"]),
        ("nested duplicate key", nested_duplicate, ["body", "commercials", "tip"]),
        ("not JSON", "type=create&venueId=x", ["body"]),
        ("truncated JSON", valid[:-5], ["body"]),
        ("a JSON list", "[" + valid + "]", ["body"]),
        ("empty body", "", ["body"]),
        ("bad UTF-8", b'{"type": "\xff"}', ["body"]),
    ):
        r = await post_raw(mozrest, body)
        assert r.status_code == 422, (why, r.text)
        assert loc in [e["loc"] for e in r.json()["detail"]], (why, r.json())
    await assert_nothing_stored(rms, mozrest, venue, booking_id)


async def test_body_over_one_mib_is_413(rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue: str) -> None:
    booking_id = new_id("bk")
    event = pos_event(
        venue, "big", booking_id, items=[{"id": i, "name": "x" * 400, "price": 1, "quantity": 1} for i in range(3000)]
    )
    assert len(json.dumps(event)) > 1024 * 1024
    r = await mozrest.post("/webhooks/mozrest/pos-orders", json=event)
    assert r.status_code == 413 and "detail" in r.json()

    async def chunked():
        yield json.dumps(event).encode()

    r = await post_raw(mozrest, chunked())
    assert r.status_code == 413
    assert (await get_booking(rms, venue, booking_id)).status_code == 404


async def test_unknown_venue_is_404_and_wrong_tokens_are_401_or_403(
    api: ApiServer, rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue: str
) -> None:
    ghost = new_id("ghost-venue")
    r = await mozrest.post("/webhooks/mozrest/pos-orders", json=pos_event(ghost, "c1", "b1"))
    assert r.status_code == 404 and ghost in r.json()["detail"]
    event = pos_event(venue, "c1", new_id("bk"))
    async with api.client("not-the-token") as stranger, api.client() as anonymous:
        for client in (stranger, anonymous):
            r = await client.post("/webhooks/mozrest/pos-orders", json=event)
            assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert (await rms.post("/webhooks/mozrest/pos-orders", json=event)).status_code == 403
    assert (await get_booking(rms, venue, event["bookingId"])).status_code == 404
