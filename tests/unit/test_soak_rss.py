"""The soak's RSS figures compare a process with itself (tests/chaos/rss.py); the memory tracer names the
allocation sites that grew, and the trim gives glibc's scattered free heap back (shared/memtrace.py)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from shared.memtrace import MemoryTracer, growth, malloc_trim, rss_kib, start_trimming
from tests.chaos.rss import RssTracker


def _tracker(rss: dict[int, int | None]) -> RssTracker:
    return RssTracker(warmup=60, min_span=120, rss_of=rss.get)


def test_a_restarted_service_is_measured_against_its_own_warmed_up_baseline() -> None:
    rss: dict[int, int | None] = {1: 100_000, 2: 200_000}
    tracker = _tracker(rss)
    tracker.sample({"ingest": 1, "notifier": 2}, 0.0, warm=True)  # warm already: baseline now
    rss[2] = 230_000
    tracker.sample({"ingest": 1, "notifier": 2}, 150.0)  # notifier's first process, last sample
    rss[3] = 50_000  # the new notifier starts small
    tracker.sample({"ingest": 1, "notifier": 3}, 160.0)
    rss[3] = 150_000  # and fills up during its warm-up: not growth
    tracker.sample({"ingest": 1, "notifier": 3}, 220.0)  # 60 s old: its baseline
    rss[1], rss[3] = 105_000, 156_000
    tracker.sample({"ingest": 1, "notifier": 3}, 400.0)

    figures = tracker.figures()
    lives = figures["rss_per_process"]["notifier"]
    assert [(p["pid"], p["baseline_kib"], p["end_kib"]) for p in lives] == [(2, 200_000, 230_000),
                                                                             (3, 150_000, 156_000)]  # fmt: skip
    assert [p["growth_percent"] for p in lives] == [15.0, 4.0]
    assert figures["rss_growth_percent"] == {"ingest": 5.0, "notifier": 15.0}  # the worst process counts


def test_a_process_too_short_lived_gets_no_figure_and_a_vanished_one_keeps_its_last_sample() -> None:
    rss: dict[int, int | None] = {7: 100_000}
    tracker = _tracker(rss)
    tracker.sample({"milestones": 7}, 0.0, warm=True)
    rss[7] = 101_000
    tracker.sample({"milestones": 7}, 100.0)  # 100 s after its baseline: less than min_span
    rss[7] = None  # killed between listing and reading
    tracker.sample({"milestones": 7}, 102.0)

    process = tracker.figures()["rss_per_process"]["milestones"][0]
    assert process["end_kib"] == 101_000
    assert process["growth_percent"] is None
    assert tracker.figures()["rss_growth_percent"] == {"milestones": None}


def test_the_growth_report_names_the_line_that_allocated() -> None:
    tracemalloc.start(4)
    try:
        before = tracemalloc.take_snapshot()
        kept = [bytearray(4096) for _ in range(300)]  # ~1.2 MB from this line
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    lines = growth(before, after)
    assert lines[0].startswith("+") and "KiB" in lines[0]
    assert any(__file__ in line for line in lines[1:5])
    assert len(kept) == 300


def test_a_dump_appends_rss_and_a_baseline_then_the_growth(tmp_path: Path) -> None:
    report = tmp_path / "svc.tracemalloc.1.txt"
    tracer = MemoryTracer(report, interval=3600)
    tracemalloc.start(4)
    try:
        tracer.dump()
        kept = [bytearray(4096) for _ in range(300)]
        tracer.dump()
    finally:
        tracemalloc.stop()
    text = report.read_text(encoding="utf-8")
    assert text.count("== ") == 2 and "(baseline)" in text and "rss_kib=" in text
    assert __file__ in text.split("(baseline)")[1]
    assert rss_kib() > 0
    assert len(kept) == 300


@pytest.mark.skipif(malloc_trim() is None, reason="not glibc: nothing to trim with")
def test_the_trim_hands_back_the_heap_that_scattered_survivors_hold() -> None:
    trim = malloc_trim()
    assert trim is not None
    blocks = [bytes(2000) + bytes([i % 256]) for i in range(40_000)]  # ~80 MB of C heap (> 512 B each)
    kept = blocks[::50]  # one survivor every 100 KB keeps glibc from shrinking the heap by itself
    del blocks
    held = rss_kib()
    trim(0)
    assert held - rss_kib() > 40_000  # KiB
    assert len(kept) == 800


def test_no_trimming_when_switched_off() -> None:
    assert start_trimming(0) is False
