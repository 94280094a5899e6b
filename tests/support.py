"""Test helpers: the API under uvicorn in the test loop, the worker in the test loop, and polling with a deadline."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
import uvicorn
from psycopg_pool import AsyncConnectionPool
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.worker import Worker

from activities.registry import ActivitySet
from api.app import create_app
from config import Settings
from worker import build_worker

T = TypeVar("T")


async def eventually(check: Callable[[], Awaitable[T]], timeout: float = 15, interval: float = 0.05) -> T:
    """Call `check` until it returns without AssertionError and its result is truthy; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = await check()
            if result:
                return result
            failure: BaseException = AssertionError(f"check returned {result!r}")
        except AssertionError as exc:
            failure = exc
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s: {failure}") from failure
        await asyncio.sleep(interval)


class ApiServer:
    """The real app under uvicorn, on a free 127.0.0.1 port, in the current event loop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app = create_app(settings)
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only then; without it every keep-alive request
        # waits ~40 ms for a delayed ACK.
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="on"))
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]))
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task:
            await self._task
        self._sock.close()

    def client(self, token: SecretStr | str | None = None) -> httpx.AsyncClient:
        headers = {}
        if token is not None:
            value = token.get_secret_value() if isinstance(token, SecretStr) else token
            headers["Authorization"] = f"Bearer {value}"
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=30)


class WorkerRunner:
    """A worker in the test loop that a test can stop and start again."""

    def __init__(self, client: Client, pool: AsyncConnectionPool, settings: Settings) -> None:
        self.client, self.pool, self.settings = client, pool, settings
        self._worker: Worker | None = None
        self._activities: ActivitySet | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._worker, self._activities = build_worker(self.client, self.pool, self.settings)
        self._task = asyncio.create_task(self._worker.run())

    async def stop(self) -> None:
        if self._worker is not None and self._task is not None:
            await self._worker.shutdown()
            await self._task
        if self._activities is not None:
            await self._activities.close()
        self._worker = self._activities = self._task = None


async def assert_never_sent_older_state(fake, pool: AsyncConnectionPool) -> int:  # noqa: ANN001 - FakeMozrest
    """Across everything the fake received: per booking, the payload versions never go backwards.

    Each request the fake logged is paired, in order, with the attempt we recorded for the same bytes.
    Returns how many requests were checked."""
    import json

    by_booking: dict[str, list] = {}
    for request in fake.requests():
        if request.auth_valid and request.booking_id:
            by_booking.setdefault(request.booking_id, []).append(request)
    checked = 0
    async with pool.connection() as conn:
        for booking_id, requests in by_booking.items():
            cur = await conn.execute(
                "SELECT request_body, version FROM sync_attempts WHERE booking_id = %s ORDER BY id", (booking_id,)
            )
            attempts = [(json.loads(body), version) for body, version in await cur.fetchall()]
            position, last_version = 0, 0
            for request in requests:
                while position < len(attempts) and attempts[position][0] != request.body:
                    position += 1
                assert position < len(attempts), f"{booking_id}: a request the service did not record"
                version = attempts[position][1]
                assert version >= last_version, f"{booking_id}: v{version} sent after v{last_version}"
                last_version = version
                checked += 1
    return checked


class ExtraStack:
    """A second API + worker on their own task queue with some settings changed (a short grace, a short
    give-up...), sharing the session's PostgreSQL, Temporal and fake Mozrest. Use as `async with`."""

    def __init__(self, client: Client, pool: AsyncConnectionPool, settings: Settings, **overrides: object) -> None:
        import uuid

        self.settings = settings.model_copy(
            update={"temporal_task_queue": f"extra-{uuid.uuid4().hex[:8]}", **overrides}
        )
        self.worker = WorkerRunner(client, pool, self.settings)
        self.api = ApiServer(self.settings)

    async def __aenter__(self) -> ExtraStack:
        await self.worker.start()
        await self.api.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.api.stop()
        await self.worker.stop()
