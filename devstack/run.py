"""`make dev`: the whole stack on one machine with embedded defaults, stopped cleanly by Ctrl-C.

Starts (each unless the environment points elsewhere) an embedded PostgreSQL, the Temporal dev server
with its UI, the fake Mozrest; applies migrations; then runs the worker and the API as child processes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from activities.repo.migrations import apply_migrations
from config import Settings
from devstack.embedded_pg import EmbeddedPostgres, free_port
from devstack.processes import stop_process
from devstack.temporal_server import TemporalDevServer
from temporal_client import wait_until_ready

ROOT = Path(__file__).resolve().parents[1]


class Stack:
    """The dev stack. The reliability tests drive one too: they stop, kill and restart its parts."""

    def __init__(self, settings: Settings, env: dict[str, str] | None = None, quiet: bool = False) -> None:
        self.settings = settings
        self.data_dir = Path(settings.data_dir).resolve()
        self.postgres: EmbeddedPostgres | None = None
        self.temporal: TemporalDevServer | None = None
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.commands: dict[str, list[str]] = {}
        self.env = dict(env if env is not None else os.environ, ENVIRONMENT="dev")
        self.quiet = quiet

    def say(self, line: str) -> None:
        if not self.quiet:
            print(f"[dev] {line}", flush=True)

    def start(self) -> None:
        s = self.settings
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not s.database_url:
            self.say(f"starting embedded PostgreSQL (data in {self.data_dir / 'postgres'})")
            self.postgres = EmbeddedPostgres(self.data_dir / "postgres", port=s.embedded_pg_port or None)
            self.env["DATABASE_URL"] = self.postgres.start()
        else:
            self.env["DATABASE_URL"] = s.database_url
        if not s.temporal_address:
            self.say(f"starting Temporal dev server on {s.temporal_port}, UI on {s.temporal_ui_port}")
            self.temporal = TemporalDevServer(self.data_dir / "temporal.db", s.temporal_port, s.temporal_ui_port)
            self.env["TEMPORAL_ADDRESS"] = self.temporal.start()
        else:
            self.env["TEMPORAL_ADDRESS"] = s.temporal_address
        applied = asyncio.run(apply_migrations(self.env["DATABASE_URL"]))
        self.say(f"migrations: {len(applied)} applied" if applied else "migrations: schema up to date")
        asyncio.run(wait_until_ready(s.model_copy(update={"temporal_address": self.env["TEMPORAL_ADDRESS"]})))
        if not s.mozrest_pos_webhook_url:
            port = s.fake_mozrest_port or free_port()
            self.spawn(
                "fake-mozrest",
                [
                    sys.executable,
                    "-m",
                    "devstack.fake_mozrest",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--api-key",
                    _secret(s.mozrest_api_key),
                ],
            )
            self.env["MOZREST_POS_WEBHOOK_URL"] = f"http://127.0.0.1:{port}/rms"
        self.spawn("worker", [sys.executable, "worker.py"])
        self.spawn(
            "api",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:app",
                "--host",
                s.api_host,
                "--port",
                str(s.api_port),
                "--no-access-log",
            ],
        )
        self.wait_api()
        if not self.quiet:
            self.banner()

    def spawn(self, name: str, cmd: list[str]) -> None:
        self.commands[name] = cmd
        output = subprocess.DEVNULL if self.quiet else None
        self.children[name] = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, start_new_session=True, stdout=output, stderr=output
        )

    def stop_child(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        stop_process(self.children[name], sig, timeout)

    def restart_child(self, name: str) -> None:
        self.spawn(name, self.commands[name])

    def wait_api(self, timeout: float = 60) -> None:
        url = f"http://{self.settings.api_host}:{self.settings.api_port}/healthz"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_children()
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the API did not answer /healthz in time")

    def check_children(self) -> None:
        for name, proc in self.children.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with code {proc.returncode}")

    def banner(self) -> None:
        s = self.settings
        api = f"http://{s.api_host}:{s.api_port}"
        lines = [
            "mozrest-sync dev stack is up",
            f"  API docs        {api}/docs",
            f"  Temporal UI     {self.temporal.ui_url if self.temporal else '(external: ' + s.temporal_target + ')'}",
            f"  PostgreSQL      {self.env['DATABASE_URL']}",
            f"  Mozrest URL     {self.env['MOZREST_POS_WEBHOOK_URL']}"
            + ("  (fake Mozrest: open its / page to see what it received)" if not s.mozrest_pos_webhook_url else ""),
            f"  Mozrest token   Authorization: Bearer {_secret(s.mozrest_webhook_token)}",
            f"  RMS token       Authorization: Bearer {_secret(s.rms_api_token)}",
            f"  Data            {self.data_dir}",
            "Ctrl-C stops everything.",
        ]
        print("\n".join(lines), flush=True)

    def stop(self) -> None:
        # Front to back: stop taking requests, then the worker, then the servers they use.
        for name in ("api", "worker", "fake-mozrest"):
            if name in self.children:
                self.stop_child(name)
        if self.temporal:
            self.temporal.stop()
        if self.postgres:
            self.postgres.stop()
        self.say("stopped")


def _secret(value) -> str:  # noqa: ANN001 - SecretStr | None
    return value.get_secret_value() if value is not None else ""


def main() -> int:
    os.environ.setdefault("ENVIRONMENT", "dev")
    settings = Settings()
    if settings.environment != "dev":
        print("error: `make dev` runs in dev mode; unset ENVIRONMENT or set it to dev", file=sys.stderr)
        return 2
    stack = Stack(settings)
    started = stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        if not started:  # interrupt a start-up that is still waiting on something
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    code = 0
    try:
        stack.start()
        started = True
        while not stopping:
            stack.check_children()
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    except Exception as exc:  # one readable line, then a clean stop
        print(f"[dev] error: {exc}", file=sys.stderr, flush=True)
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stack.stop()
    return code
