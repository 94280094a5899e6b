"""Signal-with-start into the per-booking and per-venue workflows. Returns the workflow id once Temporal has
durably recorded the signal; if Temporal is unreachable the RPCError becomes a 503 (api/errors.py)."""

from __future__ import annotations

from pydantic import BaseModel
from temporalio.client import Client

from config import Settings
from temporal_client import booking_start_options
from workflows import booking, unlinked_checks


async def to_booking(
    client: Client, settings: Settings, venue_id: str, booking_id: str, signal: str, message: BaseModel
) -> str:
    handle = await client.start_workflow(
        booking.BookingWorkflow.run,
        **booking_start_options(settings, venue_id, booking_id),
        start_signal=signal,
        start_signal_args=[message],
    )
    return handle.id


async def to_unlinked_checks(client: Client, settings: Settings, venue_id: str, message: BaseModel) -> str:
    options = unlinked_checks.start_options(venue_id, settings.temporal_task_queue)
    handle = await client.start_workflow(
        unlinked_checks.UnlinkedChecksWorkflow.run, **options, start_signal="pos_event", start_signal_args=[message]
    )
    return handle.id
