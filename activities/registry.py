"""Every activity the worker runs, bound to the process's pool, Temporal client and settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg_pool import AsyncConnectionPool
from temporalio.client import Client

from config import Settings


def build_activities(pool: AsyncConnectionPool, client: Client, settings: Settings) -> list[Callable[..., Any]]:
    return []
