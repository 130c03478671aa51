"""CPU accounting for one load-test run, from /proc (Linux).

The machine is shared: other work (test suites, browsers) running during a measurement takes CPU
from gunicorn and PostgreSQL and lowers the figures. For each run we record how much CPU the
benchmark's own processes used (gunicorn master and workers, PostgreSQL backends of the benchmark
database plus PostgreSQL's background processes, wrk) and how much the rest of the machine used.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _machine_busy() -> tuple[float, float]:
    """(busy seconds, total seconds) summed over all CPUs since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    busy = user + nice + system + irq + softirq + steal
    return busy / _TICK, (busy + idle + iowait) / _TICK


def _stat(pid: str) -> tuple[int, float] | None:
    """(parent pid, user+system CPU seconds) of a live process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = text.rsplit(")", 1)[1].split()
    return int(rest[1]), (int(rest[11]) + int(rest[12])) / _TICK


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _ours(server_pid: int, database: str) -> dict[str, tuple[str, float]]:
    """CPU seconds so far of each process that belongs to the benchmark: {pid: ("app" | "db", seconds)}."""
    found: dict[str, tuple[str, float]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        stat = _stat(entry.name)
        if stat is None:
            continue
        ppid, cpu = stat
        if int(entry.name) == server_pid or ppid == server_pid:
            found[entry.name] = ("app", cpu)
            continue
        cmd = _cmdline(entry.name)
        if cmd.startswith("postgres: "):
            is_backend = cmd.count(" ") >= 4 and "(" in cmd  # "postgres: 15/main: user db host(port) state"
            if f" {database} " in cmd or not is_backend:
                found[entry.name] = ("db", cpu)
    return found


def python_reference_ms(repeats: int = 3) -> float:
    """CPU milliseconds of a fixed pure-Python loop (the best of `repeats`): how fast this machine runs Python, so that
    figures from different machines can be compared. The same code's search CPU has differed by 1.7 times between
    machines of the same kind (docs/benchmarks.md, session 21)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i * i
        best = min(best, time.process_time() - started)
    return round(best * 1000, 1)


def machine_load(seconds: float = 2.0) -> float:
    """% of one CPU in use on the whole machine over the next `seconds`."""
    busy0, _ = _machine_busy()
    t0 = time.monotonic()
    time.sleep(seconds)
    busy1, _ = _machine_busy()
    return 100 * (busy1 - busy0) / (time.monotonic() - t0)


def wait_for_quiet(threshold: float, timeout: float) -> tuple[float, float]:
    """Wait (up to `timeout` s) until other work uses less than `threshold` % of one CPU.

    Call it while the benchmark's own processes are idle. Returns (seconds waited, last load seen).
    """
    t0 = time.monotonic()
    load = machine_load()
    while load > threshold and time.monotonic() - t0 < timeout:
        time.sleep(3)
        load = machine_load()
    return time.monotonic() - t0, load


@dataclass
class CpuUse:
    seconds: float
    server_seconds: float  # CPU seconds of gunicorn and PostgreSQL during the measurement
    app_seconds: float  # of which gunicorn (Django)
    db_seconds: float  # of which PostgreSQL
    wrk_seconds: float  # CPU seconds of wrk
    ours_pct: float  # % of one CPU used by the benchmark's processes (gunicorn, postgres, wrk)
    other_pct: float  # % of one CPU used by everything else on the machine
    machine_pct: float  # % of all CPUs busy


class CpuMeter:
    def __init__(self, server_pid: int, database: str) -> None:
        self.server_pid, self.database = server_pid, database

    def __enter__(self) -> CpuMeter:
        self.t0 = time.monotonic()
        self.busy0, self.total0 = _machine_busy()
        self.ours0 = _ours(self.server_pid, self.database)
        self.children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return self

    def __exit__(self, *exc) -> None:
        elapsed = time.monotonic() - self.t0
        busy1, total1 = _machine_busy()
        ours1 = _ours(self.server_pid, self.database)
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = {"app": 0.0, "db": 0.0}
        for pid, (kind, cpu) in ours1.items():
            used[kind] += cpu - self.ours0.get(pid, (kind, 0.0))[1]
        server = used["app"] + used["db"]
        # wrk (and nothing else) is reaped by us during the measurement.
        wrk = (children1.ru_utime + children1.ru_stime) - (self.children0.ru_utime + self.children0.ru_stime)
        ours = server + wrk
        busy = busy1 - self.busy0
        total = max(total1 - self.total0, 1e-9)
        self.result = CpuUse(
            seconds=elapsed,
            server_seconds=server,
            app_seconds=used["app"],
            db_seconds=used["db"],
            wrk_seconds=wrk,
            ours_pct=100 * ours / elapsed,
            other_pct=max(0.0, 100 * (busy - ours) / elapsed),
            machine_pct=100 * busy / total,
        )
