"""The activities of the booking and unlinked-checks workflows: one transaction per batch, plus notifications."""

from __future__ import annotations

import psycopg
from psycopg_pool import AsyncConnectionPool
from temporalio import activity
from temporalio.client import Client

from activities.booking_batch import apply_booking_batch
from activities.linking import apply_pos_event
from activities.poison import each_isolated, record_rejected
from activities.repo import checks
from config import Settings
from domain.matching import Window
from domain.messages import (
    ApplyBookingInput,
    ApplyBookingResult,
    ApplyUnlinkedInput,
    ApplyUnlinkedResult,
    NotifyInput,
    PosEventMessage,
    RefreshMessage,
)
from temporal_client import booking_start_options
from workflows.booking import BookingWorkflow


class BookingActivities:
    def __init__(self, pool: AsyncConnectionPool, client: Client, settings: Settings) -> None:
        self.pool = pool
        self.client = client
        self.settings = settings
        self.window = Window(settings.match_window_before_minutes * 60, settings.match_window_after_minutes * 60)

    @activity.defn
    async def apply_booking_messages(self, inp: ApplyBookingInput) -> ApplyBookingResult:
        try:
            async with self.pool.connection() as conn, conn.transaction():
                return await apply_booking_batch(conn, inp, self.window)
        except psycopg.DataError:  # see activities/poison.py
            async with self.pool.connection() as conn, conn.transaction():
                return await apply_booking_batch(conn, inp, self.window, isolate=True)

    @activity.defn
    async def apply_unlinked_events(self, inp: ApplyUnlinkedInput) -> ApplyUnlinkedResult:
        try:
            return await self._apply_unlinked(inp, isolate=False)
        except psycopg.DataError:  # see activities/poison.py
            return await self._apply_unlinked(inp, isolate=True)

    async def _apply_unlinked(self, inp: ApplyUnlinkedInput, isolate: bool) -> ApplyUnlinkedResult:
        touched: set[str] = set()
        async with self.pool.connection() as conn, conn.transaction():
            # The venue's matching lock first, then the rows: the same order as a booking being seated, so the two
            # never deadlock (see activities/repo/checks.py lock_venue_matching).
            await checks.lock_venue_matching(conn, inp.venue_id)
            if not isolate:  # isolated, a refused check number must fail inside its own savepoint, not here
                await checks.lock_many(conn, inp.venue_id, [m.event.check_number for m in inp.messages])
            for message in inp.messages:

                async def refused(error: str, message: PosEventMessage = message) -> set[str]:
                    await record_rejected(conn, inp.venue_id, None, message, error)
                    return set()

                touched |= await each_isolated(
                    conn, isolate, lambda message=message: apply_pos_event(conn, message, self.window), refused
                )
        return ApplyUnlinkedResult(notify=sorted(touched))

    @activity.defn
    async def notify_bookings(self, inp: NotifyInput) -> None:
        """Signal-with-start each booking's workflow to recompute (it may have completed meanwhile)."""
        for booking_id in inp.booking_ids:
            await self.client.start_workflow(
                BookingWorkflow.run,
                **booking_start_options(self.settings, inp.venue_id, booking_id),
                start_signal="refresh",
                start_signal_args=[RefreshMessage(reason=inp.reason)],
            )
