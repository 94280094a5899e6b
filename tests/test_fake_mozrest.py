"""The fake Mozrest (devstack/fake_mozrest.py), over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from devstack.fake_mozrest import FakeMozrest, Rule

API_KEY = "test-key-" + uuid.uuid4().hex
AUTH = {"Authorization": f"Bearer {API_KEY}"}


def payload(**overrides: Any) -> dict[str, Any]:
    body = {
        "bookingId": "b-" + uuid.uuid4().hex,
        "venueId": "v-" + uuid.uuid4().hex,
        "partySize": 4,
        "status": "seated",
        "tables": ["28c3ce8b-8c10-4a64-8099-f0dffcc549a8"],
        "date": 1639578600,
        "prepayment": 50.5,
        "contact": {"firstname": "Johnny", "lastname": "Peanutless", "locale": "en"},
        "notes": "allergic to peanuts",
        "checks": ["ca5f07b6e", "5f07b6233"],
    }
    body.update(overrides)
    return body


@pytest.fixture(scope="module")
async def fake():
    server = await FakeMozrest(api_key=API_KEY).start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture(scope="module")
async def client(fake: FakeMozrest):
    async with httpx.AsyncClient(base_url=fake.url, timeout=10) as c:
        yield c


@pytest.fixture(autouse=True)
def _fresh(fake: FakeMozrest):
    fake.reset()


async def test_valid_payload_is_accepted_and_recorded(fake: FakeMozrest, client: httpx.AsyncClient):
    assert fake.url.startswith("http://127.0.0.1:") and not fake.url.endswith(":0")
    assert fake.rms_url == fake.url + "/rms"
    body = payload()
    resp = await client.post("/rms", json=body, headers=AUTH)
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok"}

    [rec] = fake.requests(booking_id=body["bookingId"])
    assert rec.valid and rec.errors == []
    assert rec.auth_present and rec.auth_valid
    assert rec.content_type == "application/json"
    assert rec.body == body
    assert rec.answered_status == 200 and rec.answered_at >= rec.received_at
    assert rec.booking is not None and rec.booking.prepayment == Decimal("50.5")
    assert "authorization" not in rec.headers

    over_http = (await client.get("/_control/requests", params={"bookingId": body["bookingId"]})).json()
    assert [r["booking_id"] for r in over_http] == [body["bookingId"]]
    assert over_http[0]["body"] == body and over_http[0]["answered_status"] == 200
    assert (await client.get("/_control/requests", params={"bookingId": "nobody"})).json() == []


@pytest.mark.parametrize(
    "raw_number, expected",
    [
        ("0", Decimal(0)),
        ("50", Decimal(50)),
        ("50.25", Decimal("50.25")),
        ("0.1000000000000000055511151231257827", Decimal("0.1000000000000000055511151231257827")),
    ],
)
async def test_prepayment_accepts_any_json_number_as_exact_decimal(fake, client, raw_number, expected):
    body = payload()
    raw = json.dumps(body).replace('"prepayment": 50.5', f'"prepayment": {raw_number}')
    resp = await client.post("/rms", content=raw, headers={**AUTH, "Content-Type": "application/json"})
    assert resp.status_code == 200, resp.text
    [rec] = fake.requests(body["bookingId"])
    assert rec.booking.prepayment == expected


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {API_KEY}"},
        {"Authorization": f"Bearer {API_KEY}x"},
        {"Authorization": "Bearer"},
    ],
)
async def test_missing_or_wrong_key_is_401_and_recorded(fake, client, headers):
    fake.add_rule(503)  # rules only apply to requests with a valid key
    body = payload()
    resp = await client.post("/rms", json=body, headers=headers)
    assert resp.status_code == 401
    assert resp.headers["www-authenticate"] == "Bearer"
    [rec] = fake.requests(body["bookingId"])
    assert rec.auth_present == bool(headers) and not rec.auth_valid
    assert rec.answered_status == 401 and rec.rule is None
    assert len(fake.rules()) == 1
    assert (await client.post("/rms", json=body, headers=AUTH)).status_code == 503


@pytest.mark.parametrize(
    "change, bad_loc",
    [
        ({"surprise": 1}, ["surprise"]),
        ({"partySize": 0}, ["partySize"]),
        ({"partySize": "4"}, ["partySize"]),
        ({"partySize": 4.0}, ["partySize"]),
        ({"status": "SEATED"}, ["status"]),
        ({"status": "cancelled"}, ["status"]),
        ({"tables": [1]}, ["tables", 0]),
        ({"checks": "ca5f07b6e"}, ["checks"]),
        ({"date": 1639578600.5}, ["date"]),
        ({"date": True}, ["date"]),
        ({"prepayment": "50.00"}, ["prepayment"]),
        ({"prepayment": True}, ["prepayment"]),
        ({"prepayment": None}, ["prepayment"]),
        ({"prepayment": -1}, ["prepayment"]),
        ({"venueId": 60}, ["venueId"]),
        ({"notes": 5}, ["notes"]),
        ({"contact": {"firstname": "J", "lastname": "D", "locale": "en", "phone": "1"}}, ["contact", "phone"]),
        ({"contact": {"firstname": "J", "lastname": "D"}}, ["contact", "locale"]),
        ({"contact": None}, ["contact"]),
    ],
)
async def test_invalid_shape_is_400_with_errors(fake, client, change, bad_loc):
    body = payload(**change)
    resp = await client.post("/rms", json=body, headers=AUTH)
    assert resp.status_code == 400
    detail = resp.json()["detail"]
    assert bad_loc in [e["loc"] for e in detail], detail
    [rec] = fake.requests(body["bookingId"])
    assert not rec.valid and rec.booking is None
    assert rec.errors == detail and rec.answered_status == 400
    assert rec.body == body  # the raw body is kept even when it is invalid


async def test_missing_key_is_400(fake, client):
    body = payload()
    del body["notes"]
    resp = await client.post("/rms", json=body, headers=AUTH)
    assert resp.status_code == 400
    assert ["notes"] in [e["loc"] for e in resp.json()["detail"]]


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2", b'{"prepayment": NaN}', b"\xff\xfe"])
async def test_non_json_body_is_400_and_recorded(fake, client, raw):
    resp = await client.post("/rms", content=raw, headers={**AUTH, "Content-Type": "application/json"})
    assert resp.status_code == 400
    [rec] = fake.requests()
    assert rec.body is None and rec.body_text is not None
    assert rec.errors[0]["type"] == "json_invalid" and not rec.valid and rec.answered_status == 400


async def test_wrong_content_type_is_400(fake, client):
    body = payload()
    resp = await client.post("/rms", content=json.dumps(body), headers={**AUTH, "Content-Type": "text/plain"})
    assert resp.status_code == 400
    [rec] = fake.requests(body["bookingId"])
    assert rec.content_type == "text/plain" and rec.errors[0]["loc"] == ["header", "content-type"]


async def test_rule_fails_three_times_then_ok(fake, client):
    resp = await client.post("/_control/rules", json=[{"status": 503, "count": 3}])
    assert resp.status_code == 200 and resp.json()["rules"][0]["count"] == 3
    body = payload()
    statuses = [(await client.post("/rms", json=body, headers=AUTH)).status_code for _ in range(4)]
    assert statuses == [503, 503, 503, 200]
    assert [r.answered_status for r in fake.requests(body["bookingId"])] == [503, 503, 503, 200]
    assert all(r.valid for r in fake.requests())
    assert (await client.get("/_control/rules")).json() == {"rules": []}


async def test_rule_sets_retry_after_and_body(fake, client):
    fake.add_rules(
        {"status": 429, "count": 1, "retry_after": 7, "body": '{"error": "slow down"}'}, Rule(status=500, body="boom")
    )
    first = await client.post("/rms", json=payload(), headers=AUTH)
    assert first.status_code == 429
    assert first.headers["retry-after"] == "7"
    assert first.json() == {"error": "slow down"}
    second = await client.post("/rms", json=payload(), headers=AUTH)
    assert second.status_code == 500 and second.text == "boom"
    assert "retry-after" not in second.headers
    assert (await client.post("/rms", json=payload(), headers=AUTH)).status_code == 200


async def test_rule_scoped_to_one_booking(fake, client):
    a, b = payload(), payload()
    await client.post("/_control/rules", json={"status": 502, "count": 1, "booking_id": a["bookingId"]})
    assert (await client.post("/rms", json=b, headers=AUTH)).status_code == 200
    assert (await client.post("/rms", json=a, headers=AUTH)).status_code == 502
    assert (await client.post("/rms", json=a, headers=AUTH)).status_code == 200
    [scripted, ok] = fake.requests(a["bookingId"])
    assert scripted.rule is not None and scripted.rule.booking_id == a["bookingId"] and ok.rule is None


async def test_rules_apply_in_order(fake, client):
    fake.add_rules({"status": 500}, {"status": 503, "count": 2})
    codes = [(await client.post("/rms", json=payload(), headers=AUTH)).status_code for _ in range(4)]
    assert codes == [500, 503, 503, 200]


async def test_delays_still_answer(fake, client):
    assert (await client.post("/_control/latency", json={"delay_ms": 20})).json() == {"delay_ms": 20}
    fake.add_rule(201, delay_ms=30)
    resp = await client.post("/rms", json=payload(), headers=AUTH)
    assert resp.status_code == 201
    [rec] = fake.requests()
    assert rec.rule.delay_ms == 30 and rec.answered_status == 201
    assert fake.state.delay_ms == 20


async def test_bad_control_input_is_400_and_changes_nothing(fake, client):
    resp = await client.post("/_control/rules", json=[{"status": 503}, {"status": 99}, {"status": 500, "x": 1}])
    assert resp.status_code == 400
    locs = [e["loc"] for e in resp.json()["detail"]]
    assert [1, "status"] in locs and [2, "x"] in locs
    assert fake.rules() == []
    assert (await client.post("/_control/rules", content=b"nope")).status_code == 400
    assert (await client.post("/_control/latency", json={"delay_ms": -1})).status_code == 400
    assert fake.state.delay_ms == 0


async def test_reset_clears_log_rules_and_latency(fake, client):
    fake.set_latency(5)
    fake.add_rule(503, count=5)
    await client.post("/rms", json=payload(), headers=AUTH)
    assert len(fake.requests()) == 1
    assert (await client.delete("/_control/requests")).status_code == 200
    assert (await client.get("/_control/requests")).json() == []
    assert (await client.get("/_control/rules")).json() == {"rules": []}
    assert fake.state.delay_ms == 0
    assert (await client.post("/rms", json=payload(), headers=AUTH)).status_code == 200


async def test_health(client):
    assert (await client.get("/_control/health")).json() == {"status": "ok"}


async def test_html_page_lists_requests_without_guest_data(fake, client):
    body = payload(tables=["t-<one>", "t-two"], checks=["chk-777"], status="completed")
    await client.post("/rms", json=body, headers=AUTH)
    page = await client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert body["bookingId"] in text
    assert "completed" in text and "t-&lt;one&gt;, t-two" in text and "chk-777" in text
    assert "<td>200</td>" in text
    assert "Johnny" not in text and "Peanutless" not in text and "peanuts" not in text


async def test_log_line_has_booking_and_status_but_no_guest_data_or_key(fake, client, caplog):
    body = payload()
    with caplog.at_level(logging.INFO, logger="devstack.fake_mozrest"):
        await client.post("/rms", json=body, headers=AUTH)
    lines = [r.getMessage() for r in caplog.records if r.name == "devstack.fake_mozrest"]
    assert len(lines) == 1
    assert body["bookingId"] in lines[0] and "200" in lines[0]
    for secret in ("Johnny", "Peanutless", "peanuts", API_KEY):
        assert secret not in lines[0]


async def test_wait_for_requests(fake, client):
    body = payload()
    task = asyncio.create_task(client.post("/rms", json=body, headers=AUTH))
    [rec] = await fake.wait_for_requests(1, booking_id=body["bookingId"], timeout=5)
    assert rec.answered_status == 200
    assert (await task).status_code == 200
    with pytest.raises(TimeoutError):
        await fake.wait_for_requests(1, booking_id="never-sent", timeout=0.05)


async def test_start_on_port_zero_and_stop_cleanly():
    before = {t for t in asyncio.all_tasks() if not t.done()}
    fake = await FakeMozrest(api_key="k").start(port=0)
    port = int(fake.url.rsplit(":", 1)[1])
    assert port > 0
    async with httpx.AsyncClient(timeout=5) as c:
        assert (await c.post(fake.rms_url, json=payload(), headers={"Authorization": "Bearer k"})).status_code == 200
    await fake.stop()
    await fake.stop()  # idempotent
    lingering = {t for t in asyncio.all_tasks() if not t.done()} - before - {asyncio.current_task()}
    assert lingering == set()
    async with httpx.AsyncClient(timeout=5) as c:
        with pytest.raises(httpx.ConnectError):
            await c.get(f"http://127.0.0.1:{port}/_control/health")


async def test_two_fakes_do_not_share_state():
    async with FakeMozrest(api_key="one") as one, FakeMozrest(api_key="two") as two:
        assert one.url != two.url
        async with httpx.AsyncClient(timeout=5) as c:
            await c.post(one.rms_url, json=payload(), headers={"Authorization": "Bearer one"})
        assert len(one.requests()) == 1 and two.requests() == []
