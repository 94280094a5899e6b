"""The cross-test ordering check itself must be able to fail."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

import pytest
from psycopg_pool import AsyncConnectionPool

from tests.support import assert_never_sent_older_state


@dataclass
class _Request:
    booking_id: str
    body: dict
    auth_valid: bool = True


class _Log:
    def __init__(self, requests: list[_Request]) -> None:
        self._requests = requests

    def requests(self) -> list[_Request]:
        return self._requests


async def _record(pool: AsyncConnectionPool, booking_id: str, versions_and_bodies: list[tuple[int, dict]]) -> None:
    async with pool.connection() as conn:
        for version, body in versions_and_bodies:
            await conn.execute(
                """INSERT INTO sync_attempts
                       (venue_id, booking_id, version, attempt, request_body, duration_ms, outcome)
                   VALUES ('v', %s, %s, 1, %s, 1, 'accepted')""",
                (booking_id, version, json.dumps(body)),
            )


async def test_checker_accepts_increasing_and_rejects_older_after_newer(pool: AsyncConnectionPool) -> None:
    booking = f"checker-{uuid.uuid4().hex}"
    old, new = {"bookingId": booking, "partySize": 2}, {"bookingId": booking, "partySize": 3}
    await _record(pool, booking, [(1, old), (2, new)])
    assert await assert_never_sent_older_state(_Log([_Request(booking, old), _Request(booking, new)]), pool) == 2
    late = f"checker-{uuid.uuid4().hex}"
    old, new = {"bookingId": late, "partySize": 2}, {"bookingId": late, "partySize": 3}
    await _record(pool, late, [(2, new), (1, old)])
    with pytest.raises(AssertionError, match="sent after"):
        await assert_never_sent_older_state(_Log([_Request(late, new), _Request(late, old)]), pool)
