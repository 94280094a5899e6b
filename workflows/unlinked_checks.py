"""UnlinkedChecksWorkflow: one per venue (`unlinked-checks:{venueId}`), for POS events that carry no bookingId
and whose check is not linked yet. It applies them durably (so nothing is lost while no booking fits), tries
to match each check to a seated booking, and tells the bookings that gained a check to recompute.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributePair, TypedSearchAttributes

with workflow.unsafe.imports_passed_through():
    from domain.messages import (
        ApplyUnlinkedInput,
        ApplyUnlinkedResult,
        NotifyInput,
        PosEventMessage,
        UnlinkedChecksInput,
        unlinked_checks_workflow_id,
    )
    from workflows.booking import MAX_BATCH
    from workflows.db_step import run_db_step
    from workflows.search import VENUE_ID
    from workflows.summaries import describe_batch


def start_options(venue_id: str, task_queue: str) -> dict[str, Any]:
    return {
        "arg": UnlinkedChecksInput(venue_id=venue_id),
        "id": unlinked_checks_workflow_id(venue_id),
        "task_queue": task_queue,
        "search_attributes": TypedSearchAttributes([SearchAttributePair(VENUE_ID, venue_id)]),
        "static_summary": f"POS checks without a booking at venue {venue_id}",
    }


@workflow.defn
class UnlinkedChecksWorkflow:
    def __init__(self) -> None:
        self.pending: list[PosEventMessage] = []

    @workflow.signal(name="pos_event")
    def pos_event(self, message: PosEventMessage) -> None:
        self.pending.append(message)

    @workflow.run
    async def run(self, inp: UnlinkedChecksInput) -> None:
        self.pending = list(inp.pending) + self.pending
        while True:
            try:
                await workflow.wait_condition(
                    lambda: bool(self.pending) or workflow.info().is_continue_as_new_suggested(),
                    timeout=timedelta(seconds=inp.idle_seconds),
                )
            except asyncio.TimeoutError:
                if not self.pending:
                    return
            if self.pending:
                await self._apply(inp.venue_id)
            elif workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(inp.model_copy(update={"pending": self.pending}))

    async def _apply(self, venue_id: str) -> None:
        batch, self.pending = self.pending[:MAX_BATCH], self.pending[MAX_BATCH:]
        result = await run_db_step(
            "apply_unlinked_events",
            ApplyUnlinkedInput(venue_id=venue_id, messages=batch),
            ApplyUnlinkedResult,
            describe_batch(batch),
        )
        if result.notify:
            await run_db_step(
                "notify_bookings",
                NotifyInput(venue_id=venue_id, booking_ids=result.notify, reason="POS event of a linked check"),
                None,
                f"tell bookings {', '.join(result.notify)} their checks changed",
                timeout_seconds=30,
            )
