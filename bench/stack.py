"""The real stack for the benches: `python -m devstack` (what `make dev` runs) on free ports and a throwaway
DATA_DIR, plus per-process CPU accounting from /proc. Always used as a context manager, so it stops even when a
bench fails: SIGINT to the runner (what Ctrl-C does), then SIGKILL to anything of ours that is left."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devstack.embedded_pg import free_port
from devstack.processes import descendants, parent_map, proc_stat

ROOT = Path(__file__).resolve().parents[1]
CLK_TCK = os.sysconf("SC_CLK_TCK")
MOZREST_TOKEN = "bench-mozrest-webhook-token"
RMS_TOKEN = "bench-rms-api-token"
# How to recognise each direct child of the runner by its command line.
ROLES = {
    "api": "api.main:app",
    "worker": "worker.py",
    "temporal": "start-dev",
    "postgres": "postgres",
    "fake_mozrest": "devstack.fake_mozrest",
}


def tree(pid: int) -> set[int]:
    """pid and all its live descendants."""
    return {pid} | descendants(pid)


def cpu_seconds(pid: int) -> float:
    """utime+stime of the tree rooted at pid. The root's cutime+cstime count descendants that already exited
    (PostgreSQL backends come and go), the live descendants are added one by one."""
    total = 0.0
    for p in tree(pid):
        st = proc_stat(p)
        if st is None:
            continue
        ticks = int(st[11]) + int(st[12]) + (int(st[13]) + int(st[14]) if p == pid else 0)
        total += ticks / CLK_TCK
    return total


class Stack:
    def __init__(self, label: str, extra_env: dict[str, str] | None = None) -> None:
        self.label = label
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"bench-{label}-"))
        self.api_port, self.fake_port = free_port(), free_port()
        self.temporal_port, ui_port = free_port(), free_port()
        drop = {"DATABASE_URL", "TEMPORAL_ADDRESS", "MOZREST_POS_WEBHOOK_URL", "ENVIRONMENT"}
        self.env = {k: v for k, v in os.environ.items() if k not in drop}
        self.env.update(
            API_PORT=str(self.api_port),
            TEMPORAL_PORT=str(self.temporal_port),
            TEMPORAL_UI_PORT=str(ui_port),
            FAKE_MOZREST_PORT=str(self.fake_port),
            DATA_DIR=str(self.data_dir / "data"),
            MOZREST_WEBHOOK_TOKEN=MOZREST_TOKEN,
            RMS_API_TOKEN=RMS_TOKEN,
            **(extra_env or {}),
        )
        self.log = self.data_dir / "dev.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.pids: dict[str, int] = {}
        self._started: dict[int, str] = {}
        self.database_url = ""

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def fake_url(self) -> str:
        return f"http://127.0.0.1:{self.fake_port}"

    @property
    def temporal_address(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    def __enter__(self) -> Stack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, timeout: float = 180) -> None:
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "devstack"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while "Ctrl-C stops everything." not in (text := self.log.read_text(errors="replace")):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the dev stack did not come up:\n{text[-3000:]}")
            time.sleep(0.2)
        self.database_url = re.search(r"PostgreSQL\s+(postgresql://\S+)", text).group(1)  # type: ignore[union-attr]
        parents = parent_map()
        for pid, parent in parents.items():
            if parent != self.proc.pid:
                continue
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            for role, marker in ROLES.items():
                if marker in cmd and role not in self.pids:
                    self.pids[role] = pid
                    self._started[pid] = proc_stat(pid)[19]  # type: ignore[index]  # identity check for stop()
                    break
        missing = {"api", "worker", "temporal", "postgres"} - set(self.pids)
        if missing:
            raise RuntimeError(f"could not find the stack's processes: {sorted(missing)}")

    def cpu(self) -> dict[str, float]:
        return {role: cpu_seconds(pid) for role, pid in self.pids.items()}

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)  # the runner stops its children front to back
            try:
                self.proc.wait(90)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for pid in self.pids.values():  # only if the runner could not stop them, and only if still ours
            st = proc_stat(pid)
            if st is None or st[19] != self._started.get(pid):
                continue
            for p in tree(pid):
                try:
                    os.kill(p, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        shutil.rmtree(self.data_dir, ignore_errors=True)
