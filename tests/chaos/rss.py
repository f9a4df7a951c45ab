"""RSS per service process over a soak, comparable across restarts.

A service killed by a fault comes back as a new process whose memory starts from nothing, so "RSS of the
service at the start vs at the end" compares two processes. Here every process is followed on its own:
its baseline is its RSS once it has run `warmup` seconds (imports done, pools and caches filled, the
backlog of a restart caught up), its end is its last sample (before it was killed, or at the end), and its
growth is end vs baseline of that same process. A process that lived less than `warmup + min_span`
seconds gets no growth figure (too short to say anything). The service's figure is the largest growth
among its processes that have one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Life:
    pid: int
    born: float  # first seen (monotonic seconds)
    baseline: int | None = None  # KiB, the first sample at or after born + warmup
    baseline_at: float | None = None
    last: int = 0  # KiB, the latest sample
    last_at: float = 0.0
    peak: int = 0

    def growth_percent(self, min_span: float) -> float | None:
        if self.baseline is None or self.baseline_at is None or self.last_at - self.baseline_at < min_span:
            return None
        return round(100 * (self.last - self.baseline) / self.baseline, 1)


class RssTracker:
    def __init__(self, warmup: float, min_span: float, rss_of: Callable[[int], int | None]) -> None:
        self.warmup, self.min_span, self.rss_of = warmup, min_span, rss_of
        self.lives: dict[str, list[Life]] = {}

    def sample(self, pids: dict[str, int], now: float, *, warm: bool = False) -> None:
        """One RSS sample of each service's current process; `warm` marks processes that were already
        warmed up when first seen (the soak's own warm-up load ran before)."""
        for name, pid in pids.items():
            lives = self.lives.setdefault(name, [])
            if not lives or lives[-1].pid != pid:
                lives.append(Life(pid, now - (self.warmup if warm else 0.0)))
            kib = self.rss_of(pid)
            if kib is None:  # gone between the listing and the read: its last sample stands
                continue
            life = lives[-1]
            life.last, life.last_at, life.peak = kib, now, max(life.peak, kib)
            if life.baseline is None and now >= life.born + self.warmup:
                life.baseline, life.baseline_at = kib, now

    def figures(self) -> dict[str, Any]:
        per_process = {
            name: [
                {
                    "pid": life.pid,
                    "baseline_kib": life.baseline,
                    "end_kib": life.last,
                    "peak_kib": life.peak,
                    "seconds": round(life.last_at - (life.baseline_at or life.last_at)),
                    "growth_percent": life.growth_percent(self.min_span),
                }
                for life in lives
            ]
            for name, lives in self.lives.items()
        }
        growth = {
            name: max((g for p in procs if (g := p["growth_percent"]) is not None), default=None)
            for name, procs in per_process.items()
        }
        return {"rss_per_process": per_process, "rss_growth_percent": growth}
