"""Outbound sync under a burst: 500 seated bookings change at once.  `python -m bench.sync --help`

Starts the real stack, creates the bookings through the API and waits until Mozrest (the fake) holds every one,
then sets the fake's latency to 50 ms, clears its request log, and PUTs a table change for all of them at once.
Reports the time until all are synced (booking_sync.accepted_hash = bookings.payload_hash in PostgreSQL),
the POSTs to Mozrest per booking for the change (from the fake's log), and the sync lag per booking: from the
PUT's 202 to the push that carried the change (sync_attempts.at), and to Mozrest's answer (+ duration_ms).
Note that SYNC_DEBOUNCE_MS (500 ms by default) is the floor of that lag, by design.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter

import httpx
import psycopg

from bench import setup
from bench.rawhttp import Pool, encode_post
from bench.report import Report, pct
from bench.stack import RMS_TOKEN, Stack
from bench.traffic import Booking, make_plan

LAST_PUSH_SQL = """SELECT DISTINCT ON (booking_id) booking_id, extract(epoch FROM at)::float8, duration_ms
                   FROM sync_attempts WHERE venue_id = ANY(%(venues)s) AND outcome = 'accepted'
                   AND at >= to_timestamp(%(since)s) ORDER BY booking_id, at DESC"""


async def _burst(stack: Stack, bookings: list[Booking], connections: int) -> tuple[dict[str, float], float, float]:
    """All PUTs issued at once (over a bounded pool, see bench/rawhttp.py); -> (booking -> 202 time, t0, since)."""
    pool = Pool(stack.api_port, connections)
    raws = {
        b.booking_id: encode_post(
            stack.api_port,
            f"/venue/{b.venue_id}/bookings/{b.booking_id}",
            json.dumps(b.body()).encode(),
            RMS_TOKEN,
            method="PUT",
        )
        for b in bookings
    }
    acked: dict[str, float] = {}

    async def one(booking_id: str) -> None:
        status, body = await pool.request(raws[booking_id])
        if status != 202:
            raise RuntimeError(f"PUT booking {booking_id}: {status} {body[:200]!r}")
        acked[booking_id] = time.time()

    since, t0 = time.time(), time.monotonic()
    try:
        await asyncio.gather(*(one(b) for b in raws))
    finally:
        await pool.close()
    return acked, t0, since


async def main(args: argparse.Namespace) -> None:
    rep = Report("sync")
    plan = make_plan(args.venues, args.bookings, random.Random(args.seed))
    venues = list(plan.venues)
    rep.say(f"{args.bookings} seated bookings at {args.venues} venues; starting the stack")
    with Stack("sync") as stack:
        async with (
            await psycopg.AsyncConnection.connect(stack.database_url, autocommit=True) as conn,
            httpx.AsyncClient(base_url=stack.fake_url, timeout=30) as fake,
        ):
            started = time.monotonic()
            await setup.create(stack, plan)
            ok, n = await setup.wait_synced(conn, venues, len(plan.bookings), 120)
            rep.say(f"setup: {n}/{len(plan.bookings)} bookings synced in {time.monotonic() - started:.1f} s")
            if not ok:
                raise RuntimeError("the bookings did not all sync during setup")
            await asyncio.sleep(1)  # let the last debounce timers and pushes of the setup finish
            (await fake.delete("/_control/requests")).raise_for_status()
            (await fake.post("/_control/latency", json={"delay_ms": args.latency_ms})).raise_for_status()

            # The change: every booking moves to the next table of its venue, all PUTs in flight together.
            changed = []
            for b in plan.bookings:
                tables = plan.venues[b.venue_id]
                changed.append(
                    Booking(b.venue_id, b.booking_id, tables[(tables.index(b.table) + 1) % len(tables)], b.date)
                )
            rep.say(
                f"change: PUT a table change for {len(changed)} bookings at once ({args.connections} "
                f"connections), Mozrest latency {args.latency_ms} ms"
            )
            cpu0 = stack.cpu()
            acked, t0, since = await _burst(stack, changed, args.connections)
            puts_done = time.monotonic()
            ok, n = await setup.wait_synced(conn, venues, len(changed), args.timeout, interval=0.05, since=since)
            all_synced = time.monotonic()
            cpu1 = stack.cpu()
            rep.say(
                f"change: PUTs acked in {puts_done - t0:.2f} s; {n}/{len(changed)} synced after {all_synced - t0:.2f} s"
            )

            await asyncio.sleep(args.latency_ms / 1000 + 1)  # count any push still in flight
            log = (await fake.get("/_control/requests")).json()
            per_booking = Counter(r.get("booking_id") for r in log)
            last_tables = {r.get("booking_id"): (r.get("body") or {}).get("tables") for r in log}  # log is in order
            has_change = sum(1 for b in changed if last_tables.get(b.booking_id) == [b.table])
            statuses = Counter(r.get("answered_status") for r in log)
            cur = await conn.execute(LAST_PUSH_SQL, {"venues": venues, "since": since})
            pushes = {b: (at, ms) for b, at, ms in await cur.fetchall()}
            start_lag = [pushes[b][0] - acked[b] for b in acked if b in pushes]
            done_lag = [pushes[b][0] + pushes[b][1] / 1000 - acked[b] for b in acked if b in pushes]

    rep.add("bookings_changed", len(changed), "bookings")
    rep.add("mozrest_latency", args.latency_ms, "ms")
    rep.add("put_burst_duration", puts_done - t0, "s", "all PUTs acked (202)")
    rep.add("all_synced_after", all_synced - t0 if ok else float("nan"), "s", "<= 10 s (from the first PUT)")
    rep.add("synced", f"{n}/{len(changed)}", "bookings")
    rep.add("requests_per_booking", len(log) / len(changed), "requests", "<= 2")
    rep.add("requests_per_booking_max", max(per_booking.values(), default=0), "requests")
    rep.add("mozrest_non_200", sum(v for k, v in statuses.items() if k != 200), "requests")
    rep.add("mozrest_holds_the_change", f"{has_change}/{len(changed)}", "bookings", "last POST has the new table")
    rep.add("sync_lag_to_push_p50", 1000 * pct(start_lag, 50), "ms", "PUT 202 -> sync_attempts.at")
    rep.add("sync_lag_to_push_p99", 1000 * pct(start_lag, 99), "ms")
    rep.add("sync_lag_to_accepted_p50", 1000 * pct(done_lag, 50), "ms", "PUT 202 -> Mozrest answered")
    rep.add("sync_lag_to_accepted_p99", 1000 * pct(done_lag, 99), "ms")
    for role in ("api", "worker", "temporal", "postgres", "fake_mozrest"):  # burst start to all synced
        rep.add(f"cpu_ms_per_booking.{role}", 1000 * (cpu1[role] - cpu0[role]) / len(changed), "ms CPU/booking")
    rep.add(
        "cpu_util_all_stack", sum(cpu1[r] - cpu0[r] for r in cpu1) / (all_synced - t0), "cores", "of the machine's 2"
    )
    rep.verdict(
        "sync_500_in_10s",
        f"all {len(changed)} bookings synced within 10 s",
        ok and all_synced - t0 <= 10,
        f"{all_synced - t0:.1f} s, {n}/{len(changed)} synced",
    )
    rep.verdict(
        "sync_requests_per_booking",
        "<= 2 requests per booking",
        len(log) / len(changed) <= 2,
        f"{len(log) / len(changed):.2f}",
    )
    rep.print(args.json)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.sync", description=__doc__.split("\n")[0])
    p.add_argument("--bookings", type=int, default=500)
    p.add_argument("--venues", type=int, default=5)
    p.add_argument("--latency-ms", type=int, default=50, help="the fake Mozrest's answer delay")
    p.add_argument("--connections", type=int, default=100, help="connections the burst of PUTs shares")
    p.add_argument("--timeout", type=float, default=60, help="give up waiting for the sync after this long")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--json", help="also append the JSON lines to this file")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
