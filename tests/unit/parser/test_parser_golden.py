"""Golden contract: the full milestone list of each sample document."""

import json
from pathlib import Path

import pytest

from services.ingest.parser import parse_plan

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = Path(__file__).parent / "golden"
SAMPLES = ["2025_industrial_tech_innovation_plan", "2026-01-28_industrial_rnd_innovation_press_release"]


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_matches_golden(name: str) -> None:
    text = (ROOT / "examples" / "plans" / f"{name}.txt").read_text(encoding="utf-8")
    expected = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    plan = parse_plan(text)
    assert plan.plan_key == expected["plan_key"]
    assert plan.doc_date is not None and plan.doc_date.isoformat() == expected["doc_date"]
    actual = [m.to_json() for m in plan.milestones]
    for got, want in zip(actual, expected["milestones"], strict=False):
        assert got == want
    assert len(actual) == len(expected["milestones"])
