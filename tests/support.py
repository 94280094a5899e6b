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
        self._sock = socket.socket()
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
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._worker = build_worker(self.client, self.pool, self.settings)
        self._task = asyncio.create_task(self._worker.run())

    async def stop(self) -> None:
        if self._worker is not None and self._task is not None:
            await self._worker.shutdown()
            await self._task
        self._worker = self._task = None
