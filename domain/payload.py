"""The booking payload we POST to Mozrest (spec section 3.1), built from our state, encoded exactly.

Pure functions: the apply activity uses them to version the payload, the push activity to build what it sends.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from domain.booking import TERMINAL_STATUSES

PAYLOAD_KEYS = (
    "bookingId",
    "venueId",
    "partySize",
    "status",
    "tables",
    "date",
    "prepayment",
    "contact",
    "notes",
    "checks",
)


def build_payload(
    venue_id: str,
    booking_id: str,
    *,
    party_size: int,
    status: str,
    tables: list[str],
    date: int,
    prepayment: Decimal,
    contact: dict[str, Any] | None,
    notes: str | None,
    checks: list[str],
) -> dict[str, Any]:
    """`checks`: the linked, non-voided check numbers, already ordered by openedAt then checkNumber."""
    contact = contact or {}
    return {
        "bookingId": booking_id,
        "venueId": venue_id,
        "partySize": party_size,
        "status": status,
        "tables": list(tables),
        "date": date,
        "prepayment": prepayment,
        "contact": {k: contact.get(k) for k in ("firstname", "lastname", "locale")},
        "notes": notes,
        "checks": list(checks),
    }


def _encode(value: Any) -> str:
    if isinstance(value, Decimal):
        # A JSON number with exactly the decimal's digits: money never passes through float.
        if not value.is_finite():
            raise ValueError("money must be finite")
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    if isinstance(value, float):
        raise TypeError("floats are not allowed in a Mozrest payload")
    return json.dumps(value, ensure_ascii=False)


def encode_payload(payload: dict[str, Any]) -> bytes:
    return _encode(payload).encode()


def payload_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(encode_payload(payload)).hexdigest()


def sync_required(already: bool, has_rms_booking: bool, status: str | None, live_checks: int) -> bool:
    """Sent once the RMS has given us the booking and it is seated or holds a check; after that, always.

    A booking only the POS has mentioned cannot be sent: the spec's payload needs the RMS's fields."""
    if already:
        return True
    return has_rms_booking and (status == "seated" or live_checks > 0)


def is_terminal(status: str | None) -> bool:
    return status in TERMINAL_STATUSES
