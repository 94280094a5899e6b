"""A fixed stream of POS events and RMS booking changes for one venue, a client that retries like Mozrest,
and a venue-independent snapshot of the outcome, so a faulted run can be compared with a fault-free one."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

import httpx

from domain.pos import SPEC_EXAMPLE

BASE = 1719599400
OPENED = BASE + 60  # checks open a minute after the booking's time


def at(seconds: int) -> int:
    return OPENED + seconds


BOOKINGS = 8
TABLES = [f"table-{i}" for i in range(BOOKINGS + 2)]


@dataclass
class Op:
    kind: str  # "pos" | "rms"
    booking: int | None  # index; None: a POS event without bookingId
    body: dict[str, Any] = field(default_factory=dict)
    check: str = ""


def _event(check: str, booking: int | None, updated: int, **changes: Any) -> Op:
    body = {
        **SPEC_EXAMPLE,
        "checkNumber": check,
        "openedAt": OPENED,
        "updatedAt": at(updated),
        "date": BASE,
        "tables": [TABLES[booking if booking is not None else 0]],
        "items": SPEC_EXAMPLE["items"],
    }
    body["commercials"] = {**SPEC_EXAMPLE["commercials"], "totalAmount": 100.25 + updated}  # exact in binary
    body.update(changes)
    return Op("pos", booking, body, check)


def build_stream(seed: int = 7) -> list[Op]:
    """Per booking: seat it, two checks (one closed, one voided then un-voided), a party-size change; plus two
    checks with no bookingId that table matching must place; 5% duplicates; some deliveries out of order."""
    ops: list[Op] = []
    for b in range(BOOKINGS):
        ops.append(
            Op(
                "rms",
                b,
                {
                    "partySize": 2,
                    "status": "seated",
                    "tables": [TABLES[b]],
                    "date": BASE,
                    "prepayment": 10.5,
                    "contact": {"firstname": "Rel", "lastname": "Iable"},
                },
            )
        )
    for b in range(BOOKINGS):
        c1, c2 = f"c{b}-1", f"c{b}-2"
        ops += [
            _event(c1, b, 0, type="create"),
            _event(c1, b, 10, type="update"),
            _event(c1, b, 20, type="update", status="CLOSE", closedAt=at(20)),
            _event(c2, b, 0, type="create"),
            _event(c2, b, 5, type="void", status="VOID", voidedAt=at(5)),
            _event(c2, b, 15, type="update", status="OPEN"),
        ]
    for i in range(2):  # walk-ins on booking i's table, opened after the booking's time
        ops.append(_event(f"w{i}", None, 30, tables=[TABLES[i]], bookingId=None))
    for b in range(0, BOOKINGS, 2):
        ops.append(Op("rms", b, {**ops[b].body, "partySize": 4}))
    rng = random.Random(seed)
    # The seats go first; everything after arrives shuffled (POS order is restored by updatedAt). Each booking
    # has at most one RMS change after its seat, so the RMS's own order is kept.
    rest = ops[BOOKINGS:]
    rng.shuffle(rest)
    rest += [rng.choice([o for o in rest if o.kind == "pos"]) for _ in range(len(rest) // 20)]  # duplicates
    return ops[:BOOKINGS] + rest


def booking_id(venue: str, index: int) -> str:
    return f"{venue}-b{index}"


async def send(client: httpx.AsyncClient, venue: str, op: Op, deadline: float = 120) -> None:
    """Deliver one op, retrying on 503, timeouts and refused connections with backoff, as Mozrest does."""
    if op.kind == "rms":
        method, url = "PUT", f"/venue/{venue}/bookings/{booking_id(venue, op.booking)}"
        body = op.body
    else:
        method, url = "POST", "/webhooks/mozrest/pos-orders"
        body = {
            **op.body,
            "venueId": venue,
            "bookingId": booking_id(venue, op.booking) if op.booking is not None else None,
        }
    loop = asyncio.get_running_loop()
    give_up, delay = loop.time() + deadline, 0.1
    while True:
        try:
            r = await client.request(method, url, json=body, timeout=10)
            if r.status_code in (200, 202):
                return
            assert r.status_code == 503, f"{method} {url}: {r.status_code} {r.text}"
        except httpx.TransportError:
            pass
        assert loop.time() < give_up, f"{method} {url}: not accepted within {deadline}s"
        await asyncio.sleep(delay)  # the sender's backoff, not a wait for our state
        delay = min(delay * 2, 1.0)


async def snapshot(rms: httpx.AsyncClient, fake_requests: list[dict], venue: str) -> dict[str, Any]:
    """Every booking's checks, totals, links and sync state, plus the last payload Mozrest received for it,
    with the venue's ids replaced by their index so two venues' runs compare equal."""
    result: dict[str, Any] = {}
    for b in range(BOOKINGS):
        bid = booking_id(venue, b)
        r = await rms.get(f"/venue/{venue}/bookings/{bid}")
        if r.status_code != 200:
            result[f"b{b}"] = r.status_code
            continue
        view = r.json()
        view.pop("venueId"), view.pop("bookingId")
        sync = view.pop("sync")
        view["syncState"] = sync["state"]
        sent = [q["body"] for q in fake_requests if q.get("booking_id") == bid and q.get("answered_status") == 200]
        last = dict(sent[-1]) if sent else None
        if last:
            last["bookingId"], last["venueId"] = f"b{b}", "venue"
        view["lastAccepted"] = last
        result[f"b{b}"] = view
    return result
