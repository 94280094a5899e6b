"""Saturation, closed loop, on the same payloads: (a) bare validate-and-202, (b) raw signal-with-start into a
no-op workflow, (d) the API as deployed (acking and processing at once on the same 2 cores), each burst followed
to the end (history rows per second, whether the backlog drains), (b) and (d) alternating over --rounds; then
(c) the API with the worker paused, which isolates the ack path and then measures processing from a full
backlog. The runs are back to back so they see the same machine; the ratios are the figures to compare."""

from __future__ import annotations

import argparse
import os
import signal
import time
import uuid

import psycopg

from bench.baselines import bare_app, noop_worker, raw_signal_with_start
from bench.load import Run, closed_loop, drain, lags_after, watermark
from bench.rawhttp import Pool, encode_post
from bench.report import Report, busy_cpu_seconds, pct
from bench.stack import MOZREST_TOKEN, Stack, cpu_seconds
from bench.traffic import Delivery
from devstack.embedded_pg import free_port

WEBHOOK = "/webhooks/mozrest/pos-orders"


def _throughput(run: Run) -> float:
    span = run.last_answer - run.first_send
    return run.ok / span if span > 0 else float("nan")


async def _http(port: int, deliveries: list[Delivery], args: argparse.Namespace) -> Run:
    raws = [encode_post(port, WEBHOOK, d.body, MOZREST_TOKEN) for d in deliveries]
    pool = Pool(port, args.concurrency)

    async def send(i: int) -> bool:
        status, _ = await pool.request(raws[i % len(raws)])  # wraps (as duplicates) only if the burst outruns it
        return status == 202

    try:
        return await closed_loop(send, args.concurrency, args.sat_seconds)
    finally:
        await pool.close()


def _common(rep: Report, name: str, run: Run, client_cpu: float, other: float) -> float:
    thr = _throughput(run)
    wall = run.last_send - run.first_send
    rep.say(
        f"{name}: {run.ok} accepted in {wall:.1f} s = {thr:.0f}/s, errors {dict(run.errors) or 0}, "
        f"others' load {other:.2f} cores"
    )
    rep.add(f"sat.{name}.throughput", thr, "req/s")
    rep.add(f"sat.{name}.latency_p50", 1000 * pct(run.latencies, 50), "ms", f"{run.ok} requests")
    rep.add(f"sat.{name}.errors", sum(run.errors.values()), "requests")
    rep.add(
        f"sat.{name}.bench_client_cpu_util",
        client_cpu / wall if wall else float("nan"),
        "cores",
        "near 1.0: the client, not the server, is the limit",
    )
    rep.add(f"sat.{name}.cpu_util_other_processes", other, "cores", "others' work on the machine meanwhile")
    return thr


class Others:
    """CPU the rest of the machine used meanwhile: all busy time minus our processes (given as cpu())."""

    def __init__(self, *cpus) -> None:  # noqa: ANN002 - callables returning CPU seconds
        self.cpus = cpus
        self.start = self._ours(), busy_cpu_seconds(), time.process_time(), time.monotonic()

    def _ours(self) -> float:
        return sum(f() for f in self.cpus)

    def cores(self) -> float:
        ours, busy, client, wall = self.start
        used_by_us = self._ours() - ours + time.process_time() - client
        # max(0, ...): tick rounding makes an idle machine read a few hundredths below zero
        return max(0.0, (busy_cpu_seconds() - busy - used_by_us) / (time.monotonic() - wall))


async def run(
    rep: Report, stack: Stack, conn: psycopg.AsyncConnection, stream: list[Delivery], args: argparse.Namespace
) -> None:
    """Rounds alternate raw signal-with-start and the API so that both see the same stretch of a noisy machine;
    the best round of each is its saturation throughput (noise only ever slows a round down)."""
    per_burst = int(args.sat_seconds * 700)  # more than the API acks in sat_seconds; it wraps (as duplicates) if not
    bursts = [stream[i * per_burst : (i + 1) * per_burst] for i in range(args.rounds + 1)]  # (a), (b) reuse [0]
    del stream[: per_burst * (args.rounds + 1)]
    stack_cpu = lambda: sum(stack.cpu().values())  # noqa: E731

    rep.say(f"saturation (a): bare validate-and-202 app, {args.concurrency} clients, {args.sat_seconds:g} s")
    port = free_port()
    with bare_app(port) as bare:
        others, cpu0, c0 = Others(bare.cpu, stack_cpu), bare.cpu(), time.process_time()
        run_a = await _http(port, bursts[0], args)
        bare_cpu, client = bare.cpu() - cpu0, time.process_time() - c0
        thr_a = _common(rep, "bare_fastapi", run_a, client, others.cores())
    rep.add("sat.bare_fastapi.server_cpu_ms_per_req", 1000 * bare_cpu / max(1, run_a.ok), "ms CPU/req")

    raw, api = [], []
    with noop_worker(stack.temporal_address, f"bench-noop-{uuid.uuid4().hex[:6]}") as worker:
        for k in range(1, args.rounds + 1):
            rep.say(
                f"saturation (b) round {k}: raw signal-with-start into a no-op workflow, "
                f"{args.concurrency} concurrent, {args.sat_seconds:g} s"
            )
            others, t0, w0 = Others(worker.cpu, stack_cpu), cpu_seconds(stack.pids["temporal"]), worker.cpu()
            run_b, client = await raw_signal_with_start(
                stack.temporal_address, worker.args[-1], bursts[0], args.concurrency, args.sat_seconds
            )
            temporal, noop = cpu_seconds(stack.pids["temporal"]) - t0, worker.cpu() - w0
            name, n = f"raw_signal_with_start.round{k}", max(1, run_b.ok)
            raw.append(_common(rep, name, run_b, client, others.cores()))
            rep.add(f"sat.{name}.cpu_ms_per_event.temporal", 1000 * temporal / n, "ms CPU/event")
            rep.add(f"sat.{name}.cpu_ms_per_event.noop_worker", 1000 * noop / n, "ms CPU/event")
            rep.add(
                f"sat.{name}.cpu_ms_per_event.bench_client",
                1000 * client / n,
                "ms CPU/event",
                "the client's share of what the API does per event",
            )
            api.append(await _api_burst(rep, stack, conn, bursts[k - 1], args, pause_worker=False, label=f"round{k}"))
    # The API gets each chunk once, in stream order, so no check's events arrive older than what it has seen.
    thr_c = await _api_burst(rep, stack, conn, bursts[args.rounds], args, pause_worker=True)
    thr_b, thr_d = max(raw), max(api)
    rounds = lambda xs: "rounds " + ", ".join(f"{x:.0f}" for x in xs)  # noqa: E731
    rep.add("sat.raw_signal_with_start.throughput_best", thr_b, "req/s", rounds(raw))
    rep.add("sat.api.throughput_best", thr_d, "req/s", rounds(api))
    rep.add("ratio.api_ack_over_raw_signal_with_start", thr_d / thr_b, "x", ">= 0.85 (best rounds)")
    rep.add("ratio.api_ack_path_alone_over_raw_signal_with_start", thr_c / thr_b, "x", "worker paused")
    rep.add("ratio.api_ack_over_bare_fastapi", thr_d / thr_a, "x")
    rep.add("ratio.raw_signal_with_start_over_bare_fastapi", thr_b / thr_a, "x")


async def _api_burst(
    rep: Report,
    stack: Stack,
    conn: psycopg.AsyncConnection,
    burst: list[Delivery],
    args: argparse.Namespace,
    pause_worker: bool,
    label: str = "",
) -> float:
    """The API closed loop, then its backlog. With pause_worker, the worker is stopped (SIGSTOP, our own child)
    while the API is loaded: that isolates the ack path from the processing it competes with for the 2 cores,
    and leaves a backlog whose drain rate is the stack's processing capacity at saturation."""
    name = "api_worker_paused" if pause_worker else f"api.{label}"
    rep.say(
        f"saturation ({'c' if pause_worker else 'd'}){' ' + label if label else ''}: the API"
        f"{' with the worker paused' if pause_worker else ''}, {args.concurrency} clients, "
        f"{args.sat_seconds:g} s, then its backlog"
    )
    others = Others(lambda: sum(stack.cpu().values()))
    mark, since, cpu0, c0 = await watermark(conn), time.time(), stack.cpu(), time.process_time()
    if pause_worker:
        os.kill(stack.pids["worker"], signal.SIGSTOP)
    try:
        run_c = await _http(stack.api_port, burst, args)
    finally:
        if pause_worker:
            os.kill(stack.pids["worker"], signal.SIGCONT)
    resumed, load_end_wall = time.monotonic(), time.time()
    cpu1, client = stack.cpu(), time.process_time() - c0
    thr = _common(rep, name, run_c, client, others.cores())
    rep.add(
        f"sat.{name}.api_cpu_util",
        (cpu1["api"] - cpu0["api"]) / (load_end_wall - since),
        "cores",
        "1.0 = the API's one core is the limit",
    )
    drained, done, rows = await drain(conn, mark, since, run_c.ok, args.drain_timeout)
    cpu2 = stack.cpu()
    for role in ("api", "worker", "temporal", "postgres"):
        rep.add(
            f"sat.{name}.cpu_ms_per_event.{role}", 1000 * (cpu2[role] - cpu0[role]) / max(1, run_c.ok), "ms CPU/event"
        )
    _, recorded = await lags_after(conn, mark, since)
    rep.say(f"{name}: {rows}/{run_c.ok} applied, drained={drained} {done - resumed:.1f} s after the burst")
    if pause_worker:  # nothing was applied during the burst: the whole drain ran against a full backlog
        rep.add(
            "sat.e2e.processing_rate_from_backlog",
            rows / (done - resumed),
            "events/s",
            ">= 300 events/s (history rows/s, worker resumed on a backlog)",
        )
    else:
        load_s = run_c.last_send - run_c.first_send
        rep.add(
            f"sat.e2e.{label}.applied_rate_during_api_burst",
            sum(1 for r in recorded if r <= load_end_wall) / load_s,
            "events/s",
            "while the API is saturated too",
        )
        rep.add(
            f"sat.e2e.{label}.applied_rate_overall",
            rows / (done - run_c.first_send),
            "events/s",
            "burst start to last row",
        )
    rep.add(f"sat.{name}.drain_time", done - resumed if drained else float("nan"), "s", "after the burst")
    rep.add(f"sat.{name}.drained", "yes" if drained else f"no: {rows}/{run_c.ok} rows", "", "backlog drains")
    return thr
