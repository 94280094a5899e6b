"""POST /webhooks/mozrest/pos-orders: Mozrest's pos_order events (spec section 1), acknowledged with 202 once
Temporal has durably recorded them. Mozrest retries on anything else, so a retry of an accepted event is a
harmless duplicate (recorded as such by the workflow)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from activities.repo import checks as checks_repo
from api.auth import MozrestAuth
from api.deps import Dispatch
from api.exact_json import body_schema, exact_body
from api.venue_guard import require_venue
from domain.booking import Accepted
from domain.messages import PosEventMessage
from domain.pos import PosOrderEvent

router = APIRouter(tags=["mozrest webhook"])

_RESPONSES = {
    404: {"description": "Unknown venue"},
    422: {"description": "Invalid payload; `detail` names each field"},
    503: {"description": "PostgreSQL or Temporal unavailable: the event was not accepted, retry"},
}


@router.post(
    "/webhooks/mozrest/pos-orders",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses=_RESPONSES,
    openapi_extra=body_schema(PosOrderEvent),
)
async def receive_pos_order(
    _: MozrestAuth,
    event: Annotated[PosOrderEvent, Depends(exact_body(PosOrderEvent))],
    request: Request,
    dispatcher: Dispatch,
) -> Accepted:
    """A check was created, updated or voided in the POS. Routed to `booking:{venueId}:{bookingId}`; without a
    bookingId, to the booking the check is already linked to, else to the venue's unlinked-checks workflow."""
    await require_venue(request, event.venue_id)
    message = PosEventMessage(delivery_id=str(uuid.uuid4()), received_at=datetime.now(UTC), event=event)
    booking_id = event.booking_id
    if booking_id is None:
        async with request.app.state.pool.connection() as conn:
            row = await checks_repo.get(conn, event.venue_id, event.check_number)
        booking_id = row.booking_id if row else None
    if booking_id is not None:
        workflow_id = await dispatcher.to_booking(event.venue_id, booking_id, "pos_event", message)
    else:
        workflow_id = await dispatcher.to_unlinked_checks(event.venue_id, message)
    return Accepted(workflow_id=workflow_id)
