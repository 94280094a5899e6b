"""Every activity the worker runs, bound to the process's pool, Temporal client and settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg_pool import AsyncConnectionPool
from temporalio.client import Client

from activities.booking_activities import BookingActivities
from activities.mozrest_push import MozrestPush
from config import Settings


class ActivitySet:
    """The activities plus the resources they hold (an HTTP client), closed when the worker stops."""

    def __init__(self, pool: AsyncConnectionPool, client: Client, settings: Settings) -> None:
        self.booking = BookingActivities(pool, client, settings)
        self.push = MozrestPush(pool, settings)

    @property
    def functions(self) -> list[Callable[..., Any]]:
        return [
            self.booking.apply_booking_messages,
            self.booking.apply_unlinked_events,
            self.booking.notify_bookings,
            self.push.push_booking_to_mozrest,
            self.push.mark_sync_failed,
        ]

    async def close(self) -> None:
        await self.push.close()
