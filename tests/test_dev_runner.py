"""`make dev` itself: up on free ports with a temporary DATA_DIR, used over HTTP, stopped by Ctrl-C, nothing left."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from devstack.embedded_pg import free_port
from devstack.processes import alive, descendants

ROOT = Path(__file__).resolve().parents[1]


def _wait_for_banner(proc: subprocess.Popen[str], log: Path, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text()
        if "Ctrl-C stops everything." in text:
            return text
        if proc.poll() is not None:
            pytest.fail(f"make dev exited early:\n{text}")
        time.sleep(0.2)
    pytest.fail(f"make dev did not come up:\n{log.read_text()}")


def test_make_dev_runs_serves_tables_and_stops_cleanly(tmp_path: Path) -> None:
    api_port, temporal_port, ui_port, fake_port = free_port(), free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEMPORAL_ADDRESS", "ENVIRONMENT"}}
    env.update(
        API_PORT=str(api_port),
        TEMPORAL_PORT=str(temporal_port),
        TEMPORAL_UI_PORT=str(ui_port),
        FAKE_MOZREST_PORT=str(fake_port),
        DATA_DIR=str(tmp_path / "data"),
        MOZREST_WEBHOOK_TOKEN="runner-mozrest-token",
        RMS_API_TOKEN="runner-rms-token",
    )
    log = tmp_path / "dev.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "dev"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            text=True,
        )
    try:
        banner = _wait_for_banner(proc, log)
        assert f"http://127.0.0.1:{api_port}/docs" in banner
        assert f"http://127.0.0.1:{ui_port}" in banner
        assert "Bearer runner-rms-token" in banner and "Bearer runner-mozrest-token" in banner
        started = descendants(proc.pid)
        assert len(started) >= 5  # python runner, postgres, temporal, worker, api (and the fake Mozrest)

        api = f"http://127.0.0.1:{api_port}"
        rms = {"Authorization": "Bearer runner-rms-token"}
        tables = [{"id": "t1", "name": "001"}, {"id": "t2", "name": "002"}]
        assert httpx.put(f"{api}/venue/v1", json={"name": "A", "timezone": "UTC"}, headers=rms).status_code == 200
        assert httpx.put(f"{api}/venue/v1/tables", json=tables, headers=rms).status_code == 200
        got = httpx.get(f"{api}/venue/v1/tables", headers={"Authorization": "Bearer runner-mozrest-token"})
        assert got.status_code == 200 and got.json() == tables
        assert httpx.get(f"{api}/readyz").json()["status"] == "ready"
        assert httpx.get(f"http://127.0.0.1:{ui_port}/", timeout=10).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{fake_port}/_control/health").status_code == 200
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    leftovers = [pid for pid in started if alive(pid)]
    assert leftovers == [], f"still running after Ctrl-C: {leftovers}\n{log.read_text()}"
    assert "[dev] stopped" in log.read_text()
    assert (tmp_path / "data" / "postgres" / "PG_VERSION").exists()  # data kept for the next `make dev`
    assert (tmp_path / "data" / "temporal.db").exists()
