"""One whole stack of real processes (the `make dev` runner's Stack: embedded PostgreSQL, Temporal dev server,
fake Mozrest, worker and API as child processes) that the reliability scenarios stop, kill and restart."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from config import Settings
from devstack.embedded_pg import free_port
from devstack.run import Stack
from tests.reliability import stream
from tests.support import eventually


class ReliabilityStack:
    def __init__(self, data_dir: Path) -> None:
        self.api_port, self.fake_port = free_port(), free_port()
        env = {
            "API_PORT": str(self.api_port),
            "TEMPORAL_PORT": str(free_port()),
            "TEMPORAL_UI_PORT": str(free_port()),
            "FAKE_MOZREST_PORT": str(self.fake_port),
            "DATA_DIR": str(data_dir),
            "MOZREST_WEBHOOK_TOKEN": secrets.token_urlsafe(16),
            "RMS_API_TOKEN": secrets.token_urlsafe(16),
            "MOZREST_API_KEY": secrets.token_urlsafe(16),
            # Keep retries quick so a recovered Mozrest is reached within seconds, not minutes.
            "SYNC_RETRY_MAX_SECONDS": "2",
            "SYNC_DEBOUNCE_MS": "200",
        }
        clean = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "TEMPORAL_ADDRESS", "MOZREST_POS_WEBHOOK_URL"}
        }
        self.env = {**clean, **env}
        self.settings = Settings(_env_file=None, environment="dev", **{k.lower(): v for k, v in env.items()})
        self.stack = Stack(self.settings, env=self.env, quiet=True)
        self.url = f"http://127.0.0.1:{self.api_port}"
        self.fake_url = f"http://127.0.0.1:{self.fake_port}"

    def client(self, token: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers={"Authorization": f"Bearer {token}"})

    @property
    def rms_token(self) -> str:
        return self.env["RMS_API_TOKEN"]

    @property
    def mozrest_token(self) -> str:
        return self.env["MOZREST_WEBHOOK_TOKEN"]

    async def fake_requests(self) -> list[dict[str, Any]]:
        async with httpx.AsyncClient(base_url=self.fake_url) as fake:
            return (await fake.get("/_control/requests")).json()

    async def fake_control(self, path: str, body: Any) -> None:
        async with httpx.AsyncClient(base_url=self.fake_url) as fake:
            r = await fake.post(path, json=body)
            assert r.status_code == 200, r.text

    async def settled_fake(self) -> None:
        """The fake Mozrest answers again (after a restart)."""

        async def up() -> bool:
            try:
                async with httpx.AsyncClient(base_url=self.fake_url) as fake:
                    return (await fake.get("/_control/health")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(up, timeout=20)

    async def make_venue(self, venue: str) -> None:
        async with self.client(self.rms_token) as rms:
            assert (await rms.put(f"/venue/{venue}", json={"name": "R", "timezone": "UTC"})).status_code == 200
            tables = [{"id": t, "name": t} for t in stream.TABLES]
            assert (await rms.put(f"/venue/{venue}/tables", json=tables)).status_code == 200

    async def run_stream(self, venue: str, ops: list[stream.Op], concurrency: int = 1) -> None:
        async with self.client(self.mozrest_token) as moz, self.client(self.rms_token) as rms:
            for i in range(0, len(ops), concurrency):
                await asyncio.gather(
                    *(stream.send(rms if op.kind == "rms" else moz, venue, op) for op in ops[i : i + concurrency])
                )

    async def settled(self, venue: str, expected: dict[str, Any] | None = None, timeout: float = 90) -> dict[str, Any]:
        """Poll until every booking is synced (and, given `expected`, the snapshot equals it)."""

        async def check() -> dict[str, Any]:
            async with self.client(self.rms_token) as rms:
                snap = await stream.snapshot(rms, await self.fake_requests(), venue)
            assert all(isinstance(v, dict) and v["syncState"] == "synced" for v in snap.values()), snap
            if expected is not None:
                assert snap == expected
            return snap

        return await eventually(check, timeout=timeout, interval=0.5)


@pytest.fixture(scope="session")
def reliability_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReliabilityStack]:
    stack = ReliabilityStack(tmp_path_factory.mktemp("reliability") / "data")
    stack.stack.start()
    try:
        yield stack
    finally:
        stack.stack.stop()


@pytest_asyncio.fixture(scope="session")
async def fault_free(reliability_stack: ReliabilityStack) -> dict[str, Any]:
    """The stream's outcome with no fault, to compare every faulted run with."""
    venue = "rel-baseline"
    await reliability_stack.make_venue(venue)
    await reliability_stack.run_stream(venue, stream.build_stream())
    snap = await reliability_stack.settled(venue)
    # A sanity check of the baseline itself: the walk-ins found their bookings, the voided checks came back.
    assert [c["checkNumber"] for c in snap["b0"]["checks"]][-1] == "w0"
    assert all(c["status"] in ("OPEN", "CLOSE") for v in snap.values() for c in v["checks"])
    return snap


@pytest.fixture
def venue() -> str:
    return f"rel-{secrets.token_hex(4)}"
