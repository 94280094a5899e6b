"""The FastAPI application: factory, lifespan (PostgreSQL pool + Temporal client), middleware, routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from activities.repo.pool import open_pool
from api.auth import AUTH_RESPONSES
from api.body_limit import BodyLimitMiddleware
from api.dispatch import Dispatcher
from api.errors import install_error_handlers
from api.routes import bookings, checks, health, pos_orders, sync, venues
from config import Settings, get_settings
from temporal_client import connect_temporal

DESCRIPTION = """Keeps the RMS and its venues' POS systems in step through Mozrest.

Authenticate with `Authorization: Bearer <token>`: the Mozrest token for the POS webhook and table
reads, the RMS token for everything the RMS owns."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_secrets()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Neither PostgreSQL nor Temporal has to be up for the API to start: /readyz says which is missing,
        # and requests that need them get 503 so callers retry.
        pool = await open_pool(settings.database_url or "", wait=False)
        app.state.pool = pool
        app.state.temporal = await connect_temporal(settings, lazy=True)
        app.state.dispatcher = Dispatcher(app.state.temporal, settings)
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(title="mozrest-sync", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.known_venues = set()  # see api/venue_guard.py
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    install_error_handlers(app)
    app.include_router(health.router)
    for module in (venues, pos_orders, bookings, checks, sync):
        app.include_router(module.router, responses=AUTH_RESPONSES)
    return app
