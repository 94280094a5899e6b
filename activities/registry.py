"""Every activity the worker runs, bound to the process's pool, Temporal client and settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg_pool import AsyncConnectionPool
from temporalio.client import Client

from activities.booking_activities import BookingActivities
from config import Settings


def build_activities(pool: AsyncConnectionPool, client: Client, settings: Settings) -> list[Callable[..., Any]]:
    booking = BookingActivities(pool, client, settings)
    return [booking.apply_booking_messages, booking.apply_unlinked_events, booking.notify_bookings]
