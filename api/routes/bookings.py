"""Bookings from the RMS (spec section 3.1 shape) and the state we keep for them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError

from activities.repo import bookings as repo
from activities.repo import history as history_repo
from activities.repo import venues as venues_repo
from api.auth import RmsAuth
from api.deps import Conn, Dispatch
from api.exact_json import body_schema, exact_body
from api.params import BookingId, VenueId
from api.venue_guard import require_venue
from domain.booking import Accepted, BookingIn, BookingView, HistoryEntry
from domain.messages import RmsRevisionMessage

router = APIRouter(prefix="/venue/{venueId}/bookings/{bookingId}", tags=["bookings"])

_NOT_FOUND = {404: {"description": "Unknown venue or booking"}}


@router.put(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses={**_NOT_FOUND, 422: {"description": "Invalid booking, or tables the venue does not have"}},
    openapi_extra=body_schema(BookingIn),
)
async def put_booking(
    _: RmsAuth,
    venue_id: VenueId,
    booking_id: BookingId,
    booking: Annotated[BookingIn, Depends(exact_body(BookingIn))],
    request: Request,
    dispatcher: Dispatch,
) -> Accepted:
    """The booking as the RMS knows it now. Every booking comes in this way; sending it again unchanged is a no-op."""
    await require_venue(request, venue_id)
    # The revision (it holds guest data) is committed here, and only its id travels through Temporal.
    async with request.app.state.pool.connection() as conn:
        unknown = await venues_repo.unknown_table_ids(conn, venue_id, booking.tables)
        if unknown:
            raise RequestValidationError(
                [
                    {
                        "type": "unknown_table",
                        "loc": ("body", "tables", booking.tables.index(t)),
                        "msg": f"table {t!r} is not one of the venue's tables",
                        "input": t,
                    }
                    for t in unknown
                ]
            )
        revision_id = await repo.insert_revision(conn, venue_id, booking_id, booking)
    message = RmsRevisionMessage(delivery_id=f"rms-revision:{revision_id}:{uuid.uuid4()}", revision_id=revision_id)
    workflow_id = await dispatcher.to_booking(venue_id, booking_id, "rms_booking", message)
    return Accepted(workflow_id=workflow_id)


@router.get("", response_model=BookingView, responses=_NOT_FOUND)
async def get_booking(_: RmsAuth, venue_id: VenueId, booking_id: BookingId, conn: Conn) -> BookingView:
    """The booking's fields (null where only POS events have been seen), its checks and exact totals."""
    view = await repo.read_view(conn, venue_id, booking_id)
    if view is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown booking {booking_id!r} at venue {venue_id!r}")
    return view


@router.get("/history", response_model=list[HistoryEntry], responses=_NOT_FOUND)
async def get_history(_: RmsAuth, venue_id: VenueId, booking_id: BookingId, conn: Conn) -> list[HistoryEntry]:
    """The booking's story in time order: POS events (applied, duplicate or stale), RMS changes, links, unlinks.
    The only place that shows guest data."""
    if not await repo.exists(conn, venue_id, booking_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown booking {booking_id!r} at venue {venue_id!r}")
    return await history_repo.for_booking(conn, venue_id, booking_id)
