"""POS checks of a venue, for staff: list the unlinked ones, link or unlink one by hand."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status

from activities.repo import bookings as bookings_repo
from activities.repo import checks as repo
from api.auth import RmsAuth
from api.deps import Conn, Dispatch
from api.exact_json import body_schema, exact_body
from api.params import CheckNumber, VenueId
from api.venue_guard import require_venue
from domain.booking import Accepted, CheckSummary, ManualLink
from domain.messages import LinkMessage

router = APIRouter(prefix="/venue/{venueId}/checks", tags=["checks"])


@router.get("", response_model=list[CheckSummary], responses={404: {"description": "Unknown venue"}})
async def list_checks(
    _: RmsAuth,
    venue_id: VenueId,
    request: Request,
    conn: Conn,
    linked: Annotated[bool | None, Query(description="false: only checks no booking holds yet")] = None,
) -> list[CheckSummary]:
    await require_venue(request, venue_id)
    return await repo.list_by_link(conn, venue_id, linked)


async def _existing_check(conn, venue_id: str, check_number: str) -> repo.CheckRow:  # noqa: ANN001
    row = await repo.get(conn, venue_id, check_number)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown check {check_number!r} at venue {venue_id!r}")
    return row


@router.put(
    "/{checkNumber}/booking",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses={404: {"description": "Unknown venue, check or booking"}},
    openapi_extra=body_schema(ManualLink),
)
async def link_check(
    _: RmsAuth,
    venue_id: VenueId,
    check_number: CheckNumber,
    body: Annotated[ManualLink, Depends(exact_body(ManualLink))],
    request: Request,
    conn: Conn,
    dispatcher: Dispatch,
) -> Accepted:
    """Link a check to a booking by hand. Automatic matching never undoes a manual link."""
    await require_venue(request, venue_id)
    await _existing_check(conn, venue_id, check_number)
    if not await bookings_repo.exists(conn, venue_id, body.booking_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown booking {body.booking_id!r} at venue {venue_id!r}")
    message = LinkMessage(delivery_id=f"link:{uuid.uuid4()}", check_number=check_number, action="link")
    workflow_id = await dispatcher.to_booking(venue_id, body.booking_id, "link_check", message)
    return Accepted(workflow_id=workflow_id)


@router.delete(
    "/{checkNumber}/booking",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses={404: {"description": "Unknown venue or check"}, 409: {"description": "The check is not linked"}},
)
async def unlink_check(
    _: RmsAuth,
    venue_id: VenueId,
    check_number: CheckNumber,
    request: Request,
    conn: Conn,
    dispatcher: Dispatch,
) -> Accepted:
    """Unlink a check by hand; table matching will not link it again on its own."""
    await require_venue(request, venue_id)
    row = await _existing_check(conn, venue_id, check_number)
    if row.booking_id is None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"check {check_number!r} is not linked to a booking")
    message = LinkMessage(delivery_id=f"unlink:{uuid.uuid4()}", check_number=check_number, action="unlink")
    workflow_id = await dispatcher.to_booking(venue_id, row.booking_id, "link_check", message)
    return Accepted(workflow_id=workflow_id)
