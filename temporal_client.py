"""The one Temporal client per process, with the pydantic data converter (Decimal-safe)."""

from __future__ import annotations

import asyncio
import time

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from config import Settings
from workflows.booking import start_options


async def connect_temporal(settings: Settings, *, lazy: bool = False) -> Client:
    return await Client.connect(
        settings.temporal_target,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        lazy=lazy,
    )


async def wait_until_ready(settings: Settings, timeout: float = 60) -> Client:
    """Connect, retrying until the server answers health checks (a dev server takes a few seconds)."""

    deadline = time.monotonic() + timeout
    while True:
        try:
            client = await connect_temporal(settings)
            if await client.service_client.check_health():
                return client
        except Exception:
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(0.2)


def booking_start_options(settings: Settings, venue_id: str, booking_id: str) -> dict:
    """Start options of a booking's workflow from the settings: the API and the notify activity agree."""
    return start_options(
        venue_id, booking_id, settings.temporal_task_queue, settings.booking_idle_grace_seconds, settings.sync_policy()
    )
