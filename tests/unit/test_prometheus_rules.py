"""The alerting and recording rules: valid (promtool check), unit-tested (promtool test), documented."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROM = ROOT / "deploy" / "prometheus"
sys.path.insert(0, str(PROM / "tests"))
import build_tests  # noqa: E402

PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    not PROMTOOL and not os.environ.get("CI"),
    reason="promtool missing (`make tools` installs Debian's prometheus)",
)


def test_generated_unit_tests_are_in_step_with_rules_and_cases() -> None:
    assert (PROM / "tests" / "mtrack-alerts.test.yml").read_text(encoding="utf-8") == build_tests.build(), (
        "run `python deploy/prometheus/tests/build_tests.py`"
    )


def test_every_alert_fires_in_one_case_and_stays_silent_in_another() -> None:
    for name, (_, evaluations) in build_tests.CASES.items():
        assert any(expected for _, expected in evaluations), f"{name} never fires in its test"
        assert any(not expected for _, expected in evaluations), f"{name} is never tested silent"


def test_every_alert_is_described_in_english_and_korean_with_a_runbook_section() -> None:
    readme = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
    anchors = {
        re.sub(r"[^a-z0-9-]", "", h.strip().lower().replace(" ", "-"))
        for h in re.findall(r"^#+ (.+)$", readme, re.M)
    }
    for name, rule in build_tests.alert_rules().items():
        notes = rule["annotations"]
        assert {"summary", "description", "description_ko", "runbook_url"} <= set(notes), name
        assert re.search(r"[가-힣]", notes["description_ko"]), f"{name}: description_ko is not Korean"
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}, name
        assert notes["runbook_url"] == f"deploy/README.md#{name.lower()}", name
        assert name.lower() in anchors, f"deploy/README.md has no runbook section `### {name}`"


@needs_promtool
def test_promtool_check_rules() -> None:
    rules = sorted(str(p) for p in (PROM / "rules").glob("*.yml"))
    result = subprocess.run(
        [PROMTOOL or "promtool", "check", "rules", *rules], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_test_rules() -> None:
    result = subprocess.run(
        [PROMTOOL or "promtool", "test", "rules", "mtrack-alerts.test.yml"],
        cwd=PROM / "tests",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_check_config() -> None:
    result = subprocess.run(
        [PROMTOOL or "promtool", "check", "config", "--syntax-only", str(PROM / "prometheus.yml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
