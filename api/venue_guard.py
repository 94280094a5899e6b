"""404 for an unknown venue. Venues are never deleted through the API, so a venue seen once is cached and the
webhook's hot path skips the query after the first event of each venue."""

from __future__ import annotations

from fastapi import HTTPException, Request, status

from activities.repo import venues as repo


async def require_venue(request: Request, venue_id: str) -> None:
    known: set[str] = request.app.state.known_venues
    if venue_id in known:
        return
    async with request.app.state.pool.connection() as conn:
        if not await repo.venue_exists(conn, venue_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown venue {venue_id!r}")
    known.add(venue_id)
