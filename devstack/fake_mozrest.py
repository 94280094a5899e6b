"""A fake Mozrest: a real HTTP server that plays Mozrest's `POST /rms` (where the RMS sends booking payloads).

Used by the tests (in-process, `FakeMozrest`) and by the dev runner (`python -m devstack.fake_mozrest`).
The app itself (endpoints, rules, validation) is in devstack/fake_mozrest_app.py; its state and the strict
section 3.1 payload model in devstack/fake_mozrest_models.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import socket
import time
from typing import Any

import uvicorn

from devstack.fake_mozrest_app import Latency, create_fake_mozrest_app, logger
from devstack.fake_mozrest_models import FakeMozrestState, RecordedRequest, Rule

__all__ = ["FakeMozrest", "RecordedRequest", "Rule", "create_fake_mozrest_app", "main"]


class _InProcessServer(uvicorn.Server):
    """A uvicorn server that leaves the process's signal handlers alone (the test runner owns them)."""

    @contextlib.contextmanager
    def capture_signals(self):  # type: ignore[override]
        yield

    def install_signal_handlers(self) -> None:  # older uvicorn releases
        pass


class FakeMozrest:
    """Runs the fake as an asyncio task in the current loop: `await start()`, talk to `.rms_url`, `await stop()`."""

    def __init__(self, api_key: str = "test-mozrest-api-key") -> None:
        self.api_key = api_key
        self.app = create_fake_mozrest_app(api_key)
        self.state: FakeMozrestState = self.app.state.fake
        self.url: str = ""
        self._server: _InProcessServer | None = None
        self._task: asyncio.Task[None] | None = None
        self._sock: socket.socket | None = None

    @property
    def rms_url(self) -> str:
        return self.url + "/rms"

    async def start(self, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0) -> FakeMozrest:
        if self._task is not None:
            raise RuntimeError("FakeMozrest is already running")
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only then (else ~40 ms delayed ACKs per request).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
            sock.setblocking(False)
        except OSError:
            sock.close()
            raise
        config = uvicorn.Config(
            self.app, lifespan="off", log_level="warning", access_log=False, ws="none", timeout_graceful_shutdown=2
        )
        server = _InProcessServer(config)
        task = asyncio.create_task(server.serve(sockets=[sock]), name="fake-mozrest")
        deadline = time.monotonic() + timeout
        while not server.started:
            if task.done() or time.monotonic() > deadline:
                server.should_exit = True
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(task, 5)
                sock.close()
                raise RuntimeError("fake Mozrest did not start")
            await asyncio.sleep(0.005)
        self._server, self._task, self._sock = server, task, sock
        bound_port = sock.getsockname()[1]
        self.url = f"http://[{host}]:{bound_port}" if family == socket.AF_INET6 else f"http://{host}:{bound_port}"
        return self

    async def stop(self) -> None:
        server, task, sock = self._server, self._task, self._sock
        self._server = self._task = self._sock = None
        if server is None or task is None:
            return
        server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(task), 10)
        except TimeoutError:
            server.force_exit = True
            await task
        finally:
            if sock is not None:
                sock.close()

    async def __aenter__(self) -> FakeMozrest:
        return await self.start() if self._task is None else self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # Direct accessors (the same state the /_control endpoints use).
    def requests(self, booking_id: str | None = None) -> list[RecordedRequest]:
        return self.state.requests(booking_id)

    def add_rules(self, *rules: Rule | dict[str, Any]) -> None:
        self.state.add_rules(list(rules))

    def add_rule(
        self,
        status: int,
        count: int = 1,
        delay_ms: int = 0,
        retry_after: int | None = None,
        body: str | None = None,
        booking_id: str | None = None,
    ) -> None:
        self.add_rules(
            Rule(
                status=status, count=count, delay_ms=delay_ms, retry_after=retry_after, body=body, booking_id=booking_id
            )
        )

    def rules(self) -> list[Rule]:
        return [r.model_copy() for r in self.state.rules]

    def set_latency(self, ms: int) -> None:
        self.state.delay_ms = Latency(delay_ms=ms).delay_ms

    def reset(self) -> None:
        self.state.reset()

    async def wait_for_requests(
        self, count: int = 1, booking_id: str | None = None, timeout: float = 10.0
    ) -> list[RecordedRequest]:
        """Poll (with a deadline) until at least `count` matching requests have been answered."""
        deadline = time.monotonic() + timeout
        while True:
            answered = [r for r in self.requests(booking_id) if r.answered_status is not None]
            if len(answered) >= count:
                return answered
            if time.monotonic() > deadline:
                raise TimeoutError(f"fake Mozrest got {len(answered)} of {count} request(s) for {booking_id!r}")
            await asyncio.sleep(0.02)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devstack.fake_mozrest", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument(
        "--api-key",
        default=os.environ.get("MOZREST_API_KEY", "dev-mozrest-api-key"),
        help="the bearer key the RMS must present (default: $MOZREST_API_KEY or the dev value)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s fake-mozrest %(message)s")
    logger.info("listening on http://%s:%d/rms (requests page: /, control: /_control)", args.host, args.port)
    uvicorn.run(
        create_fake_mozrest_app(args.api_key),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        ws="none",
    )


if __name__ == "__main__":
    main()
