"""Venues and their tables: the RMS declares them, Mozrest reads the tables (spec section 2)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from activities.repo import venues as repo
from api.auth import AnyAuth, RmsAuth
from api.deps import Conn
from api.exact_json import body_schema, exact_body
from api.params import VenueId
from domain.models import Venue, VenueIn, VenueTable, VenueTableList

router = APIRouter(prefix="/venue/{venueId}", tags=["venues"])

_NOT_FOUND = {404: {"description": "Unknown venue"}}


def _unknown_venue(venue_id: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"unknown venue {venue_id!r}")


@router.put("", response_model=Venue, openapi_extra=body_schema(VenueIn))
async def put_venue(
    _: RmsAuth, venue_id: VenueId, body: Annotated[VenueIn, Depends(exact_body(VenueIn))], conn: Conn
) -> Venue:
    """Create or update a venue."""
    return await repo.upsert_venue(conn, venue_id, body.name, body.timezone)


@router.put("/tables", response_model=list[VenueTable], responses=_NOT_FOUND, openapi_extra=body_schema(VenueTableList))
async def put_tables(
    _: RmsAuth, venue_id: VenueId, body: Annotated[VenueTableList, Depends(exact_body(VenueTableList))], conn: Conn
) -> list[VenueTable]:
    """Replace the venue's tables; the order given is the order Mozrest reads back."""
    async with conn.transaction():
        if not await repo.lock_venue(conn, venue_id):
            raise _unknown_venue(venue_id)
        await repo.replace_tables(conn, venue_id, body.root)
    return body.root


@router.get(
    "/tables",
    response_model=list[VenueTable],
    responses=_NOT_FOUND,
)
async def get_tables(_: AnyAuth, venue_id: VenueId, conn: Conn) -> list[VenueTable]:
    """The venue's tables as Mozrest expects them (spec section 2): `[{"id", "name"}]`."""
    tables = await repo.list_tables(conn, venue_id)
    if not tables and not await repo.venue_exists(conn, venue_id):
        raise _unknown_venue(venue_id)
    return tables
