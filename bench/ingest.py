"""POS webhook ingest under open-loop load, with same-run baselines.  `python -m bench.ingest --help`

Starts the real stack (`python -m devstack`, as `make dev` does) on free ports, creates venues, tables and
seated bookings through the API, then for each rate sends realistic POS traffic (bench/traffic.py) on a fixed
schedule and reports ack latency, end-to-end lag (history.recorded_at - history.at, plus spot checks through
GET booking), backlog drain time and CPU per event of each process. Then saturation: (a) the bare
validate-and-202 app, (b) raw signal-with-start into a no-op workflow, and the API itself, closed loop, with
the end-to-end processing rate of its bursts (bench/saturation.py). Ends with a met/MISSED line per target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time

import psycopg

from bench import saturation, setup
from bench.load import Run, drain, lags_after, open_loop, probe_visible, watermark
from bench.rawhttp import Pool, encode_post
from bench.report import Report, busy_cpu_seconds, pct
from bench.stack import MOZREST_TOKEN, RMS_TOKEN, Stack
from bench.traffic import Delivery, make_plan, make_stream

WEBHOOK = "/webhooks/mozrest/pos-orders"
ROLES = ("api", "worker", "temporal", "postgres", "fake_mozrest")


class Meter:
    """CPU seconds of each stack process, of this client, and of everything else on the machine."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.cpu, self.client, self.busy = stack.cpu(), time.process_time(), busy_cpu_seconds()
        self.wall = time.monotonic()

    def per_event(self, rep: Report, prefix: str, events: int) -> None:
        now = self.stack.cpu()
        ours = 0.0
        for role in ROLES:
            used = now.get(role, 0.0) - self.cpu.get(role, 0.0)
            ours += used
            rep.add(f"{prefix}.cpu_ms_per_event.{role}", 1000 * used / max(1, events), "ms CPU/event")
        client = time.process_time() - self.client
        rep.add(f"{prefix}.cpu_ms_per_event.bench_client", 1000 * client / max(1, events), "ms CPU/event")
        wall = time.monotonic() - self.wall
        other = max(0.0, busy_cpu_seconds() - self.busy - ours - client)  # tick rounding can dip below 0
        rep.add(f"{prefix}.cpu_util_stack", ours / wall, "cores", f"of {os.cpu_count()}, load to drain included")
        rep.add(f"{prefix}.cpu_util_other_processes", other / wall, "cores", "others' work on the machine meanwhile")


async def one_rate(
    rep: Report,
    stack: Stack,
    conn: psycopg.AsyncConnection,
    stream: list[Delivery],
    rate: int,
    duration: float,
    n_probes: int,
    drain_timeout: float,
    timeout: float,
    label: str | None = None,
) -> None:
    label = label or f"r{rate}"
    batch = stream[: int(rate * duration)]
    del stream[: len(batch)]
    if len(batch) < int(rate * duration):
        rep.say(f"{label}: only {len(batch)} deliveries left in the generated stream")
    raws = [encode_post(stack.api_port, WEBHOOK, d.body, MOZREST_TOKEN) for d in batch]
    eligible = [i for i, d in enumerate(batch) if d.probe]
    probe_at = set(eligible[:: max(1, len(eligible) // n_probes)][:n_probes]) if n_probes else set()
    probes: list[asyncio.Task] = []
    probe_pool = Pool(stack.api_port, 4)

    def on_ack(i: int, acked: float) -> None:
        if i in probe_at:
            d = batch[i]
            probes.append(
                asyncio.create_task(
                    probe_visible(
                        probe_pool,
                        stack.api_port,
                        RMS_TOKEN,
                        d.venue_id,
                        d.booking_id or "",
                        d.check_number,
                        d.updated_at,
                        acked,
                    )
                )
            )

    pool = Pool(stack.api_port, 256)
    mark, meter, since = await watermark(conn), Meter(stack), time.time()
    rep.say(f"{label}: {len(raws)} events at {rate}/s for {duration:g} s (open loop), load1 {os.getloadavg()[0]:.2f}")
    run: Run = await open_loop(pool, raws, rate, timeout, on_ack)
    drained, done, rows = await drain(conn, mark, since, run.ok, drain_timeout)
    meter.per_event(rep, label, run.ok)
    lags, _ = await lags_after(conn, mark, since)
    seen = [v for v in await asyncio.gather(*probes) if v is not None]
    await pool.close()
    await probe_pool.close()
    errors = sum(run.errors.values())
    rep.say(
        f"{label}: sent {run.sent} at {run.achieved_rate:.1f}/s, {run.ok} accepted, {errors} errors "
        f"{dict(run.errors) or ''}, drained={drained} in {done - run.last_send:.2f} s"
    )
    target = lambda t: t if rate == 200 else ""  # noqa: E731 - the issue's targets are stated at 200/s
    rep.add(f"{label}.offered_rate", rate, "events/s")
    rep.add(f"{label}.achieved_send_rate", run.achieved_rate, "events/s", "= offered (client keeps up)")
    rep.add(f"{label}.send_slip_p99", 1000 * pct(run.slips, 99), "ms", "client lateness; small = open loop held")
    rep.add(f"{label}.peak_in_flight", run.peak_inflight, "requests", "256 = every connection busy")
    rep.add(f"{label}.accepted", run.ok, "events")
    rep.add(f"{label}.errors", errors, "events", target("0"))
    rep.add(f"{label}.ack_p50", 1000 * pct(run.latencies, 50), "ms")
    rep.add(f"{label}.ack_p99", 1000 * pct(run.latencies, 99), "ms", target("< 100 ms"))
    rep.add(f"{label}.e2e_lag_p50", 1000 * pct(lags, 50), "ms")
    rep.add(f"{label}.e2e_lag_p99", 1000 * pct(lags, 99), "ms", target("< 1000 ms"))
    rep.add(f"{label}.e2e_lag_max", 1000 * max(lags, default=float("nan")), "ms")
    rep.add(f"{label}.api_visible_after_ack_p50", 1000 * pct(seen, 50), "ms", f"GET booking spot checks, n={len(seen)}")
    rep.add(f"{label}.api_visible_after_ack_max", 1000 * max(seen, default=float("nan")), "ms")
    # Deliveries the client gave up on (timeout) may still have been accepted by the server: rows > accepted.
    # They also count towards the drain, which under overload can therefore end slightly early.
    rep.add(f"{label}.history_rows", rows, "events", "> accepted: work done for deliveries the client abandoned")
    rep.add(
        f"{label}.processed_rate",
        rows / (done - run.first_send),
        "events/s",
        "history rows / (first send to last row): below offered = not held",
    )
    rep.add(f"{label}.drain_time", done - run.last_send if drained else float("nan"), "s", "after the last send")
    rep.add(f"{label}.drained", "yes" if drained else f"no: {rows}/{run.ok} rows", "")


async def main(args: argparse.Namespace) -> None:
    rep = Report("ingest")
    rng = random.Random(args.seed)
    rates = [int(r) for r in args.rates.split(",") if r]
    total = int(sum(rates) * args.duration + 100 + args.sat_seconds * 700 * (args.rounds + 1))
    plan = make_plan(args.venues, args.bookings, rng)
    stream = make_stream(plan, total, rng)
    rep.say(
        f"traffic: {len(plan.venues)} venues, {len(plan.bookings)} bookings, {len(stream)} deliveries; "
        "starting the stack"
    )
    with Stack("ingest") as stack:
        async with await psycopg.AsyncConnection.connect(stack.database_url, autocommit=True) as conn:
            started = time.monotonic()
            await setup.create(stack, plan)
            ok, n = await setup.wait_synced(conn, list(plan.venues), len(plan.bookings), 120)
            rep.say(
                f"setup: {n}/{len(plan.bookings)} bookings created and synced in {time.monotonic() - started:.1f} s"
            )
            await one_rate(rep, stack, conn, stream, 50, 2, 0, args.drain_timeout, args.timeout, label="warmup")
            rep.results.clear()  # the warm-up only opens connections and caches
            # Saturation first: its backlog is short, while the last open-loop rate may leave one that the
            # drain timeout cuts off; nothing is measured after it.
            if args.sat_seconds > 0:
                await saturation.run(rep, stack, conn, stream, args)
            for rate in rates:
                await one_rate(
                    rep, stack, conn, stream, rate, args.duration, args.probes, args.drain_timeout, args.timeout
                )
    verdicts(rep)
    rep.print(args.json)


def verdicts(rep: Report) -> None:
    """Issue 5's targets, from the figures above (a figure that was not measured gives `not measured`)."""
    v = rep.value
    drained = all(
        r.value == "yes" for r in rep.results if r.metric.startswith("sat.") and r.metric.endswith(".drained")
    )
    best = max((r.value for r in rep.results if r.metric.endswith(".applied_rate_overall")), default=None)
    if best is not None:
        rep.add("sat.e2e.applied_rate_overall_best", best, "events/s", "best round")

    def num(metric: str) -> float | None:
        x = v(metric)
        return x if isinstance(x, int | float) else None

    def check(name: str, target: str, metric: str, ok, unit: str = "") -> None:  # noqa: ANN001
        x = num(metric)
        rep.verdict(name, target, None if x is None else ok(x), f"{x:.4g} {unit}".strip() if x is not None else "-")

    check("hold_200_errors", "0 errors at 200 events/s", "r200.errors", lambda x: x == 0)
    check("hold_200_ack_p99", "p99 ack < 100 ms at 200/s", "r200.ack_p99", lambda x: x < 100, "ms")
    check("hold_200_e2e_p99", "p99 e2e lag < 1 s at 200/s", "r200.e2e_lag_p99", lambda x: x < 1000, "ms")
    check(
        "ack_ratio",
        "API ack >= 0.85 x raw signal-with-start (as deployed)",
        "ratio.api_ack_over_raw_signal_with_start",
        lambda x: x >= 0.85,
        "x",
    )
    check(
        "ack_ratio_ack_path_alone",
        "same, worker paused (diagnostic)",
        "ratio.api_ack_path_alone_over_raw_signal_with_start",
        lambda x: x >= 0.85,
        "x",
    )
    check(
        "e2e_300",
        ">= 300 events/s end to end, backlog drains (as deployed: API acking meanwhile)",
        "sat.e2e.applied_rate_overall_best",
        lambda x: x >= 300 and drained,
        "events/s",
    )
    check(
        "e2e_300_processing_alone",
        "same, processing a backlog with the API idle (diagnostic)",
        "sat.e2e.processing_rate_from_backlog",
        lambda x: x >= 300 and drained,
        "events/s",
    )


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n")[0])
    p.add_argument("--rates", default="50,100,200,400", help="open-loop rates, events/s (comma-separated)")
    p.add_argument("--duration", type=float, default=30, help="seconds per rate")
    p.add_argument("--venues", type=int, default=8)
    p.add_argument("--bookings", type=int, default=300)
    p.add_argument("--probes", type=int, default=20, help="API spot checks per rate")
    p.add_argument("--sat-seconds", type=float, default=5, help="closed-loop seconds per saturation run (0: skip)")
    p.add_argument("--concurrency", type=int, default=128, help="closed-loop clients")
    p.add_argument("--rounds", type=int, default=2, help="alternating rounds of (b) and (d); the best counts")
    p.add_argument("--drain-timeout", type=float, default=20, help="seconds to wait for a backlog to drain")
    p.add_argument("--timeout", type=float, default=10, help="a webhook delivery fails after this many seconds")
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--json", help="also append the JSON lines to this file")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
