"""Baseline (b): a workflow that does nothing with the signals it gets, and a worker for it on its own task queue.

`python -m bench.noop_worker ADDRESS TASK_QUEUE` (started and stopped by bench/baselines.py). The workflow takes
the booking workflow's input and a `pos_event` signal typed like the real one (so the pydantic converter does
the same decoding), stays open like a booking workflow does, and never runs an activity: what remains is the
cost of signal-with-start itself plus one workflow task per signal batch.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import timedelta

from temporalio import workflow
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

with workflow.unsafe.imports_passed_through():
    from domain.messages import BookingWorkflowInput, PosEventMessage


@workflow.defn(name="BenchNoopWorkflow")
class BenchNoopWorkflow:
    def __init__(self) -> None:
        self.signals = 0

    @workflow.signal(name="pos_event")
    def pos_event(self, message: PosEventMessage) -> None:
        self.signals += 1

    @workflow.run
    async def run(self, inp: BookingWorkflowInput) -> int:
        try:  # open for the length of a bench, then done on its own
            await workflow.wait_condition(lambda: False, timeout=timedelta(minutes=10))
        except asyncio.TimeoutError:
            pass
        return self.signals


async def main(address: str, task_queue: str) -> None:
    client = await Client.connect(address, data_converter=pydantic_data_converter)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with Worker(client, task_queue=task_queue, workflows=[BenchNoopWorkflow]):
        print("noop worker ready", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
