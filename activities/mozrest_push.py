"""POST the booking payload to Mozrest (spec section 3): one attempt per activity attempt, every one recorded.

The payload is built from PostgreSQL at each attempt, so a retry carries the newest state. Transient failures
(connection errors, timeouts, 408, 429, 5xx) are retried with jittered exponential backoff that honours
Retry-After; any other 4xx is final until the booking changes or someone asks for a resync.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
from psycopg_pool import AsyncConnectionPool
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.repo import sync as sync_repo
from config import Settings
from domain.messages import MarkFailedInput, PushInput, PushResult
from domain.payload import encode_payload, payload_hash

log = logging.getLogger("mozrest.push")
RETRYABLE_STATUSES = {408, 429}
EXCERPT_CHARS = 500


def retry_after_seconds(header: str | None, now: datetime) -> float:
    """Retry-After as seconds or an HTTP date; 0 when absent or unreadable."""
    if not header:
        return 0.0
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        return max(0.0, (parsedate_to_datetime(header) - now).total_seconds())
    except (TypeError, ValueError):
        return 0.0


def backoff_seconds(attempt: int, initial: float, maximum: float) -> float:
    """1 s, 2 s, 4 s ... up to the maximum, with ±20% jitter so bookings that failed together spread out."""
    base = min(maximum, initial * 2 ** (attempt - 1))
    return base * random.uniform(0.8, 1.2)


class MozrestPush:
    def __init__(self, pool: AsyncConnectionPool, settings: Settings) -> None:
        self.pool = pool
        self.settings = settings
        key = settings.mozrest_api_key.get_secret_value() if settings.mozrest_api_key else ""
        self.http = httpx.AsyncClient(
            timeout=settings.sync_request_timeout_seconds,
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )

    @activity.defn
    async def push_booking_to_mozrest(self, inp: PushInput) -> PushResult:
        attempt = activity.info().attempt
        async with self.pool.connection() as conn:
            payload = (await sync_repo.payload_now(conn, inp.venue_id, inp.booking_id)).payload
            state = await sync_repo.push_state(conn, inp.venue_id, inp.booking_id)
        if payload is None or not state.required:
            return PushResult(outcome="not_required", accepted_hash=state.accepted_hash, version=state.version)
        digest = payload_hash(payload)
        if not inp.force and digest == state.accepted_hash:
            return PushResult(outcome="unchanged", accepted_hash=digest, version=state.version)
        if not inp.force and digest == state.failed_hash:
            return PushResult(outcome="still_refused", accepted_hash=state.accepted_hash, version=state.version)

        body = encode_payload(payload)
        at = datetime.now(UTC)
        started = time.monotonic()
        response: httpx.Response | None = None
        error: str | None = None
        try:
            response = await self.http.post(self.settings.mozrest_pos_webhook_url or "", content=body)
        except httpx.TimeoutException:
            error = f"timed out after {self.settings.sync_request_timeout_seconds:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: could not reach Mozrest"
        duration_ms = int((time.monotonic() - started) * 1000)

        status = response.status_code if response is not None else None
        if status is not None and 200 <= status < 300:
            outcome = "accepted"
        elif status is None or status in RETRYABLE_STATUSES or status >= 500:
            outcome = "retrying"
            error = error or f"Mozrest answered {status}"
        else:
            outcome = "rejected"
            error = f"Mozrest refused the payload with {status}"
        excerpt = response.text[:EXCERPT_CHARS] if response is not None else None
        async with self.pool.connection() as conn:
            await sync_repo.record_attempt(
                conn,
                sync_repo.Attempt(
                    venue_id=inp.venue_id,
                    booking_id=inp.booking_id,
                    version=state.version,
                    attempt=attempt,
                    request_body=body.decode(),
                    status_code=status,
                    duration_ms=duration_ms,
                    response_excerpt=excerpt,
                    outcome=outcome,
                    error=error,
                    payload_hash=digest,
                    at=at,
                ),
                failed=outcome == "rejected",
            )
        # Ids and codes only: the payload holds guest data and never goes to the log.
        log.info(
            "sync %s/%s v%s attempt %s: %s (%s ms)",
            inp.venue_id,
            inp.booking_id,
            state.version,
            attempt,
            status or error,
            duration_ms,
        )
        if outcome == "accepted":
            return PushResult(outcome="accepted", accepted_hash=digest, version=state.version)
        if outcome == "rejected":
            raise ApplicationError(error, digest, type="MozrestRejected", non_retryable=True)
        delay = max(
            backoff_seconds(attempt, self.settings.sync_retry_initial_seconds, self.settings.sync_retry_max_seconds),
            retry_after_seconds(response.headers.get("retry-after") if response is not None else None, at),
        )
        raise ApplicationError(error, type="MozrestUnavailable", next_retry_delay=timedelta(seconds=delay))

    @activity.defn
    async def mark_sync_failed(self, inp: MarkFailedInput) -> None:
        async with self.pool.connection() as conn:
            payload = (await sync_repo.payload_now(conn, inp.venue_id, inp.booking_id)).payload
            await sync_repo.mark_failed(
                conn, inp.venue_id, inp.booking_id, payload_hash(payload) if payload else None, inp.error
            )

    async def close(self) -> None:
        await self.http.aclose()
