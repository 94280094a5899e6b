"""The outbound half of a booking's workflow: push the booking to Mozrest, coalesced, one request at a time.

It runs as its own coroutine beside the apply loop, so a slow or failing Mozrest never holds up inbound events.
The push activity builds the payload from PostgreSQL at every attempt, so a retry always carries the newest
state and an older state is never sent after a newer one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, TimeoutError

with workflow.unsafe.imports_passed_through():
    from domain.messages import BookingWorkflowInput, MarkFailedInput, PushInput, PushResult, SyncInfo
    from workflows.db_step import run_db_step
    from workflows.search import SYNC_STATUS

# Backoff is computed by the activity (jitter, Retry-After); these bound what Temporal does without a hint.
PUSH_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), backoff_coefficient=2.0, maximum_interval=timedelta(minutes=5)
)


class MozrestSyncer:
    def __init__(self, inp: BookingWorkflowInput, on_change: Callable[[], None] = lambda: None) -> None:
        self.inp = inp
        self.on_change = on_change
        self.wanted = inp.sync_wanted  # a change not yet pushed
        self.forced = False  # resync asked for
        self.busy = False
        self.accepted_hash = inp.accepted_hash
        self.failed_hash: str | None = None
        self.latest: SyncInfo | None = None
        self.status: str | None = None

    @property
    def idle(self) -> bool:
        return not (self.wanted or self.forced or self.busy)

    def observe(self, info: SyncInfo) -> None:
        """After each batch: want a push if what we would send differs from what Mozrest has (or refused)."""
        self.latest = info
        if not info.required:
            self._set_status("not_required")
        elif info.payload_hash not in (self.accepted_hash, self.failed_hash):
            self.wanted = True
            self._set_status("pending")

    def resync(self) -> None:
        self.forced = True

    async def run(self) -> None:
        while True:
            await workflow.wait_condition(lambda: self.wanted or self.forced)
            # Debounce: a burst of changes goes out as one request carrying the last state.
            await workflow.sleep(timedelta(milliseconds=self.inp.sync.debounce_ms))
            force, self.forced, self.wanted = self.forced, False, False
            self.busy = True
            try:
                status = await self._push(force)
            finally:
                self.busy = False
            if not (self.wanted or self.forced):
                self._set_status(status)

    async def _push(self, force: bool) -> str:
        version = self.latest.version if self.latest else 0
        checks = ", ".join(self.latest.checks) if self.latest and self.latest.checks else "none"
        self._set_status("pending")
        try:
            result: PushResult = await workflow.execute_activity(
                "push_booking_to_mozrest",
                PushInput(venue_id=self.inp.venue_id, booking_id=self.inp.booking_id, version=version, force=force),
                result_type=PushResult,
                start_to_close_timeout=timedelta(seconds=self.inp.sync.request_timeout_seconds + 10),
                schedule_to_close_timeout=timedelta(seconds=self.inp.sync.give_up_seconds),
                retry_policy=PUSH_RETRY,
                summary=f"sync v{version} to Mozrest (checks {checks})" + (" [resync]" if force else ""),
            )
        except ActivityError as err:
            return await self._failed(err)
        if result.outcome == "still_refused":  # Mozrest refused this exact payload before: wait for a change
            self.failed_hash = self.latest.payload_hash if self.latest else None
            return "failed"
        self.accepted_hash, self.failed_hash = result.accepted_hash, None
        return "not_required" if result.outcome == "not_required" else "synced"

    async def _failed(self, err: ActivityError) -> str:
        cause = err.cause
        if isinstance(cause, ApplicationError) and cause.type == "MozrestRejected" and cause.details:
            self.failed_hash = cause.details[0]  # the payload Mozrest refused: not re-sent until it changes
            return "failed"
        # Transient failures until SYNC_GIVE_UP_AFTER ran out (Temporal ends the retries with the last error, or a
        # timeout): record the give-up, then wait for the next change or a resync.
        self.failed_hash = self.latest.payload_hash if self.latest else None
        transient = isinstance(cause, TimeoutError) or (
            isinstance(cause, ApplicationError) and cause.type == "MozrestUnavailable"
        )
        reason = "gave up after transient failures" if transient else "push failed"
        await run_db_step(
            "mark_sync_failed",
            MarkFailedInput(venue_id=self.inp.venue_id, booking_id=self.inp.booking_id, error=reason),
            None,
            f"mark sync failed: {reason}",
            timeout_seconds=30,
        )
        return "failed"

    def _set_status(self, status: str) -> None:
        if status != self.status:
            self.status = status
            workflow.upsert_search_attributes([SYNC_STATUS.value_set(status)])
            self.on_change()
