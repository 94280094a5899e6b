"""Builders and readers shared by the flow tests: venues with tables, POS events, bookings, polling reads."""

from __future__ import annotations

import copy
import json
import uuid
from decimal import Decimal
from typing import Any

import httpx

from domain.pos import SPEC_EXAMPLE
from tests.support import eventually

TABLE_A = "28c3ce8b-8c10-4a64-8099-f0dffcc549a8"
TABLE_B = "00f8c6da-3967-4e56-98b9-5ee063b05292"
TABLE_C = "5a1d7c3e-0000-4b1e-9c6d-3f0e7d6a9b21"
BASE_TIME = 1719599400


async def make_venue(
    rms: httpx.AsyncClient, venue_id: str, tables: tuple[str, ...] = (TABLE_A, TABLE_B, TABLE_C)
) -> None:
    r = await rms.put(f"/venue/{venue_id}", json={"name": "Test venue", "timezone": "Europe/London"})
    assert r.status_code == 200, r.text
    body = [{"id": t, "name": f"{i:03d}"} for i, t in enumerate(tables, 1)]
    r = await rms.put(f"/venue/{venue_id}/tables", json=body)
    assert r.status_code == 200, r.text


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def pos_event(venue_id: str, check_number: str, booking_id: str | None, **overrides: Any) -> dict[str, Any]:
    """The spec's example payload for this venue, check and booking, with overrides (camelCase keys)."""
    event = copy.deepcopy(SPEC_EXAMPLE)
    event.update(
        venueId=venue_id,
        checkNumber=check_number,
        bookingId=booking_id,
        openedAt=BASE_TIME,
        updatedAt=BASE_TIME,
        date=BASE_TIME,
    )
    commercials = overrides.pop("commercials", None)
    if commercials:
        event["commercials"] = {**event["commercials"], **commercials}
    event.update(overrides)
    return event


def booking_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "partySize": 2,
        "status": "seated",
        "tables": [TABLE_A],
        "date": BASE_TIME,
        "prepayment": 0,
        "contact": {"firstname": "Ada", "lastname": "Lovelace", "locale": "en"},
        "notes": "window seat",
    }
    body.update(overrides)
    return body


async def post_event(mozrest: httpx.AsyncClient, event: dict[str, Any]) -> str:
    r = await mozrest.post("/webhooks/mozrest/pos-orders", json=event)
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "accepted"
    return r.json()["workflowId"]


async def put_booking(rms: httpx.AsyncClient, venue_id: str, booking_id: str, **overrides: Any) -> str:
    r = await rms.put(f"/venue/{venue_id}/bookings/{booking_id}", json=booking_body(**overrides))
    assert r.status_code == 202, r.text
    return r.json()["workflowId"]


async def put_booking_applied(rms: httpx.AsyncClient, venue_id: str, booking_id: str, **overrides: Any) -> dict:
    """PUT the booking and wait until its workflow has applied it (matching runs in that same transaction)."""
    body = booking_body(**overrides)
    await put_booking(rms, venue_id, booking_id, **overrides)
    fields = ("partySize", "status", "tables", "date")
    return await booking_when(rms, venue_id, booking_id, lambda b: all(b[f] == body[f] for f in fields))


async def booking_when(rms: httpx.AsyncClient, venue_id: str, booking_id: str, predicate, timeout: float = 15) -> dict:
    """Poll GET booking until predicate(booking) holds; return the booking."""

    async def check() -> dict:
        r = await rms.get(f"/venue/{venue_id}/bookings/{booking_id}")
        assert r.status_code == 200, r.text
        body = r.json()
        assert predicate(body), body
        return body

    return await eventually(check, timeout=timeout)


async def history_when(rms: httpx.AsyncClient, venue_id: str, booking_id: str, predicate, timeout: float = 15) -> list:
    async def check() -> list:
        r = await rms.get(f"/venue/{venue_id}/bookings/{booking_id}/history")
        assert r.status_code == 200, r.text
        entries = r.json()
        assert predicate(entries), entries
        return entries

    return await eventually(check, timeout=timeout)


MONEY_KEYS = ("totalAmount", "tax", "tip", "discount", "prepayment")


def money(amounts: dict[str, Any]) -> dict[str, Decimal]:
    """The money fields of a commercials or totals object, as exact Decimals (responses carry them as strings)."""
    return {k: Decimal(amounts[k]) for k in MONEY_KEYS}


def raw_json(obj: Any, literals: dict[str, str]) -> str:
    """JSON text of obj in which each string value "<name>" is replaced by literals[name], verbatim
    (so 0.10 or NaN reach the server exactly as written)."""
    text = json.dumps(obj)
    for name, literal in literals.items():
        placeholder = json.dumps(f"<{name}>")
        assert placeholder in text, name
        text = text.replace(placeholder, literal)
    return text


async def post_raw(mozrest: httpx.AsyncClient, text: Any) -> httpx.Response:  # str, bytes or an async iterator
    return await mozrest.post(
        "/webhooks/mozrest/pos-orders", content=text, headers={"Content-Type": "application/json"}
    )


async def get_booking(rms: httpx.AsyncClient, venue_id: str, booking_id: str) -> httpx.Response:
    return await rms.get(f"/venue/{venue_id}/bookings/{booking_id}")


async def list_checks(rms: httpx.AsyncClient, venue_id: str, linked: bool | None = None) -> list[dict]:
    params = {} if linked is None else {"linked": str(linked).lower()}
    r = await rms.get(f"/venue/{venue_id}/checks", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def pos_entries(history: list[dict], check_number: str | None = None) -> list[dict]:
    return [e for e in history if e["kind"] == "pos_event" and check_number in (None, e["checkNumber"])]


def check_numbers(booking: dict) -> list[str]:
    return [c["checkNumber"] for c in booking["checks"]]


def the_check(booking: dict, check_number: str) -> dict:
    found = [c for c in booking["checks"] if c["checkNumber"] == check_number]
    assert len(found) == 1, booking
    return found[0]
