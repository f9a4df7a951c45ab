"""Where a service's memory goes, for a soak: `MTRACK_TRACEMALLOC=1` (or a list of services,
`ingest,notifier`; off by default, it slows the process) makes `mtrack serve` trace Python allocations
(`MTRACK_TRACEMALLOC_FRAMES`, 8) and, every `MTRACK_TRACEMALLOC_SECONDS` (60) and on SIGUSR1, append to
`<MTRACK_LOG_DIR or .>/<service>.tracemalloc.<pid>.txt` the process's RSS, the traced total, and the
top allocation sites grown since the first dump (the baseline). Python-level growth shows up there by
file and line; RSS growing while the traced total stays flat points at the allocator (arenas,
fragmentation) or at memory C extensions allocate — e.g. asyncpg's prepared statements, one per distinct
SQL text in each pooled connection (100 each): the notifier grew so until its statements stopped
varying with the batch size (VALUES and IN lists became arrays).

The standard library's tracemalloc, read with its own Snapshot.compare_to: nothing to install.

`start_trimming()`: every `MTRACK_MALLOC_TRIM_SECONDS` (30; 0 = never) glibc's malloc_trim(0) hands the
free pages inside the C heap back to the system. A batch after a backlog (a restart, a frozen broker)
briefly doubles the Python heap; glibc keeps what it freed, scattered between live blocks, so without
the trim RSS climbs to each new high-water mark and stays there (the soak measured it: the traced
Python heap flat, RSS growing). Not glibc (musl, macOS): nothing is done.

`quiet_collector()`: each service's start-up heap (modules, the app, pydantic schemas, the calendar) moved
out of the cyclic collector's sight, once per process (`gc.freeze`), so a full collection walks only what
was made since: before, every full pass walked ~145,000 objects while the event loop waited (up to
272 ms under the status bench: the p99 tail); optionally with a larger young generation (the core's
batches: see services/milestones/app.py)."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import os
import signal
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

TOP = 25
FRAMES = 8
log = logging.getLogger(__name__)


_frozen = False


def quiet_collector(young: int | None = None) -> None:
    """Once per process (frozen objects are still freed by reference counting, but a cycle among them
    never is: a process that starts many apps, like the tests, freezes only the first one's); `young`
    sets the first generation's threshold (Python's default: 700 allocations)."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.collect()
    gc.freeze()
    if young is not None:
        _, middle, old = gc.get_threshold()
        gc.set_threshold(young, middle, old)


def start_trimming(interval: float | None = None) -> bool:
    """Starts the trimming thread (False when there is nothing to trim with or it is switched off)."""
    seconds = float(os.environ.get("MTRACK_MALLOC_TRIM_SECONDS", "30")) if interval is None else interval
    trim = malloc_trim()
    if seconds <= 0 or trim is None:
        return False

    def loop() -> None:
        while True:
            time.sleep(seconds)
            trim(0)

    threading.Thread(target=loop, daemon=True, name="malloc-trim").start()
    return True


def malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim (it releases the GIL while it runs), or None off glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        function = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    function.argtypes, function.restype = [ctypes.c_size_t], ctypes.c_int
    return function


def start_from_env(service: str) -> Path | None:
    """Starts the tracing thread when MTRACK_TRACEMALLOC is set; returns the report file (or None)."""
    wanted = os.environ.get("MTRACK_TRACEMALLOC", "")  # 1: every service, or names: "ingest,notifier"
    if wanted in ("", "0") or (wanted != "1" and service not in wanted.split(",")):
        return None
    folder = Path(os.environ.get("MTRACK_LOG_DIR") or ".")
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / f"{service}.tracemalloc.{os.getpid()}.txt"
    seconds = float(os.environ.get("MTRACK_TRACEMALLOC_SECONDS", "60"))
    tracer = MemoryTracer(report, seconds, int(os.environ.get("MTRACK_TRACEMALLOC_FRAMES", str(FRAMES))))
    tracer.start()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGUSR1, lambda *_: tracer.wake.set())
    return report


class MemoryTracer(threading.Thread):
    def __init__(self, report: Path, interval: float, frames: int = FRAMES) -> None:
        super().__init__(daemon=True, name="memtrace")
        self.report, self.interval, self.frames = report, interval, frames
        self.wake = threading.Event()
        self.baseline: tracemalloc.Snapshot | None = None

    def run(self) -> None:
        tracemalloc.start(self.frames)
        while True:
            self.wake.wait(self.interval)
            self.wake.clear()
            self.dump()

    def dump(self) -> None:
        snapshot = tracemalloc.take_snapshot().filter_traces(
            (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, __file__))
        )
        traced, peak = tracemalloc.get_traced_memory()
        lines = [f"== {time.strftime('%H:%M:%S')} rss_kib={rss_kib()} traced_kib={traced // 1024}"
                 f" peak_kib={peak // 1024}"]  # fmt: skip
        if self.baseline is None:
            self.baseline = snapshot
            lines.append("(baseline)")
        else:
            lines += growth(self.baseline, snapshot)
        with self.report.open("a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")


def growth(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, top: int = TOP) -> list[str]:
    """The `top` allocation sites (by traceback) that grew most from `before` to `after`, one line each
    plus the innermost frames of the project's own code or the library that allocated."""
    lines: list[str] = []
    for stat in after.compare_to(before, "traceback")[:top]:
        if stat.size_diff <= 0:
            break
        lines.append(
            f"+{stat.size_diff // 1024} KiB (now {stat.size // 1024} KiB, +{stat.count_diff} blocks)"
        )
        lines += [f"    {frame.filename}:{frame.lineno}" for frame in stat.traceback[-4:]]
    return lines


def rss_kib() -> int:
    """This process's resident set (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path("/proc/self/statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
