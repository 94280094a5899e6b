"""Apply the numbered SQL migrations to DATABASE_URL: `python migrate.py`."""

from __future__ import annotations

import asyncio
import logging
import sys

from activities.repo.migrations import apply_migrations
from config import ConfigError, get_settings


async def _main() -> int:
    settings = get_settings()
    if not settings.database_url:
        raise ConfigError("DATABASE_URL is required to apply migrations")
    applied = await apply_migrations(settings.database_url)
    print(f"migrations: {len(applied)} applied" + (f" ({', '.join(applied)})" if applied else ", schema up to date"))
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        sys.exit(asyncio.run(_main()))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
