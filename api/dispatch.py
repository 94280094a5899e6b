"""Signal-with-start into the per-booking and per-venue workflows. Returns the workflow id once Temporal has
durably recorded the signal; if Temporal is unreachable the RPCError becomes a 503 (api/errors.py).

At most MAX_INFLIGHT_SIGNALS are in flight: past that the API answers 503 with Retry-After at once, so under
overload Mozrest backs off and retries instead of timing out while we keep working on deliveries it gave up on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import BaseModel
from temporalio.client import Client

from config import Settings
from temporal_client import booking_start_options
from workflows import booking, unlinked_checks


class Overloaded(Exception):
    """Too many signals in flight; the caller should retry shortly."""


class Dispatcher:
    def __init__(self, client: Client, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self.in_flight = 0

    @asynccontextmanager
    async def _slot(self) -> AsyncIterator[None]:
        if self.in_flight >= self.settings.max_inflight_signals:
            raise Overloaded
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1

    async def to_booking(self, venue_id: str, booking_id: str, signal: str, message: BaseModel) -> str:
        async with self._slot():
            handle = await self.client.start_workflow(
                booking.BookingWorkflow.run,
                **booking_start_options(self.settings, venue_id, booking_id),
                start_signal=signal,
                start_signal_args=[message],
            )
        return handle.id

    async def to_unlinked_checks(self, venue_id: str, message: BaseModel) -> str:
        options = unlinked_checks.start_options(venue_id, self.settings.temporal_task_queue)
        async with self._slot():
            handle = await self.client.start_workflow(
                unlinked_checks.UnlinkedChecksWorkflow.run,
                **options,
                start_signal="pos_event",
                start_signal_args=[message],
            )
        return handle.id
