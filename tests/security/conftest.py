"""Shared pieces of the bad-input and security suite: the tokens, a seeded venue (so fuzzed requests reach
handlers beyond 404), every route of the app, and a log capture that sees every logger at DEBUG."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio
from fastapi.routing import APIRoute
from pydantic import SecretStr

from config import Settings
from tests.pos_support import make_venue, new_id, pos_event, post_event, put_booking
from tests.support import ApiServer, eventually

# Routes anyone may call; everything else needs a token.
PUBLIC_PATHS = {"/healthz", "/readyz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}

# The role table is the specification: Mozrest may post POS orders and read tables; the RMS may do everything
# else, and read tables too. An endpoint missing from this table is RMS-only.
WEBHOOK = ("POST", "/webhooks/mozrest/pos-orders")
TABLES = ("GET", "/venue/{venueId}/tables")
MOZREST_MAY = {WEBHOOK, TABLES}
RMS_MAY_NOT = {WEBHOOK}

# The test server's listening socket lacks TCP_NODELAY, so a keep-alive request waits ~40 ms for a delayed ACK;
# closing the connection after each request keeps these many-request suites fast.
FAST = {"Connection": "close"}


def allowed_roles(op: tuple[str, str]) -> set[str]:
    return ({"mozrest"} if op in MOZREST_MAY else set()) | ({"rms"} if op not in RMS_MAY_NOT else set())


def fast_client(api: ApiServer, token: str | None = None) -> httpx.AsyncClient:
    auth = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(base_url=api.url, headers={**FAST, **auth}, timeout=30)


def secret(value: SecretStr | None) -> str:
    assert value is not None
    return value.get_secret_value()


def tokens(settings: Settings) -> dict[str, str]:
    """Every secret the service holds: none of them may ever reach a log."""
    return {
        "rms": secret(settings.rms_api_token),
        "mozrest": secret(settings.mozrest_webhook_token),
        "mozrest_api_key": secret(settings.mozrest_api_key),
    }


def all_operations(api: ApiServer) -> set[tuple[str, str]]:
    """(METHOD, path template) of every route: the OpenAPI paths plus any route hidden from the schema."""
    found = {(m.upper(), p) for p, ops in api.app.openapi()["paths"].items() for m in ops}
    for route in api.app.routes:
        if isinstance(route, APIRoute):
            found |= {(m, route.path) for m in route.methods if m not in ("HEAD", "OPTIONS")}
    return {(m, p) for m, p in found if p not in PUBLIC_PATHS}


@dataclass(frozen=True)
class Seeded:
    venue_id: str
    booking_id: str
    check_number: str

    def path_parameters(self, path: str) -> dict[str, str]:
        known = {"venueId": self.venue_id, "bookingId": self.booking_id, "checkNumber": self.check_number}
        return {k: v for k, v in known.items() if "{" + k + "}" in path}


@pytest_asyncio.fixture(scope="module")
async def seeded(api: ApiServer, settings: Settings) -> Seeded:
    """A venue with tables, a booking and a POS check linked to it."""
    venue_id, booking_id, check = new_id("sec-venue"), new_id("sec-bk"), new_id("sec-chk")
    async with api.client(settings.rms_api_token) as rms, api.client(settings.mozrest_webhook_token) as mozrest:
        await make_venue(rms, venue_id)
        await put_booking(rms, venue_id, booking_id)
        await post_event(mozrest, pos_event(venue_id, check, booking_id))

        async def linked() -> bool:
            r = await rms.get(f"/venue/{venue_id}/checks")
            return any(c["checkNumber"] == check and c["bookingId"] == booking_id for c in r.json())

        await eventually(linked)
    return Seeded(venue_id, booking_id, check)


class LogCapture(logging.Handler):
    """Every record of every logger (root, temporalio, uvicorn, ...), formatted with its args and exception."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.texts: list[str] = []
        self._formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.texts.append(self._formatter.format(record))  # message % args, exc_info and stack text included

    def leaks(self, needles: list[str]) -> list[str]:
        return [f"{needle!r} in: {text[:300]}" for text in self.texts for needle in needles if needle in text]


@pytest.fixture
def all_logs() -> Iterator[LogCapture]:
    """Capture at DEBUG on the root logger and on every logger that does not propagate to it."""
    handler = LogCapture()
    manager = logging.root.manager
    loggers = [logging.root] + [
        lg for lg in manager.loggerDict.values() if isinstance(lg, logging.Logger) and not lg.propagate
    ]
    watched = ["temporalio", "uvicorn", "uvicorn.error", "uvicorn.access", "api", "worker", "mozrest", "httpx"]
    levels = {name: logging.getLogger(name).level for name in watched}
    root_level = logging.root.level
    for lg in loggers:
        lg.addHandler(handler)
    logging.root.setLevel(logging.DEBUG)
    for name in watched:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for lg in loggers:
            lg.removeHandler(handler)
        logging.root.setLevel(root_level)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
