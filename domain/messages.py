"""What crosses API ⇄ workflow ⇄ activity: one pydantic input per workflow, signal and activity.

No guest data travels through Temporal: RMS booking changes are stored in PostgreSQL by the API and
referenced here by revision id, so histories in the Temporal UI show ids, tables and amounts, never names or notes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from domain.pos import PosOrderEvent

TASK_QUEUE_DEFAULT = "mozrest-sync"


def booking_workflow_id(venue_id: str, booking_id: str) -> str:
    return f"booking:{venue_id}:{booking_id}"


def unlinked_checks_workflow_id(venue_id: str) -> str:
    return f"unlinked-checks:{venue_id}"


class PosEventMessage(BaseModel):
    kind: Literal["pos_event"] = "pos_event"
    delivery_id: str  # one per webhook delivery: an activity retry never records a delivery twice
    received_at: datetime
    event: PosOrderEvent


class RmsRevisionMessage(BaseModel):
    kind: Literal["rms_revision"] = "rms_revision"
    delivery_id: str
    revision_id: int


class LinkMessage(BaseModel):
    kind: Literal["link"] = "link"
    delivery_id: str
    check_number: str
    action: Literal["link", "unlink"]


class ResyncMessage(BaseModel):
    """POST .../resync: send the booking to Mozrest again, even if nothing changed."""

    kind: Literal["resync"] = "resync"


class RefreshMessage(BaseModel):
    """Another workflow changed something of this booking (a check moved in or out): recompute."""

    kind: Literal["refresh"] = "refresh"
    reason: str


BookingMessage = Annotated[
    PosEventMessage | RmsRevisionMessage | LinkMessage | RefreshMessage, Field(discriminator="kind")
]


class SyncPolicy(BaseModel):
    debounce_ms: int = 500  # changes within this window are sent together
    give_up_seconds: int = 24 * 3600  # transient failures for this long make the sync `failed`
    request_timeout_seconds: float = 10


class BookingWorkflowInput(BaseModel):
    venue_id: str
    booking_id: str
    idle_grace_seconds: int = 7200  # a finished booking's workflow waits this long for late events
    sync: SyncPolicy = SyncPolicy()
    # carried over continue-as-new
    finished: bool = False
    status: str | None = None
    check_numbers: list[str] | None = None
    accepted_hash: str | None = None
    sync_wanted: bool = False
    pending: list[BookingMessage] = []


class ApplyBookingInput(BaseModel):
    venue_id: str
    booking_id: str
    messages: list[BookingMessage]


class SyncInfo(BaseModel):
    """What the outbound sync needs to know after a batch: a hash, never the payload (it holds guest data)."""

    required: bool
    version: int
    payload_hash: str | None
    checks: list[str] = []  # linked, non-voided, in payload order (for the activity summary)


class ApplyBookingResult(BaseModel):
    check_numbers: list[str]  # checks linked now, for the CheckNumbers search attribute
    status: str | None
    finished: bool  # terminal status and every check closed or voided
    notify: list[str] = []  # other bookings whose checks this batch moved
    sync: SyncInfo


class PushInput(BaseModel):
    venue_id: str
    booking_id: str
    version: int
    force: bool = False  # send even if Mozrest already accepted this exact payload (resync)


class PushResult(BaseModel):
    outcome: Literal["accepted", "unchanged", "still_refused", "not_required"]
    accepted_hash: str | None
    version: int


class MarkFailedInput(BaseModel):
    venue_id: str
    booking_id: str
    error: str


class UnlinkedChecksInput(BaseModel):
    venue_id: str
    idle_seconds: int = 3600  # the workflow completes after this long without events; the next one restarts it
    pending: list[PosEventMessage] = []


class ApplyUnlinkedInput(BaseModel):
    venue_id: str
    messages: list[PosEventMessage]


class ApplyUnlinkedResult(BaseModel):
    notify: list[str] = []  # bookings that gained (or already held) the checks these events touched


class NotifyInput(BaseModel):
    venue_id: str
    booking_ids: list[str]
    reason: str
