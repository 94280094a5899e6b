"""Load shedding: past MAX_INFLIGHT_SIGNALS the API answers 503 with Retry-After at once, and stores nothing."""

from __future__ import annotations

from psycopg_pool import AsyncConnectionPool
from temporalio.client import Client

from config import Settings
from tests.pos_support import make_venue, new_id, pos_event
from tests.support import ExtraStack


async def test_a_full_api_sheds_load_with_503_and_retry_after(
    temporal_client: Client, pool: AsyncConnectionPool, settings: Settings, venue_id: str
) -> None:
    async with ExtraStack(temporal_client, pool, settings, max_inflight_signals=0) as stack:
        async with (
            stack.api.client(settings.rms_api_token) as rms,
            stack.api.client(settings.mozrest_webhook_token) as mozrest,
        ):
            await make_venue(rms, venue_id)
            booking_id = new_id("bk")
            r = await mozrest.post("/webhooks/mozrest/pos-orders", json=pos_event(venue_id, "c1", booking_id))
            assert r.status_code == 503 and r.headers["retry-after"] == "1"
            assert "retry" in r.json()["detail"]
            r = await rms.put(
                f"/venue/{venue_id}/bookings/{booking_id}",
                json={"partySize": 2, "status": "seated", "date": 1719599400},
            )
            assert r.status_code == 503
            assert (await rms.get(f"/venue/{venue_id}/bookings/{booking_id}")).status_code == 404
            assert stack.api.app.state.dispatcher.in_flight == 0
