"""POST /webhooks/mozrest/pos-orders with bad input (see pos_inputs.py): never a 5xx; a refused event leaves no
trace (no booking, no check, no history row, no workflow); an accepted one (202) is really stored, so a payload
the database cannot hold is never acknowledged and then lost in a retry loop.

Each input gets its own venue, check and booking ids, so "nothing stored" is exact."""

from __future__ import annotations

import httpx
import hypothesis
import pytest
from hypothesis import HealthCheck, Phase, given
from psycopg_pool import AsyncConnectionPool
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from config import Settings
from domain.messages import booking_workflow_id, unlinked_checks_workflow_id
from tests.pos_support import (
    TABLE_A,
    TABLE_B,
    booking_when,
    check_numbers,
    list_checks,
    make_venue,
    new_id,
    pos_event,
    post_event,
)
from tests.security.conftest import fast_client, secret
from tests.security.pos_inputs import ACCEPT, EITHER, NASTY, BadInput, bad_inputs
from tests.support import ApiServer, eventually

STORED_WITHIN = 10  # seconds from 202 to the event's history row


async def _rows(pool: AsyncConnectionPool, venue_id: str) -> dict[str, int]:
    async with pool.connection() as conn:
        counts = {}
        for table in ("bookings", "checks", "history"):
            cur = await conn.execute(f"SELECT count(*) FROM {table} WHERE venue_id = %s", (venue_id,))  # noqa: S608
            counts[table] = (await cur.fetchone())[0]
        return counts


async def _workflows(client: Client, venue_id: str, booking_id: str) -> list[str]:
    found = []
    for workflow_id in (booking_workflow_id(venue_id, booking_id), unlinked_checks_workflow_id(venue_id)):
        try:
            await client.get_workflow_handle(workflow_id).describe()
            found.append(workflow_id)
        except RPCError as err:
            assert err.status == RPCStatusCode.NOT_FOUND, err
    return found


async def _submit(
    api: ApiServer, settings: Settings, pool: AsyncConnectionPool, temporal: Client, bad: BadInput
) -> None:
    venue_id, check_number, booking_id = new_id("fz-venue"), new_id("fz-chk"), new_id("fz-bk")
    async with (
        fast_client(api, secret(settings.rms_api_token)) as rms,
        fast_client(api, secret(settings.mozrest_webhook_token)) as mozrest,
    ):
        assert (await rms.put(f"/venue/{venue_id}", json={"name": "Fuzz", "timezone": "UTC"})).status_code == 200
        tables = [{"id": TABLE_A, "name": "001"}, {"id": TABLE_B, "name": "002"}]
        assert (await rms.put(f"/venue/{venue_id}/tables", json=tables)).status_code == 200
        body = bad.body(venue_id, check_number, booking_id)
        r = await mozrest.post(
            "/webhooks/mozrest/pos-orders", content=body, headers={"Content-Type": "application/json"}
        )
        what = f"{bad.name}: {r.status_code} {r.text[:300]}\nbody: {body[:300]!r}"
        assert r.status_code < 500, what
        if bad.expect != EITHER:
            assert (r.status_code == 202) == (bad.expect == ACCEPT) and r.status_code < 500, what
        if r.status_code == 202:
            await _stored(pool, venue_id, what)
            return
        assert 400 <= r.status_code < 500, what
        if r.status_code == 422:
            assert isinstance(r.json()["detail"], list) and r.json()["detail"][0]["loc"][0] == "body", what
        assert (await rms.get(f"/venue/{venue_id}/bookings/{booking_id}")).status_code == 404, what
    assert await _rows(pool, venue_id) == {"bookings": 0, "checks": 0, "history": 0}, what
    assert await _workflows(temporal, venue_id, booking_id) == [], what


async def _stored(pool: AsyncConnectionPool, venue_id: str, what: str) -> None:
    async def check() -> bool:
        rows = await _rows(pool, venue_id)
        assert rows["history"] >= 1 and rows["checks"] >= 1, rows
        return True

    try:
        await eventually(check, timeout=STORED_WITHIN)
    except AssertionError as exc:
        raise AssertionError(f"accepted with 202 but not stored within {STORED_WITHIN}s: {what}") from exc


@pytest.mark.parametrize("bad", NASTY, ids=lambda bad: bad.name)
async def test_named_bad_pos_orders(
    api: ApiServer, settings: Settings, pool: AsyncConnectionPool, temporal_client: Client, bad: BadInput
) -> None:
    await _submit(api, settings, pool, temporal_client, bad)


@hypothesis.settings(
    max_examples=60,
    deadline=None,
    database=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure may wait STORED_WITHIN per replay
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(bad=bad_inputs())
async def test_random_bad_pos_orders(
    api: ApiServer, settings: Settings, pool: AsyncConnectionPool, temporal_client: Client, bad: BadInput
) -> None:
    await _submit(api, settings, pool, temporal_client, bad)


async def test_the_unmodified_example_is_accepted_and_stored(
    api: ApiServer, settings: Settings, pool: AsyncConnectionPool, temporal_client: Client
) -> None:
    """The harness itself: the spec example is accepted and stored, so the refusals above mean something."""
    await _submit(api, settings, pool, temporal_client, BadInput("spec example", ACCEPT, "unknownField", "1"))


async def _post_unstorable(mozrest: httpx.AsyncClient, venue_id: str, check: str, booking_id: str | None) -> None:
    """An event PostgreSQL cannot hold (a NUL in an item name): it may be refused, or accepted and recorded as
    failed, but it must never hold up what comes after it."""
    bad = BadInput("NUL in an item name", EITHER, "items.0.name", '"Steak\\u0000"')
    body = bad.body(venue_id, check, booking_id or "")
    if booking_id is None:
        body = body.replace(b'"bookingId": ""', b'"bookingId": null')
    r = await mozrest.post("/webhooks/mozrest/pos-orders", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code in (202, 422), r.text


async def test_an_unstorable_event_does_not_block_later_events_of_its_booking(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    booking_id, first, second = new_id("bk"), new_id("chk"), new_id("chk")
    await _post_unstorable(mozrest, venue_id, first, booking_id)
    await post_event(mozrest, pos_event(venue_id, second, booking_id))
    await booking_when(rms, venue_id, booking_id, lambda b: second in check_numbers(b), timeout=STORED_WITHIN)


async def test_an_unstorable_unlinked_event_does_not_block_the_venues_other_checks(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str
) -> None:
    await make_venue(rms, venue_id)
    first, second = new_id("chk"), new_id("chk")
    await _post_unstorable(mozrest, venue_id, first, None)
    await post_event(mozrest, pos_event(venue_id, second, None))

    async def listed() -> bool:
        return second in [c["checkNumber"] for c in await list_checks(rms, venue_id)]

    await eventually(listed, timeout=STORED_WITHIN)
