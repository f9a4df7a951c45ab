"""Times parse_plan on the 1,144-line sample (median/p95 after warm-up), on inputs of growing size
(125 KB to 1 MB, including pathological shapes: one huge line with dense dates, nested parentheses,
a run of prose) to show the cost grows linearly, and on a 50 MB input."""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.ingest.parser import is_native, parse_plan  # noqa: E402

SAMPLE = ROOT / "examples" / "plans" / "2025_industrial_tech_innovation_plan.txt"
RUNS = 30
WARMUP = 3
REFERENCE_LOOP = 300_000
GROWTH_KB = (125, 250, 500, 1000)
SHAPES = {
    "plan": None,  # the sample, repeated
    "dense_dates_line": "('25.3월, '25~'29, 10억원) 가나 ",
    "nested_parens": "ㅇ 과제 추진('25.3월) 및 " + "(" * 20 + "가" + ")" * 20 + " ",
    "prose_line": "정부는 2025년 6월까지 제도를 마련할 계획이다. ",
    "dated_lines": "ㅇ 시스템 구축('25.3월) 및 고도화('26.下)\n",
}


def _timed(text: str) -> tuple[float, int]:
    start = time.perf_counter()
    plan = parse_plan(text)
    return (time.perf_counter() - start) * 1000, len(plan.milestones)


def _reference_ms() -> float:
    """A fixed pure-Python loop timed beside the parser: this VM's speed swings by up to 1.5x
    between runs, and the ratio tells a slow machine from a slower parser."""
    start = time.perf_counter()
    total = 0
    for number in range(REFERENCE_LOOP):
        total += number % 7
    return (time.perf_counter() - start) * 1000


def _of_size(unit: str, kilobytes: int) -> str:
    size = kilobytes * 1000
    return (unit * (size // len(unit.encode()) + 1))[: size // 3]  # UTF-8 Korean: ~3 bytes a char


def _growth(sample: str) -> dict[str, object]:
    """ms per size for each shape, and the slope: ms(1 MB) / ms(125 KB) / 8 (1.0 = linear)."""
    out: dict[str, object] = {}
    for name, unit in SHAPES.items():
        times = {}
        for kilobytes in GROWTH_KB:
            text = (
                _of_size(unit or sample, kilobytes)
                if unit
                else sample * (kilobytes * 1000 // len(sample.encode()) + 1)
            )
            times[f"{kilobytes}KB"] = round(_timed(text)[0], 1)
        first, last = times[f"{GROWTH_KB[0]}KB"], times[f"{GROWTH_KB[-1]}KB"]
        slope = last / first / (GROWTH_KB[-1] / GROWTH_KB[0]) if first else None
        out[name] = {"ms": times, "slope": round(slope, 2) if slope else None, "target_1mb_ms": 2000}
    return out


def main() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    for _ in range(WARMUP):
        parse_plan(text)
    samples, reference = [], []
    for _ in range(RUNS):
        samples.append(_timed(text))
        reference.append(_reference_ms())
    times = sorted(ms for ms, _ in samples)
    median_ms = statistics.median(times)
    reference_ms = statistics.median(reference)
    growth = _growth(text)
    big_ms, _ = _timed(text * (50_000_000 // len(text) + 1))
    print(
        json.dumps(
            {
                "benchmark": "parse_plan",
                "lines": len(text.splitlines()),
                "runs": RUNS,
                "compiled": is_native(),
                "median_ms": round(median_ms, 2),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
                "target_ms": 30,
                "reference_loop_ms": round(reference_ms, 2),
                "median_in_reference_loops": round(median_ms / reference_ms, 2),
                "milestones": samples[0][1],
                "big_input_mb": 50,
                "big_input_ms": round(big_ms, 1),
                "growth": growth,
            }
        )
    )


if __name__ == "__main__":
    main()
