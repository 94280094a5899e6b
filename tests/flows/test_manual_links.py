"""Staff link and unlink checks by hand; automatic matching respects that in both directions."""

from __future__ import annotations

import httpx

from domain.messages import booking_workflow_id
from tests.pos_support import (
    BASE_TIME,
    TABLE_A,
    TABLE_B,
    TABLE_C,
    booking_when,
    check_numbers,
    history_when,
    list_checks,
    make_venue,
    new_id,
    pos_event,
    post_event,
    put_booking_applied,
)
from tests.support import eventually

OPENED = BASE_TIME


async def unlinked_when(rms: httpx.AsyncClient, venue_id: str, predicate) -> list[dict]:
    async def check() -> list[dict]:
        rows = await list_checks(rms, venue_id, linked=False)
        assert predicate(rows), rows
        return rows

    return await eventually(check)


def numbers(rows: list[dict]) -> list[str]:
    return [r["checkNumber"] for r in rows]


async def new_unlinked_check(mozrest: httpx.AsyncClient, rms: httpx.AsyncClient, venue_id: str) -> None:
    await post_event(mozrest, pos_event(venue_id, "c1", None, tables=[TABLE_A]))
    await unlinked_when(rms, venue_id, lambda rows: numbers(rows) == ["c1"])


async def link(rms: httpx.AsyncClient, venue_id: str, booking_id: str) -> None:
    r = await rms.put(f"/venue/{venue_id}/checks/c1/booking", json={"bookingId": booking_id})
    assert r.status_code == 202, r.text
    assert r.json()["workflowId"] == booking_workflow_id(venue_id, booking_id)
    booking = await booking_when(rms, venue_id, booking_id, lambda b: check_numbers(b) == ["c1"])
    assert booking["checks"][0]["linkSource"] == "manual"


async def test_manual_link_then_unlink_and_reseating_does_not_rematch(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    await put_booking_applied(rms, venue_id, booking_id, status="confirmed", tables=[TABLE_C], date=OPENED)
    await new_unlinked_check(mozrest, rms, venue_id)
    await link(rms, venue_id, booking_id)

    r = await rms.delete(f"/venue/{venue_id}/checks/c1/booking")
    assert r.status_code == 202, r.text
    await booking_when(rms, venue_id, booking_id, lambda b: b["checks"] == [])
    await unlinked_when(rms, venue_id, lambda rows: numbers(rows) == ["c1"])
    history = await history_when(rms, venue_id, booking_id, lambda h: any(e["kind"] == "unlink" for e in h))
    assert [e["kind"] for e in history if e["kind"] in ("link", "unlink")] == ["link", "unlink"]
    assert "manual" in next(e for e in history if e["kind"] == "link")["summary"]

    # Seated on the check's table, in the window: it would match, but staff unlinked it by hand.
    await put_booking_applied(rms, venue_id, booking_id, status="seated", tables=[TABLE_A], date=OPENED)
    await put_booking_applied(rms, venue_id, booking_id, status="seated", tables=[TABLE_A, TABLE_B], date=OPENED)
    assert check_numbers(await booking_when(rms, venue_id, booking_id, lambda b: True)) == []
    # Nor does a later POS event of the check without a bookingId.
    await post_event(mozrest, pos_event(venue_id, "c1", None, type="update", tables=[TABLE_A], updatedAt=OPENED + 9))
    await unlinked_when(
        rms, venue_id, lambda rows: [(r["checkNumber"], r["updatedAt"]) for r in rows] == [("c1", OPENED + 9)]
    )
    assert check_numbers(await booking_when(rms, venue_id, booking_id, lambda b: True)) == []


async def test_table_match_never_overrides_a_manual_link(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    manual, rival = new_id("bk-manual"), new_id("bk-rival")
    await put_booking_applied(rms, venue_id, manual, status="confirmed", tables=[TABLE_C], date=OPENED - 7200)
    await new_unlinked_check(mozrest, rms, venue_id)
    await link(rms, venue_id, manual)

    await put_booking_applied(rms, venue_id, rival, status="seated", tables=[TABLE_A], date=OPENED)
    await put_booking_applied(rms, venue_id, rival, status="seated", tables=[TABLE_A, TABLE_B], date=OPENED)
    assert check_numbers(await booking_when(rms, venue_id, rival, lambda b: True)) == []
    booking = await booking_when(rms, venue_id, manual, lambda b: True)
    assert [(c["checkNumber"], c["linkSource"]) for c in booking["checks"]] == [("c1", "manual")]


async def test_manual_link_moves_a_table_matched_check(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    matched, chosen = new_id("bk-matched"), new_id("bk-chosen")
    await put_booking_applied(rms, venue_id, matched, status="seated", tables=[TABLE_A], date=OPENED)
    await put_booking_applied(rms, venue_id, chosen, status="confirmed", tables=[TABLE_C], date=OPENED)
    await post_event(mozrest, pos_event(venue_id, "c1", None, tables=[TABLE_A]))
    await booking_when(rms, venue_id, matched, lambda b: check_numbers(b) == ["c1"])
    await link(rms, venue_id, chosen)
    await booking_when(rms, venue_id, matched, lambda b: b["checks"] == [])
    history = await history_when(rms, venue_id, matched, lambda h: any(e["kind"] == "unlink" for e in h))
    assert chosen in next(e for e in history if e["kind"] == "unlink")["summary"]


async def test_unknown_check_or_booking_is_404_and_unlinking_an_unlinked_check_409(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    await put_booking_applied(rms, venue_id, booking_id, status="confirmed", tables=[TABLE_C], date=OPENED)
    await new_unlinked_check(mozrest, rms, venue_id)

    r = await rms.put(f"/venue/{venue_id}/checks/nope/booking", json={"bookingId": booking_id})
    assert r.status_code == 404 and "nope" in r.json()["detail"]
    r = await rms.put(f"/venue/{venue_id}/checks/c1/booking", json={"bookingId": "ghost"})
    assert r.status_code == 404 and "ghost" in r.json()["detail"]
    assert (await rms.delete(f"/venue/{venue_id}/checks/nope/booking")).status_code == 404
    assert (await rms.delete(f"/venue/{venue_id}/checks/c1/booking")).status_code == 409
    ghost_venue = new_id("ghost")
    assert (await rms.put(f"/venue/{ghost_venue}/checks/c1/booking", json={"bookingId": booking_id})).status_code == 404
    assert (await rms.get(f"/venue/{ghost_venue}/checks")).status_code == 404
    r = await rms.put(f"/venue/{venue_id}/checks/c1/booking", json={"booking": booking_id})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "bookingId"]
    assert numbers(await list_checks(rms, venue_id, linked=False)) == ["c1"]
