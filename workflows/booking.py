"""BookingWorkflow: one per booking (`booking:{venueId}:{bookingId}`), the single writer of its story.

Signal handlers only record messages; `run()` applies everything pending in one activity (one transaction),
so a burst of POS events costs one activity, not one each. State lives in PostgreSQL; the workflow keeps only
what it needs to decide (pending messages, the checks for search attributes, whether the booking is done).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributePair, TypedSearchAttributes

with workflow.unsafe.imports_passed_through():
    from domain.messages import (
        ApplyBookingInput,
        ApplyBookingResult,
        BookingMessage,
        BookingWorkflowInput,
        LinkMessage,
        NotifyInput,
        PosEventMessage,
        RefreshMessage,
        ResyncMessage,
        RmsRevisionMessage,
        SyncPolicy,
        booking_workflow_id,
    )
    from workflows.booking_sync import MozrestSyncer
    from workflows.db_step import run_db_step
    from workflows.search import BOOKING_ID, CHECK_NUMBERS, VENUE_ID
    from workflows.summaries import describe_batch

MAX_BATCH = 200


def start_options(
    venue_id: str, booking_id: str, task_queue: str, idle_grace_seconds: int = 7200, sync: SyncPolicy | None = None
) -> dict[str, Any]:
    """How every caller starts (or signals) a booking's workflow, so ids, attributes and summary agree."""
    return {
        "arg": BookingWorkflowInput(
            venue_id=venue_id, booking_id=booking_id, idle_grace_seconds=idle_grace_seconds, sync=sync or SyncPolicy()
        ),
        "id": booking_workflow_id(venue_id, booking_id),
        "task_queue": task_queue,
        "search_attributes": TypedSearchAttributes(
            [SearchAttributePair(VENUE_ID, venue_id), SearchAttributePair(BOOKING_ID, booking_id)]
        ),
        "static_summary": f"Booking {booking_id} at venue {venue_id}",
    }


@workflow.defn
class BookingWorkflow:
    @workflow.init
    def __init__(self, inp: BookingWorkflowInput) -> None:
        self.pending: list[BookingMessage] = list(inp.pending)
        self.check_numbers: list[str] | None = inp.check_numbers
        self.status: str | None = inp.status
        self.sync = MozrestSyncer(inp, on_change=self._show_details)

    @workflow.signal(name="pos_event")
    def pos_event(self, message: PosEventMessage) -> None:
        self.pending.append(message)

    @workflow.signal(name="rms_booking")
    def rms_booking(self, message: RmsRevisionMessage) -> None:
        self.pending.append(message)

    @workflow.signal(name="link_check")
    def link_check(self, message: LinkMessage) -> None:
        self.pending.append(message)

    @workflow.signal(name="refresh")
    def refresh(self, message: RefreshMessage) -> None:
        self.pending.append(message)

    @workflow.signal(name="resync")
    def resync(self, message: ResyncMessage) -> None:
        self.sync.resync()

    @workflow.query(name="pending_count")
    def pending_count(self) -> int:
        return len(self.pending)

    @workflow.run
    async def run(self, inp: BookingWorkflowInput) -> None:
        syncing = asyncio.create_task(self.sync.run())
        self._show_details()
        finished = inp.finished
        while True:
            try:
                await workflow.wait_condition(
                    lambda: bool(self.pending) or (self.sync.idle and workflow.info().is_continue_as_new_suggested()),
                    timeout=timedelta(seconds=inp.idle_grace_seconds) if finished else None,
                )
            except asyncio.TimeoutError:
                if not self.pending and self.sync.idle:
                    syncing.cancel()
                    return  # done, and quiet for the grace period; a later event starts a new run
                continue
            if self.pending:
                finished = await self._apply(inp)
            elif self.sync.idle and workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                syncing.cancel()
                workflow.continue_as_new(
                    inp.model_copy(
                        update={
                            "pending": self.pending,
                            "finished": finished,
                            "status": self.status,
                            "check_numbers": self.check_numbers,
                            "accepted_hash": self.sync.accepted_hash,
                            "sync_wanted": self.sync.wanted,
                        }
                    )
                )

    def _show_details(self) -> None:
        """The UI's "current details": where the booking stands (ids and states only; it survives continue-as-new,
        unlike the static summary)."""
        info = workflow.info()
        checks = ", ".join(self.check_numbers or []) or "none"
        workflow.set_current_details(
            f"Booking {self.sync.inp.booking_id} at venue {self.sync.inp.venue_id}\n\n"
            f"status **{self.status or 'unknown (POS only)'}** · checks {checks} · sync **{self.sync.status or '-'}**"
            + (f" · run {info.run_id[:8]} (continued)" if info.continued_run_id else "")
        )

    async def _apply(self, inp: BookingWorkflowInput) -> bool:
        batch, self.pending = self.pending[:MAX_BATCH], self.pending[MAX_BATCH:]
        result = await run_db_step(
            "apply_booking_messages",
            ApplyBookingInput(venue_id=inp.venue_id, booking_id=inp.booking_id, messages=batch),
            ApplyBookingResult,
            describe_batch(batch),
        )
        if result.check_numbers != self.check_numbers:
            self.check_numbers = result.check_numbers
            workflow.upsert_search_attributes([CHECK_NUMBERS.value_set(result.check_numbers)])
        self.status = result.status
        self.sync.observe(result.sync)
        self._show_details()
        if result.notify:
            await run_db_step(
                "notify_bookings",
                NotifyInput(
                    venue_id=inp.venue_id, booking_ids=result.notify, reason=f"check moved from {inp.booking_id}"
                ),
                None,
                f"tell bookings {', '.join(result.notify)} their checks changed",
                timeout_seconds=30,
            )
        return result.finished
