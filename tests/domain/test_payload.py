"""The Mozrest payload: spec shape, exact decimals, stable hash, when a booking must be sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from activities.mozrest_push import backoff_seconds, retry_after_seconds
from domain.payload import PAYLOAD_KEYS, build_payload, encode_payload, payload_hash, sync_required


def _payload(**overrides) -> dict:
    fields = dict(
        party_size=4,
        status="seated",
        tables=["t1"],
        date=1639578600,
        prepayment=Decimal("50.00"),
        contact={"firstname": "John", "lastname": "Doe", "locale": "en", "extra": "x"},
        notes="peanuts",
        checks=["ca5f07b6e", "5f07b6233"],
    )
    fields.update(overrides)
    return build_payload("v1", "b1", **fields)


def test_payload_has_exactly_the_spec_keys_in_order() -> None:
    payload = _payload()
    assert tuple(payload) == PAYLOAD_KEYS
    assert payload["contact"] == {"firstname": "John", "lastname": "Doe", "locale": "en"}


def test_money_is_encoded_with_its_exact_digits() -> None:
    body = encode_payload(_payload(prepayment=Decimal("12345678901234.5678"))).decode()
    assert '"prepayment":12345678901234.5678' in body
    assert json.loads(body, parse_float=Decimal)["prepayment"] == Decimal("12345678901234.5678")
    assert '"prepayment":0.10' in encode_payload(_payload(prepayment=Decimal("0.10"))).decode()
    with pytest.raises(TypeError):
        encode_payload({"prepayment": 0.1})


def test_unicode_survives_and_the_hash_follows_content() -> None:
    body = encode_payload(_payload(notes='Zoë ☕ "quoted"'))
    assert json.loads(body)["notes"] == 'Zoë ☕ "quoted"'
    assert payload_hash(_payload()) == payload_hash(_payload())
    assert payload_hash(_payload()) != payload_hash(_payload(checks=["ca5f07b6e"]))


@pytest.mark.parametrize(
    ("already", "has_rms", "status", "checks", "expected"),
    [
        (False, True, "seated", 0, True),
        (False, True, "confirmed", 0, False),
        (False, True, "confirmed", 1, True),
        (False, False, None, 3, False),  # only the POS knows it: nothing to send
        (True, True, "completed", 0, True),  # once sent, every later change is sent
    ],
)
def test_when_a_booking_must_be_sent(
    already: bool, has_rms: bool, status: str | None, checks: int, expected: bool
) -> None:
    assert sync_required(already, has_rms, status, checks) is expected


def test_backoff_doubles_from_one_second_to_the_cap_with_jitter() -> None:
    for attempt, base in [(1, 1), (2, 2), (3, 4), (9, 256), (10, 300), (30, 300)]:
        delay = backoff_seconds(attempt, 1, 300)
        assert base * 0.8 <= delay <= base * 1.2, (attempt, delay)


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert retry_after_seconds("2", now) == 2
    assert retry_after_seconds((now + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT"), now) == 30
    assert retry_after_seconds("soon", now) == 0 and retry_after_seconds(None, now) == 0
