"""Times parse_plan on the 1,144-line sample (median/p95 after warm-up) and on a 50 MB input."""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.ingest.parser import parse_plan  # noqa: E402

SAMPLE = ROOT / "examples" / "plans" / "2025_industrial_tech_innovation_plan.txt"
RUNS = 30
WARMUP = 3


def _timed(text: str) -> tuple[float, int]:
    start = time.perf_counter()
    plan = parse_plan(text)
    return (time.perf_counter() - start) * 1000, len(plan.milestones)


def main() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    for _ in range(WARMUP):
        parse_plan(text)
    samples = [_timed(text) for _ in range(RUNS)]
    times = sorted(ms for ms, _ in samples)
    big_ms, _ = _timed(text * (50_000_000 // len(text) + 1))
    print(
        json.dumps(
            {
                "benchmark": "parse_plan",
                "lines": len(text.splitlines()),
                "runs": RUNS,
                "median_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
                "milestones": samples[0][1],
                "big_input_mb": 50,
                "big_input_ms": round(big_ms, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
