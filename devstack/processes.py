"""Child processes of the dev stack: stopping one politely, and finding a process tree through /proc
(the runner starts its children in their own sessions, so a process group does not cover them)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path


def stop_process(proc: subprocess.Popen[bytes] | None, sig: int = signal.SIGINT, timeout: float = 30) -> None:
    """Send `sig`, wait up to `timeout`, then SIGKILL. A process already gone is fine."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None if it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def parent_map() -> dict[int, int]:
    """pid -> parent pid of every live process."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := proc_stat(int(entry))) is not None:
            parents[int(entry)] = int(stat[1])
    return parents


def descendants(pid: int) -> set[int]:
    """Every live descendant of pid (not pid itself)."""
    parents = parent_map()
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.add(child)
                frontier.append(child)
    return found


def alive(pid: int) -> bool:
    stat = proc_stat(pid)
    return stat is not None and stat[0] != "Z"
