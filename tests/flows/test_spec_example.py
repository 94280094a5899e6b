"""The spec's example event, end to end: webhook → booking workflow → PostgreSQL → GET booking."""

from __future__ import annotations

from decimal import Decimal

import httpx

from tests.pos_support import TABLE_A, booking_when, history_when, make_venue, new_id, pos_event, post_event


async def test_spec_example_end_to_end(rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    workflow_id = await post_event(mozrest, pos_event(venue_id, "98766", booking_id))
    assert workflow_id == f"booking:{venue_id}:{booking_id}"

    booking = await booking_when(rms, venue_id, booking_id, lambda b: len(b["checks"]) == 1)
    assert booking["status"] is None and booking["partySize"] is None  # only the POS has spoken
    check = booking["checks"][0]
    assert check["checkNumber"] == "98766" and check["status"] == "OPEN" and check["linkSource"] == "pos"
    assert check["tables"] == [TABLE_A] and check["partySize"] == 2
    commercials = check["commercials"]
    assert commercials.pop("paymentType") == "credit_card"
    assert {k: Decimal(v) for k, v in commercials.items()} == {
        "totalAmount": Decimal("150"),
        "tax": Decimal("12"),
        "tip": Decimal("20"),
        "discount": Decimal("10"),
        "prepayment": Decimal("0"),
    }
    assert [i["name"] for i in check["items"]] == ["Steak", "Wine"]
    totals = booking["totals"]
    assert (totals.pop("itemCount"), totals.pop("checkCount")) == (3, 1)
    assert {k: Decimal(v) for k, v in totals.items()} == {
        "totalAmount": Decimal("150"),
        "tax": Decimal("12"),
        "tip": Decimal("20"),
        "discount": Decimal("10"),
        "prepayment": Decimal("0"),
    }
    history = await history_when(rms, venue_id, booking_id, lambda h: len(h) >= 2)
    kinds = [(e["kind"], e["outcome"]) for e in history]
    assert ("pos_event", "applied") in kinds and ("link", "applied") in kinds
    assert history[0]["payload"] is None or history[0]["payload"]["checkNumber"] == "98766"
