"""A booking's totals are exact Decimal sums over its non-voided checks (raw JSON text, so no float sneaks in)."""

from __future__ import annotations

from decimal import Decimal

import httpx

from tests.pos_support import (
    BASE_TIME,
    booking_when,
    make_venue,
    money,
    new_id,
    pos_event,
    post_event,
    post_raw,
    raw_json,
    the_check,
)

CHECK_1 = {"totalAmount": "0.10", "tax": "150.10", "tip": "12345678901234.5678", "discount": "0.1", "prepayment": "0.7"}
CHECK_2 = {"totalAmount": "0.20", "tax": "0.20", "tip": "0.0001", "discount": "0.2", "prepayment": "0.1"}


def exact_event(venue_id: str, check_number: str, booking_id: str, amounts: dict[str, str], **overrides) -> str:
    event = pos_event(venue_id, check_number, booking_id, **overrides)
    event["commercials"] = {**event["commercials"], **{k: f"<{k}>" for k in amounts}}
    return raw_json(event, amounts)


async def test_two_checks_sum_exactly_and_a_voided_check_drops_out(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    for number, amounts in (("c1", CHECK_1), ("c2", CHECK_2)):
        text = exact_event(venue_id, number, booking_id, amounts)
        assert '"totalAmount": 0.' in text  # a JSON number, not a string
        r = await post_raw(mozrest, text)
        assert r.status_code == 202, r.text

    booking = await booking_when(rms, venue_id, booking_id, lambda b: b["totals"]["checkCount"] == 2)
    expected = {k: Decimal(CHECK_1[k]) + Decimal(CHECK_2[k]) for k in CHECK_1}
    assert expected["totalAmount"] == Decimal("0.30") and expected["tip"] == Decimal("12345678901234.5679")
    assert money(booking["totals"]) == expected
    assert money(the_check(booking, "c1")["commercials"]) == {k: Decimal(v) for k, v in CHECK_1.items()}
    assert the_check(booking, "c1")["commercials"]["tip"] == "12345678901234.5678"  # not a float on the way out
    assert booking["totals"]["itemCount"] == 6

    big = {"totalAmount": "999.99", "tax": "1.01", "tip": "0.5", "discount": "0", "prepayment": "3"}
    await post_raw(mozrest, exact_event(venue_id, "c3", booking_id, big))
    booking = await booking_when(rms, venue_id, booking_id, lambda b: b["totals"]["checkCount"] == 3)
    assert money(booking["totals"])["totalAmount"] == Decimal("1000.29")

    await post_event(
        mozrest,
        pos_event(
            venue_id, "c3", booking_id, type="void", status="VOID", updatedAt=BASE_TIME + 60, voidedAt=BASE_TIME + 60
        ),
    )
    booking = await booking_when(rms, venue_id, booking_id, lambda b: b["totals"]["checkCount"] == 2)
    assert money(booking["totals"]) == expected
    assert booking["totals"]["itemCount"] == 6
    assert [c["checkNumber"] for c in booking["checks"]] == ["c1", "c2", "c3"]  # the void is still listed
    assert the_check(booking, "c3")["status"] == "VOID"
