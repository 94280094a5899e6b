"""Faults injected part-way through the stream: the final state must equal the fault-free run's, with
nothing lost, nothing applied twice in effect, and Mozrest holding every booking's newest state."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from tests.reliability.conftest import ReliabilityStack
from tests.reliability.stream import build_stream


def _thirds(ops: list) -> tuple[list, list, list]:
    n = len(ops) // 3
    return ops[:n], ops[n : 2 * n], ops[2 * n :]


async def _later(seconds: float, action) -> None:  # noqa: ANN001
    await asyncio.sleep(seconds)  # how long the fault lasts: the stream keeps going (and retrying) meanwhile
    await asyncio.to_thread(action)


async def test_worker_killed_mid_stream(
    reliability_stack: ReliabilityStack, fault_free: dict[str, Any], venue: str
) -> None:
    s = reliability_stack
    await s.make_venue(venue)
    first, second, third = _thirds(build_stream())
    await s.run_stream(venue, first)
    s.stack.stop_child("worker", signal.SIGKILL)
    await s.run_stream(venue, second)  # accepted: Temporal records the signals while no worker runs
    s.stack.restart_child("worker")
    await s.run_stream(venue, third)
    await s.settled(venue, fault_free)


async def test_temporal_restarted_mid_stream(
    reliability_stack: ReliabilityStack, fault_free: dict[str, Any], venue: str
) -> None:
    s = reliability_stack
    await s.make_venue(venue)
    first, second, third = _thirds(build_stream())
    await s.run_stream(venue, first)
    s.stack.temporal.stop()
    restart = asyncio.create_task(_later(3, s.stack.temporal.start))
    await s.run_stream(venue, second)  # 503 while Temporal is down; the sender retries
    await restart
    await s.run_stream(venue, third)
    await s.settled(venue, fault_free)


async def test_postgres_restarted_mid_stream(
    reliability_stack: ReliabilityStack, fault_free: dict[str, Any], venue: str
) -> None:
    s = reliability_stack
    await s.make_venue(venue)
    first, second, third = _thirds(build_stream())
    await s.run_stream(venue, first)
    s.stack.postgres.stop()
    restart = asyncio.create_task(_later(3, s.stack.postgres.start))
    await s.run_stream(venue, second)
    await restart
    await s.run_stream(venue, third)
    await s.settled(venue, fault_free)


async def test_mozrest_down_then_slow_then_failing(
    reliability_stack: ReliabilityStack, fault_free: dict[str, Any], venue: str
) -> None:
    s = reliability_stack
    await s.make_venue(venue)
    first, second, third = _thirds(build_stream())
    s.stack.stop_child("fake-mozrest")  # down: connections refused
    await s.run_stream(venue, first)
    s.stack.restart_child("fake-mozrest")
    await s.settled_fake()
    await s.fake_control("/_control/latency", {"delay_ms": 5000})  # slow
    await s.run_stream(venue, second)
    await s.fake_control("/_control/latency", {"delay_ms": 0})
    await s.fake_control("/_control/rules", [{"status": 500, "count": 15}])  # failing for a while
    await s.run_stream(venue, third)
    await s.settled(venue, fault_free, timeout=120)


async def test_api_restarted_with_requests_in_flight(
    reliability_stack: ReliabilityStack, fault_free: dict[str, Any], venue: str
) -> None:
    s = reliability_stack
    await s.make_venue(venue)
    first, second, third = _thirds(build_stream())
    await s.run_stream(venue, first)
    in_flight = asyncio.create_task(s.run_stream(venue, second, concurrency=8))
    await asyncio.sleep(0.3)  # let requests be in flight when the API dies
    s.stack.stop_child("api", signal.SIGKILL)
    s.stack.restart_child("api")
    await in_flight
    await s.run_stream(venue, third)
    await s.settled(venue, fault_free)
