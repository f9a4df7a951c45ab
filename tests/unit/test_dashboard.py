"""The Grafana dashboard only charts metrics the services really export."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import REGISTRY

import services.ingest.metrics
import services.milestones.metrics
import services.notifier.metrics  # noqa: F401
import shared.kafka  # noqa: F401

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "dashboards" / "mtrack-overview.json"


def _exported() -> set[str]:
    names: set[str] = set()
    for family in REGISTRY.collect():
        names.update(sample.name for sample in family.samples)
        names.add(family.name + ("_total" if family.type == "counter" else ""))
    return names


def test_every_panel_queries_an_exported_metric() -> None:
    panels = json.loads(DASHBOARD.read_text(encoding="utf-8"))["panels"]
    queried = {
        name for p in panels for t in p["targets"] for name in re.findall(r"mtrack_[a-z_]+", t["expr"])
    }
    assert queried, "the dashboard queries no mtrack metric"
    missing = sorted(queried - _exported())
    assert missing == [], f"the dashboard queries metrics nobody exports: {missing}"
