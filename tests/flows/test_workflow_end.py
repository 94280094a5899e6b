"""A booking's workflow completes once the booking is terminal, every check is closed or voided and the idle
grace has passed (1 s here, on a second API + worker); a later event starts a new run from PostgreSQL."""

from __future__ import annotations

from psycopg_pool import AsyncConnectionPool
from temporalio.client import Client, WorkflowExecutionStatus

from config import Settings
from tests.pos_support import (
    BASE_TIME,
    booking_when,
    check_numbers,
    make_venue,
    new_id,
    pos_event,
    post_event,
    put_booking,
)
from tests.support import ExtraStack, eventually


async def test_terminal_closed_and_idle_booking_completes_and_restarts_on_a_late_event(
    temporal_client: Client, pool: AsyncConnectionPool, settings: Settings, venue_id: str
) -> None:
    async with (
        ExtraStack(temporal_client, pool, settings, booking_idle_grace_seconds=1) as stack,
        stack.api.client(settings.rms_api_token) as rms,
        stack.api.client(settings.mozrest_webhook_token) as mozrest,
    ):
        await make_venue(rms, venue_id)
        booking_id = new_id("bk")
        workflow_id = await put_booking(rms, venue_id, booking_id)
        await post_event(mozrest, pos_event(venue_id, "c1", booking_id))
        await post_event(mozrest, pos_event(venue_id, "c2", booking_id))
        await post_event(
            mozrest,
            pos_event(
                venue_id,
                "c1",
                booking_id,
                type="update",
                status="CLOSE",
                updatedAt=BASE_TIME + 60,
                closedAt=BASE_TIME + 60,
            ),
        )
        await post_event(
            mozrest,
            pos_event(
                venue_id,
                "c2",
                booking_id,
                type="void",
                status="VOID",
                updatedAt=BASE_TIME + 60,
                voidedAt=BASE_TIME + 60,
            ),
        )
        await put_booking(rms, venue_id, booking_id, status="completed")
        await booking_when(
            rms,
            venue_id,
            booking_id,
            lambda b: b["status"] == "completed" and [c["status"] for c in b["checks"]] == ["CLOSE", "VOID"],
        )
        handle = temporal_client.get_workflow_handle(workflow_id)

        async def completed() -> bool:
            assert (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED
            return True

        await eventually(completed, timeout=20)

        # A late event (a tip added after closing) starts a new run, which picks up the state from PostgreSQL.
        late = pos_event(venue_id, "c3", booking_id, updatedAt=BASE_TIME + 3600)
        assert await post_event(mozrest, late) == workflow_id
        booking = await booking_when(rms, venue_id, booking_id, lambda b: check_numbers(b) == ["c1", "c2", "c3"])
        assert booking["status"] == "completed" and booking["totals"]["checkCount"] == 2

        async def second_run() -> bool:
            runs = [w async for w in temporal_client.list_workflows(f"WorkflowId = '{workflow_id}'")]
            assert {w.status for w in runs} == {WorkflowExecutionStatus.RUNNING, WorkflowExecutionStatus.COMPLETED}
            assert len(runs) == 2
            return True

        await eventually(second_run)
