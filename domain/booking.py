"""Bookings as the RMS knows them (spec section 3.1 without the ids), and the state we show back."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints

from domain.models import ApiModel, NonBlank
from domain.money import ZERO, Money
from domain.pos import Commercials, Item, UnixSeconds

BookingStatus = Literal[
    "pending_confirmation", "requires_payment", "confirmed", "rejected", "canceled", "no-show", "seated", "completed"
]
TERMINAL_STATUSES = frozenset({"completed", "canceled", "no-show", "rejected"})
LinkSource = Literal["pos", "table_match", "manual", "rms"]
GuestText = Annotated[str, StringConstraints(max_length=2000)]


class Contact(ApiModel):
    firstname: Annotated[str, StringConstraints(max_length=200)] | None = None
    lastname: Annotated[str, StringConstraints(max_length=200)] | None = None
    locale: Annotated[str, StringConstraints(max_length=35)] | None = None


class BookingIn(ApiModel):
    """PUT /venue/{venueId}/bookings/{bookingId}: the booking as the RMS knows it now."""

    party_size: Annotated[int, Field(ge=1, le=10_000)]
    status: BookingStatus
    tables: Annotated[list[NonBlank], Field(max_length=100)] = []
    date: UnixSeconds
    prepayment: Annotated[Money, Field(ge=0)] = ZERO
    contact: Contact = Contact()
    notes: GuestText | None = None
    checks: Annotated[list[NonBlank], Field(max_length=100)] | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "partySize": 4,
                    "status": "seated",
                    "tables": ["28c3ce8b-8c10-4a64-8099-f0dffcc549a8"],
                    "date": 1639578600,
                    "prepayment": 50.00,
                    "contact": {"firstname": "John", "lastname": "Doe", "locale": "en"},
                    "notes": "I am allergic to peanuts",
                    "checks": ["ca5f07b6e"],
                }
            ]
        }
    )


class CheckView(ApiModel):
    check_number: str
    status: str
    tables: list[str]
    party_size: int | None
    opened_at: int | None
    updated_at: int | None
    closed_at: int | None
    voided_at: int | None
    commercials: Commercials
    items: list[Item]
    link_source: LinkSource | None


class Totals(ApiModel):
    """Exact sums over the booking's non-voided checks."""

    total_amount: Decimal = ZERO
    tax: Decimal = ZERO
    tip: Decimal = ZERO
    discount: Decimal = ZERO
    prepayment: Decimal = ZERO
    item_count: int = 0
    check_count: int = 0


SyncState = Literal["not_required", "pending", "synced", "failed"]


class SyncView(ApiModel):
    state: SyncState
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    attempts: int = 0


class BookingSummary(ApiModel):
    """A row of GET /venue/{venueId}/bookings."""

    booking_id: str
    status: BookingStatus | None
    sync_state: SyncState
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None


class BookingView(ApiModel):
    venue_id: str
    booking_id: str
    party_size: int | None
    status: BookingStatus | None
    tables: list[str] | None
    date: int | None
    prepayment: Decimal | None
    contact: Contact | None
    notes: str | None
    checks: list[CheckView]
    totals: Totals
    sync: SyncView


class HistoryEntry(ApiModel):
    at: str
    kind: Literal["pos_event", "rms_change", "link", "unlink", "sync_attempt"]
    outcome: str
    summary: str
    check_number: str | None
    payload: dict[str, Any] | None


class CheckSummary(ApiModel):
    """A row of GET /venue/{venueId}/checks, where staff find unlinked checks to match by hand."""

    check_number: str
    booking_id: str | None
    link_source: LinkSource | None
    status: str
    tables: list[str]
    party_size: int | None
    opened_at: int | None
    updated_at: int | None
    total_amount: Decimal


class ManualLink(ApiModel):
    booking_id: NonBlank


class Accepted(ApiModel):
    status: Literal["accepted"] = "accepted"
    workflow_id: str
