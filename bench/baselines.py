"""The two same-run baselines: (a) the bare validate-and-202 app, (b) raw signal-with-start into a no-op workflow.

Both child processes are started here, measured with bench/stack.py's /proc accounting, and always stopped
(by their own pid) when the `with` block ends.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from bench.load import Run, closed_loop
from bench.stack import ROOT, cpu_seconds
from bench.traffic import Delivery
from domain.messages import PosEventMessage
from domain.pos import PosOrderEvent
from workflows.booking import start_options


class Child:
    """A child process in its own session, stopped with SIGINT (then SIGKILL) by its pid."""

    def __init__(self, args: list[str], ready: str | None = None, port: int | None = None) -> None:
        self.args, self.ready, self.port = args, ready, port
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="bench-child-", suffix=".log")  # not a pipe: never blocks it

    def __enter__(self) -> Child:
        self.proc = subprocess.Popen(
            [sys.executable, *self.args], cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            self._wait(60)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait(self, timeout: float) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.args} exited with {self.proc.returncode}: {self.output()[-2000:]}")
            if self.ready:  # a line the child prints once it serves
                if self.ready in self.output():
                    return
                time.sleep(0.1)
                continue
            try:
                with socket.create_connection(("127.0.0.1", self.port or 0), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.args} not ready after {timeout:g} s: {self.output()[-2000:]}")

    def output(self) -> str:
        with open(self.log.name, errors="replace") as f:
            return f.read()

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid) if self.proc else 0.0

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def bare_app(port: int) -> Child:
    return Child(
        ["-m", "uvicorn", "bench.bare_app:app", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        port=port,
    )


def noop_worker(address: str, task_queue: str) -> Child:
    return Child(["-m", "bench.noop_worker", address, task_queue], ready="noop worker ready")


async def raw_signal_with_start(
    address: str, task_queue: str, deliveries: list[Delivery], concurrency: int, seconds: float
) -> tuple[Run, float]:
    """Closed loop of the API's own call (same options, same signal payload) into BenchNoopWorkflow.
    Events are validated before the clock starts: validation is baseline (a)'s share, not Temporal's.
    -> (the run, this process's CPU seconds during it)."""
    client = await Client.connect(address, data_converter=pydantic_data_converter)
    events = [PosOrderEvent.model_validate(json.loads(d.body)) for d in deliveries]

    async def send(i: int) -> bool:
        d, event = deliveries[i % len(deliveries)], events[i % len(events)]
        options = start_options(d.venue_id, d.owner, task_queue)
        options["id"] = "noop:" + options["id"]  # never the real booking workflows
        message = PosEventMessage(delivery_id=str(uuid.uuid4()), received_at=datetime.now(UTC), event=event)
        await client.start_workflow(
            "BenchNoopWorkflow", **options, start_signal="pos_event", start_signal_args=[message]
        )
        return True

    started = time.process_time()
    run = await closed_loop(send, concurrency, seconds)
    return run, time.process_time() - started
