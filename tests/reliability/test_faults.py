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


async def _fault_in_second_third(
    s: ReliabilityStack,
    venue: str,
    expected: dict[str, Any],
    fault,
    recovery,
    recover_after: float | None = None,  # noqa: ANN001
) -> None:
    """Send the first third, inject `fault`, send the second third while it lasts, recover, send the rest, and
    compare with the fault-free run. With `recover_after`, recovery happens that many seconds into the second third
    (the sender keeps retrying meanwhile); without, once the second third is accepted."""
    await s.make_venue(venue)
    first, second, third = _thirds(build_stream())
    await s.run_stream(venue, first)
    fault()
    if recover_after is None:
        await s.run_stream(venue, second)
        recovery()
    else:
        restart = asyncio.create_task(_later(recover_after, recovery))
        await s.run_stream(venue, second)
        await restart
    await s.run_stream(venue, third)
    await s.settled(venue, expected)


async def test_worker_killed_mid_stream(
    reliability_stack: ReliabilityStack, fault_free: dict[str, Any], venue: str
) -> None:
    s = reliability_stack
    # Accepted while no worker runs: Temporal records the signals.
    await _fault_in_second_third(
        s,
        venue,
        fault_free,
        lambda: s.stack.stop_child("worker", signal.SIGKILL),
        lambda: s.stack.restart_child("worker"),
    )


async def test_temporal_restarted_mid_stream(
    reliability_stack: ReliabilityStack, fault_free: dict[str, Any], venue: str
) -> None:
    s = reliability_stack
    # 503 while Temporal is down; the sender retries.
    await _fault_in_second_third(s, venue, fault_free, s.stack.temporal.stop, s.stack.temporal.start, recover_after=3)


async def test_postgres_restarted_mid_stream(
    reliability_stack: ReliabilityStack, fault_free: dict[str, Any], venue: str
) -> None:
    s = reliability_stack
    await _fault_in_second_third(s, venue, fault_free, s.stack.postgres.stop, s.stack.postgres.start, recover_after=3)


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
