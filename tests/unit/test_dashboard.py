"""The Grafana dashboards: generated from deploy/grafana/build_dashboards.py, provisioned, with units and
thresholds, and charting only metrics the services export (or that the contract names, awaiting merge)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import mtrack.run  # noqa: F401  (each import registers the metrics it defines)
import services.ingest.metrics
import services.milestones.metrics
import services.notifier.metrics  # noqa: F401
import shared.api_errors
import shared.auth
import shared.dead_letters
import shared.kafka
import shared.observe
import shared.outbox  # noqa: F401
from tests.integration.test_prometheus_queries import AWAITING_MERGE, expressions, metrics_of

ROOT = Path(__file__).resolve().parents[2]
GRAFANA = ROOT / "deploy" / "grafana"
sys.path.insert(0, str(GRAFANA))
import build_dashboards  # noqa: E402


def _exported() -> set[str]:
    names: set[str] = set()
    for family in REGISTRY.collect():
        names.update(sample.name for sample in family.samples)
        names.add(family.name + ("_total" if family.type == "counter" else ""))
    return names


def test_dashboards_are_in_step_with_their_generator() -> None:
    for name, board in build_dashboards.DASHBOARDS.items():
        assert (GRAFANA / "dashboards" / name).read_text(encoding="utf-8") == build_dashboards.render(
            board
        ), "run `python deploy/grafana/build_dashboards.py`"
    assert {p.name for p in (GRAFANA / "dashboards").glob("*.json")} == set(build_dashboards.DASHBOARDS)


def test_every_query_charts_an_exported_or_contract_metric() -> None:
    queried = {name for _, expr in expressions() for name in metrics_of(expr)}
    assert queried, "nothing queries an mtrack metric"
    missing = sorted(queried - _exported() - AWAITING_MERGE)
    assert missing == [], f"queries of metrics nobody exports: {missing}"


def test_every_panel_has_a_unit_and_every_board_a_variable() -> None:
    for path in (GRAFANA / "dashboards").glob("*.json"):
        board = json.loads(path.read_text(encoding="utf-8"))
        assert board["templating"]["list"], path.name
        for panel in board["panels"]:
            assert panel["fieldConfig"]["defaults"].get("unit"), f"{path.name}: {panel['title']} has no unit"
            assert panel["targets"], panel["title"]


def test_overview_filters_department_panels_by_the_variable() -> None:
    board = build_dashboards.DASHBOARDS["mtrack-overview.json"]
    for panel in board["panels"]:
        for target in panel["targets"]:
            if re.search(r"mtrack_(milestones|completions|on_time|execution|overdue)", target["expr"]):
                assert "$department" in target["expr"], panel["title"]


def test_grafana_provisioning_points_at_the_dashboards_and_prometheus() -> None:
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "mtrack.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    source = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())
    assert source["datasources"][0]["uid"] == "prometheus"
