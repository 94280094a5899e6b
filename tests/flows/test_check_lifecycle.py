"""A check's life: void, un-void (a later OPEN re-opens it), and close with final commercials and items."""

from __future__ import annotations

from decimal import Decimal

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


def status_is(status: str):
    return lambda booking: [c["status"] for c in booking["checks"]] == [status]


async def test_void_then_later_update_reopens_the_check(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    await post_event(mozrest, pos_event(venue_id, "c1", booking_id))
    await booking_when(rms, venue_id, booking_id, lambda b: b["totals"]["checkCount"] == 1)

    voided_at = BASE_TIME + 600
    await post_event(
        mozrest,
        pos_event(venue_id, "c1", booking_id, type="void", status="VOID", updatedAt=voided_at, voidedAt=voided_at),
    )
    booking = await booking_when(rms, venue_id, booking_id, status_is("VOID"))
    assert booking["checks"][0]["voidedAt"] == voided_at
    assert booking["totals"]["checkCount"] == 0 and booking["totals"]["itemCount"] == 0
    assert set(money(booking["totals"]).values()) == {Decimal(0)}

    await post_event(
        mozrest,
        pos_event(
            venue_id,
            "c1",
            booking_id,
            type="update",
            status="OPEN",
            updatedAt=voided_at + 60,
            voidedAt=None,
            commercials={"totalAmount": 95.5},
        ),
    )
    booking = await booking_when(rms, venue_id, booking_id, status_is("OPEN"))
    check = the_check(booking, "c1")
    assert check["voidedAt"] is None and check["updatedAt"] == voided_at + 60
    assert booking["totals"]["checkCount"] == 1
    assert money(booking["totals"])["totalAmount"] == Decimal("95.5")
    history = await history_when(rms, venue_id, booking_id, lambda h: len(pos_entries(h)) == 3)
    assert [e["outcome"] for e in pos_entries(history)] == ["applied"] * 3
    assert "VOID" in pos_entries(history)[1]["summary"]


async def test_void_by_status_on_an_update_event_voids_too(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    await post_event(mozrest, pos_event(venue_id, "c1", booking_id))
    await post_event(
        mozrest, pos_event(venue_id, "c1", booking_id, type="update", status="VOID", updatedAt=BASE_TIME + 5)
    )
    booking = await booking_when(rms, venue_id, booking_id, status_is("VOID"))
    assert booking["totals"]["checkCount"] == 0


async def test_close_keeps_final_commercials_items_and_closed_at(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    await post_event(mozrest, pos_event(venue_id, "c1", booking_id))
    closed_at = BASE_TIME + 5400
    final = {"totalAmount": 212.35, "tax": 17.35, "tip": 30, "discount": 5.5, "prepayment": 20, "paymentType": "cash"}
    items = [
        {"id": 1, "name": "Steak", "price": 40.0, "quantity": 3},
        {"id": 3, "name": "Tiramisu", "price": 8.75, "quantity": 2},
    ]
    await post_event(
        mozrest,
        pos_event(
            venue_id,
            "c1",
            booking_id,
            type="update",
            status="CLOSE",
            updatedAt=closed_at,
            closedAt=closed_at,
            commercials=final,
            items=items,
        ),
    )

    booking = await booking_when(rms, venue_id, booking_id, status_is("CLOSE"))
    check = the_check(booking, "c1")
    assert check["closedAt"] == closed_at and check["voidedAt"] is None
    assert money(check["commercials"]) == {k: Decimal(str(v)) for k, v in final.items() if k != "paymentType"}
    assert check["commercials"]["paymentType"] == "cash"
    assert [(i["id"], i["name"], Decimal(i["price"]), i["quantity"]) for i in check["items"]] == [
        (1, "Steak", Decimal("40.0"), 3),
        (3, "Tiramisu", Decimal("8.75"), 2),
    ]
    assert booking["totals"]["itemCount"] == 5 and booking["totals"]["checkCount"] == 1  # closed still counts
    assert money(booking["totals"])["totalAmount"] == Decimal("212.35")
