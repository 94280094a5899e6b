"""Text PostgreSQL cannot store (NUL) or UTF-8 cannot encode (unpaired surrogates), in every path parameter of
every endpoint and in the string fields of every RMS body: always a 4xx, or a success that really stored it;
never a 500. (The POS webhook's own cases are in test_pos_fuzz.py.)"""

from __future__ import annotations

import json
import re

import pytest

from config import Settings
from tests.pos_support import TABLE_A, booking_body, booking_when, new_id
from tests.security.conftest import Seeded, all_operations, allowed_roles, fast_client, secret
from tests.support import ApiServer

NUL, SURROGATE = "\\u0000", "\\ud800"  # as written in JSON text


def _token(settings: Settings, op: tuple[str, str]) -> str:
    role = "rms" if "rms" in allowed_roles(op) else "mozrest"
    return secret(settings.rms_api_token if role == "rms" else settings.mozrest_webhook_token)


async def test_nul_in_any_path_parameter_is_not_a_server_error(
    api: ApiServer, settings: Settings, seeded: Seeded
) -> None:
    failures = []
    for op in sorted(all_operations(api)):
        params = re.findall(r"\{(\w+)\}", op[1])
        for param in params:
            values = {**seeded.path_parameters(op[1]), param: "a%00b"}
            url = re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x"), op[1])
            async with fast_client(api, _token(settings, op)) as client:
                r = await client.request(op[0], url, json={} if op[0] in ("PUT", "POST") else None)
            if r.status_code >= 500:
                failures.append(f"{op[0]} {url}: {r.status_code} {r.text[:100]}")
    assert not failures, "\n".join(failures)


def _bodies(seeded: Seeded, booking_id: str) -> list[tuple[str, str, object]]:
    """(name, url, body with a "<TEXT>" placeholder); bookings are new, so a 202 can be followed to its end."""
    v = seeded.venue_id
    booking = booking_body(tables=[TABLE_A])
    return [
        ("venue name", f"/venue/{v}-x", {"name": "<TEXT>", "timezone": "UTC"}),
        ("table name", f"/venue/{v}/tables", [{"id": TABLE_A, "name": "<TEXT>"}]),
        ("table id", f"/venue/{v}/tables", [{"id": TABLE_A, "name": "1"}, {"id": "<TEXT>", "name": "2"}]),
        ("booking notes", f"/venue/{v}/bookings/{booking_id}", {**booking, "notes": "<TEXT>"}),
        (
            "guest firstname",
            f"/venue/{v}/bookings/{booking_id}",
            {**booking, "contact": {"firstname": "<TEXT>", "lastname": "L", "locale": "en"}},
        ),
        ("booking checks", f"/venue/{v}/bookings/{booking_id}", {**booking, "checks": ["<TEXT>"]}),
        ("link bookingId", f"/venue/{v}/checks/{seeded.check_number}/booking", {"bookingId": "<TEXT>"}),
    ]


FIELDS = [name for name, _, _ in _bodies(Seeded("v", "b", "c"), "b")]


@pytest.mark.parametrize("literal", ["a" + NUL, SURROGATE + "x"], ids=["nul", "lone-surrogate"])
@pytest.mark.parametrize("field", FIELDS, ids=lambda name: name.replace(" ", "-"))
async def test_unstorable_text_in_rms_bodies_is_refused_or_stored(
    api: ApiServer, settings: Settings, seeded: Seeded, field: str, literal: str
) -> None:
    booking_id = new_id("bk")
    _, url, body = next(b for b in _bodies(seeded, booking_id) if b[0] == field)
    text = json.dumps(body).replace('"<TEXT>"', f'"{literal}"')
    async with fast_client(api, secret(settings.rms_api_token)) as rms:
        r = await rms.put(url, content=text, headers={"Content-Type": "application/json"})
        assert r.status_code < 500, f"{field} = {literal}: {r.status_code} {r.text[:200]}"
        if r.status_code == 202 and "/bookings/" in url:  # accepted: the workflow must be able to apply it
            await booking_when(rms, seeded.venue_id, booking_id, lambda b: b["partySize"] == 2, timeout=10)
