"""Giving up after SYNC_GIVE_UP_AFTER, and what an operator sees in Temporal: SyncStatus and summaries."""

from __future__ import annotations

from datetime import timedelta

import httpx
from psycopg_pool import AsyncConnectionPool
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from config import Settings
from devstack.fake_mozrest import FakeMozrest
from tests.pos_support import booking_when, make_venue, new_id, pos_event, post_event, put_booking
from tests.support import ExtraStack, eventually
from workflows.search import SYNC_STATUS


async def test_transient_failures_for_the_give_up_period_end_failed(
    temporal_client: Client, pool: AsyncConnectionPool, settings: Settings, fake_mozrest: FakeMozrest, venue_id: str
) -> None:
    async with ExtraStack(temporal_client, pool, settings, sync_give_up_after=timedelta(seconds=4)) as stack:
        async with stack.api.client(settings.rms_api_token) as rms:
            await make_venue(rms, venue_id)
            booking_id = new_id("bk")
            fake_mozrest.add_rule(503, count=1000, booking_id=booking_id)
            await put_booking(rms, venue_id, booking_id)
            booking = await booking_when(
                rms, venue_id, booking_id, lambda b: b["sync"]["state"] == "failed", timeout=30
            )
            assert booking["sync"]["lastError"] == "gave up after transient failures"
            assert booking["sync"]["attempts"] >= 2
            handle = temporal_client.get_workflow_handle(f"booking:{venue_id}:{booking_id}")
            await eventually(lambda: _sync_status_is(handle, "failed"))


async def _sync_status_is(handle, expected: str) -> bool:  # noqa: ANN001
    description = await handle.describe()
    assert description.typed_search_attributes.get(SYNC_STATUS) == expected
    return True


async def test_operator_sees_sync_status_and_readable_summaries(
    rms: httpx.AsyncClient, mozrest: httpx.AsyncClient, venue_id: str, temporal_client: Client
) -> None:
    await make_venue(rms, venue_id)
    booking_id = new_id("bk")
    await put_booking(rms, venue_id, booking_id)
    await post_event(mozrest, pos_event(venue_id, "98766", booking_id))
    await booking_when(
        rms, venue_id, booking_id, lambda b: b["sync"]["state"] == "synced" and len(b["checks"]) == 1, timeout=20
    )
    handle = temporal_client.get_workflow_handle(f"booking:{venue_id}:{booking_id}")
    await eventually(lambda: _sync_status_is(handle, "synced"))

    async def summaries() -> list[str]:
        found = []
        async for event in handle.fetch_history_events():
            # Activities, and local activities (recorded as markers), both carry their summary.
            scheduled = (EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, EventType.EVENT_TYPE_MARKER_RECORDED)
            if event.event_type in scheduled and event.user_metadata.HasField("summary"):
                found.append(
                    temporal_client.data_converter.payload_converter.from_payload(event.user_metadata.summary, str)
                )
        assert any(s.startswith("sync v") and "to Mozrest (checks 98766)" in s for s in found), found
        assert any(s == "apply 1 POS event (check 98766: OPEN)" for s in found), found
        return found

    found = await eventually(summaries)
    assert not any("Ada" in s or "Lovelace" in s or "window seat" in s for s in found)
