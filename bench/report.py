"""Results: one progress line per phase while running, then a table for people and one JSON line per result.

Every result carries the machine's load average at the time it was measured, because on a shared 2-core box
other work (someone's test suite) moves the absolute figures; the ratios to the same-run baselines hold better.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine spent busy (all processes, ours or not) since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    bench: str
    metric: str
    value: float | int | str | None
    unit: str
    target: str = ""
    load1: float = 0.0


class Report:
    def __init__(self, bench: str) -> None:
        self.bench = bench
        self.results: list[Result] = []
        self.started = time.monotonic()

    def say(self, line: str) -> None:
        print(f"[{self.bench} {time.monotonic() - self.started:6.1f}s] {line}", flush=True)

    def add(self, metric: str, value: float | int | str | None, unit: str, target: str = "") -> None:
        if isinstance(value, float):
            value = None if value != value else round(value, 4)  # NaN -> null in JSON
        self.results.append(Result(self.bench, metric, value, unit, target, round(os.getloadavg()[0], 2)))

    def value(self, metric: str) -> float | int | str | None:
        return next((r.value for r in self.results if r.metric == metric), None)

    def verdict(self, name: str, target: str, ok: bool | None, figure: str) -> None:
        """One line per target of issue 5: met / MISSED (None: not measured in this run)."""
        state = "not measured" if ok is None else ("met" if ok else "MISSED")
        self.results.append(
            Result(
                self.bench, f"target.{name}", state, "", f"{target}; measured {figure}", round(os.getloadavg()[0], 2)
            )
        )

    def print(self, json_path: str | None = None) -> None:
        width = max([len(r.metric) for r in self.results] + [10])
        print(
            f"\n{self.bench}: {len(self.results)} results (load1 = 1-minute load average when measured; "
            f"{os.cpu_count()} CPUs)"
        )
        print(f"{'metric':<{width}}  {'value':>12}  {'unit':<14} {'load1':>5}  target")
        for r in self.results:
            value = f"{r.value:.3f}" if isinstance(r.value, float) else str(r.value)
            print(f"{r.metric:<{width}}  {value:>12}  {r.unit:<14} {r.load1:>5}  {r.target}")
        print()
        lines = [json.dumps(asdict(r)) for r in self.results]
        print("\n".join(lines), flush=True)
        if json_path:
            with open(json_path, "a") as out:
                out.write("\n".join(lines) + "\n")
        sys.stdout.flush()
