"""Load shapes and the PostgreSQL reads that judge them.

Open loop: request i is due at t0 + i/rate whatever happened to the earlier ones, and its ack latency is
measured from when it was due, so a stalled server shows up as latency rather than as a slower client
(no coordinated omission). Closed loop: N clients each send the next request as soon as the last is answered,
which finds the saturation throughput. PostgreSQL is read only through the history table's primary key
(rows after a watermark id), so polling it during a drain costs the database almost nothing.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from psycopg import AsyncConnection

from bench.rawhttp import Pool, encode_get


@dataclass
class Run:
    sent: int = 0
    ok: int = 0
    errors: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # seconds, ack - due
    slips: list[float] = field(default_factory=list)  # seconds a send started after it was due
    first_send: float = 0.0  # loop clock
    last_send: float = 0.0
    last_answer: float = 0.0
    inflight: int = 0
    peak_inflight: int = 0  # requests sent or waiting for one of the pool's connections

    @property
    def achieved_rate(self) -> float:
        span = self.last_send - self.first_send
        return (self.sent - 1) / span if span > 0 else float("nan")


async def _one(
    pool: Pool, raw: bytes, due: float, run: Run, on_ack: Callable[[int, float], None] | None, i: int, timeout: float
) -> None:
    """One open-loop request. Like Mozrest's client it gives up `timeout` s after the request was due, waiting
    for a connection included, so an overloaded server shows errors instead of an ever-growing client queue."""
    loop = asyncio.get_running_loop()
    run.slips.append(loop.time() - due)
    run.inflight += 1
    run.peak_inflight = max(run.peak_inflight, run.inflight)
    try:
        async with asyncio.timeout_at(due + timeout):
            status, _ = await pool.request(raw)
    except Exception as exc:  # noqa: BLE001 - every failure is an error to count, never a crash
        run.errors["timeout" if isinstance(exc, TimeoutError) else type(exc).__name__] += 1
        return
    finally:
        run.inflight -= 1
    now = loop.time()
    run.last_answer = max(run.last_answer, now)
    if status == 202:
        run.ok += 1
        run.latencies.append(now - due)
        if on_ack:
            on_ack(i, now)
    else:
        run.errors[f"HTTP {status}"] += 1


async def open_loop(
    pool: Pool, raws: list[bytes], rate: float, timeout: float, on_ack: Callable[[int, float], None] | None = None
) -> Run:
    loop = asyncio.get_running_loop()
    run, tasks = Run(), []
    t0 = loop.time() + 0.05
    for i, raw in enumerate(raws):
        due = t0 + i / rate
        if (wait := due - loop.time()) > 0:
            await asyncio.sleep(wait)
        run.last_send = loop.time()
        run.first_send = run.first_send or run.last_send
        run.sent += 1
        tasks.append(asyncio.create_task(_one(pool, raw, due, run, on_ack, i, timeout)))
    await asyncio.gather(*tasks)
    return run


async def closed_loop(send: Callable[[int], Awaitable[bool]], concurrency: int, seconds: float) -> Run:
    """`send(i)` -> accepted?; exceptions count as errors. Stops taking new work at the deadline."""
    loop = asyncio.get_running_loop()
    run = Run()
    run.first_send = loop.time()
    deadline = run.first_send + seconds
    counter = iter(range(10**9))

    async def client() -> None:
        while loop.time() < deadline:
            i = next(counter)
            start = loop.time()
            run.sent += 1
            try:
                accepted = await send(i)
            except Exception as exc:  # noqa: BLE001
                run.errors[type(exc).__name__] += 1
                continue
            run.last_answer = loop.time()
            if accepted:
                run.ok += 1
                run.latencies.append(run.last_answer - start)
            else:
                run.errors["refused"] += 1

    await asyncio.gather(*(client() for _ in range(concurrency)))
    run.last_send = loop.time()
    return run


async def watermark(conn: AsyncConnection) -> int:
    cur = await conn.execute("SELECT coalesce(max(id), 0) FROM history")
    return (await cur.fetchone())[0]  # type: ignore[index]


# A window's deliveries: written after its watermark, received (`at`) after it started. The second condition
# leaves out an earlier phase's backlog should it still be draining.
_WINDOW = "id > %(mark)s AND kind = 'pos_event' AND at >= to_timestamp(%(since)s)"


async def pos_rows_after(conn: AsyncConnection, mark: int, since: float) -> int:
    cur = await conn.execute(f"SELECT count(*) FROM history WHERE {_WINDOW}", {"mark": mark, "since": since})
    return (await cur.fetchone())[0]  # type: ignore[index]


async def drain(
    conn: AsyncConnection, mark: int, since: float, expected: int, timeout: float
) -> tuple[bool, float, int]:
    """Poll until `expected` POS deliveries of the window have their history row. -> (drained, when, rows).
    Rows are counted, not matched to acks (the API returns no delivery id): see `history_rows` in ingest.py."""
    deadline = time.monotonic() + timeout
    while True:
        rows = await pos_rows_after(conn, mark, since)
        if rows >= expected or time.monotonic() > deadline:
            return rows >= expected, time.monotonic(), rows
        await asyncio.sleep(0.05)


async def lags_after(conn: AsyncConnection, mark: int, since: float) -> tuple[list[float], list[float]]:
    """(recorded_at - at in seconds, recorded_at as epoch seconds) of the window's POS deliveries."""
    cur = await conn.execute(
        f"""SELECT extract(epoch FROM recorded_at - at)::float8, extract(epoch FROM recorded_at)::float8
            FROM history WHERE {_WINDOW}""",
        {"mark": mark, "since": since},
    )
    rows = await cur.fetchall()
    return [r[0] for r in rows], [r[1] for r in rows]


async def probe_visible(
    pool: Pool,
    port: int,
    token: str,
    venue: str,
    booking: str,
    check: str,
    updated_at: int,
    acked: float,
    timeout: float = 30,
) -> float | None:
    """Spot check through the API: seconds from the ack until GET booking shows this check at this update.
    Polls every 20 ms, then every 10% of the time waited so far: ~10% precision, and a slow system is not
    flooded with GETs that would make it slower still."""
    loop = asyncio.get_running_loop()
    raw = encode_get(port, f"/venue/{venue}/bookings/{booking}", token)
    while (waited := loop.time() - acked) < timeout:
        try:
            status, body = await pool.request(raw)
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            status, body = 0, b""  # a failed read is not a finding of this probe: try again
        if status == 200:
            for c in json.loads(body)["checks"]:
                if c["checkNumber"] == check and (c["updatedAt"] or 0) >= updated_at:
                    return loop.time() - acked
        await asyncio.sleep(max(0.02, 0.1 * waited))
    return None
