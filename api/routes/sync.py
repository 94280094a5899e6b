"""The outbound sync, for people: which bookings need attention, and a button to send one again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status

from activities.repo import bookings as bookings_repo
from activities.repo import sync as repo
from api.auth import RmsAuth
from api.deps import Conn, Dispatch
from api.params import BookingId, VenueId
from api.venue_guard import require_venue
from domain.booking import Accepted, BookingSummary, SyncState
from domain.messages import ResyncMessage

router = APIRouter(prefix="/venue/{venueId}/bookings", tags=["sync"])


@router.get("", response_model=list[BookingSummary], responses={404: {"description": "Unknown venue"}})
async def list_bookings(
    _: RmsAuth,
    venue_id: VenueId,
    request: Request,
    conn: Conn,
    sync_state: Annotated[SyncState | None, Query(alias="syncState", description="e.g. failed")] = None,
) -> list[BookingSummary]:
    """The venue's bookings with their sync state; `?syncState=failed` lists those that need attention."""
    await require_venue(request, venue_id)
    return [BookingSummary(**row) for row in await repo.bookings_in_state(conn, venue_id, sync_state)]


@router.post(
    "/{bookingId}/resync",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses={404: {"description": "Unknown venue or booking"}},
)
async def resync_booking(
    _: RmsAuth,
    venue_id: VenueId,
    booking_id: BookingId,
    conn: Conn,
    dispatcher: Dispatch,
) -> Accepted:
    """Send the booking to Mozrest again now (after a refusal, or to repair Mozrest's copy)."""
    if not await bookings_repo.exists(conn, venue_id, booking_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown booking {booking_id!r} at venue {venue_id!r}")
    workflow_id = await dispatcher.to_booking(venue_id, booking_id, "resync", ResyncMessage())
    return Accepted(workflow_id=workflow_id)
