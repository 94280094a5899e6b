"""The Temporal worker: `python worker.py` serves TEMPORAL_TASK_QUEUE with our workflows and activities."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from psycopg_pool import AsyncConnectionPool
from temporalio.client import Client
from temporalio.worker import Worker

from activities.registry import ActivitySet
from activities.repo.pool import open_pool
from config import ConfigError, Settings, get_settings
from temporal_client import wait_until_ready
from workflows.registry import WORKFLOWS

log = logging.getLogger("worker")


def build_worker(
    client: Client, pool: AsyncConnectionPool, settings: Settings, task_queue: str | None = None
) -> tuple[Worker, ActivitySet]:
    activities = ActivitySet(pool, client, settings)
    worker = Worker(
        client,
        task_queue=task_queue or settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=activities.functions,
    )
    return worker, activities


async def run(settings: Settings) -> None:
    settings.check_secrets()
    client = await wait_until_ready(settings)
    pool = await open_pool(settings.database_url or "")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    worker, activities = build_worker(client, pool, settings)
    log.info("worker serving task queue %s on %s", settings.temporal_task_queue, settings.temporal_target)
    async with worker:
        await stop.wait()
        log.info("worker stopping")
    await activities.close()
    await pool.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(run(get_settings()))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
