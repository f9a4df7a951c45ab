"""Writes the provisioned Grafana dashboards (dashboards/*.json) from the panel lists below.

`python deploy/grafana/build_dashboards.py` after changing a panel; tests/unit/test_dashboard.py checks the
JSON is in step, and tests/integration/test_prometheus_queries.py runs every expression against a real
Prometheus scraping the running stack. Metric names: the contract in the project brief / deploy/README.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "dashboards"
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}
DEPT = 'department=~"$department"'
SVC = 'service=~"$service"'

# (title, type, unit, [(expr, legend)], thresholds [(value, colour)] or None, width)
Panel = tuple[str, str, str, list[tuple[str, str]], list[tuple[float | None, str]] | None, int]

GOOD_HIGH_RATIO = [(None, "red"), (0.6, "orange"), (0.8, "green")]
GOOD_HIGH_PERCENT = [(None, "red"), (50, "orange"), (70, "green")]
ZERO_IS_GOOD = [(None, "green"), (1, "red")]

OVERVIEW: list[Panel] = [
    (
        "On-time rate (done by the due date)",
        "stat",
        "percentunit",
        [
            (
                f'sum(mtrack_completions_total{{{DEPT},on_time="true"}}) / sum(mtrack_completions_total{{{DEPT}}})',
                "on time",
            )
        ],
        GOOD_HIGH_RATIO,
        6,
    ),
    (
        "Execution rate 집행이행도 (mean of departments)",
        "stat",
        "percent",
        [(f"avg(mtrack_execution_rate_percent{{{DEPT}}})", "execution rate")],
        GOOD_HIGH_PERCENT,
        6,
    ),
    (
        "Overdue milestones",
        "stat",
        "short",
        [(f'sum(mtrack_milestones{{{DEPT},state="overdue"}})', "overdue")],
        ZERO_IS_GOOD,
        6,
    ),
    (
        "Deadline sweep: last success",
        "stat",
        "s",
        [("time() - max(mtrack_sweep_last_success_timestamp_seconds)", "ago")],
        [(None, "green"), (120, "orange"), (180, "red")],
        6,
    ),
    (
        "On-time rate per department",
        "bargauge",
        "percentunit",
        [(f"mtrack_on_time_ratio{{{DEPT}}}", "{{department}}")],
        GOOD_HIGH_RATIO,
        12,
    ),
    (
        "Execution rate per department",
        "bargauge",
        "percent",
        [(f"mtrack_execution_rate_percent{{{DEPT}}}", "{{department}}")],
        GOOD_HIGH_PERCENT,
        12,
    ),
    (
        "Milestones by state",
        "timeseries",
        "short",
        [(f"sum by (state) (mtrack_milestones{{{DEPT}}})", "{{state}}")],
        None,
        12,
    ),
    (
        "Milestones by health per department",
        "bargauge",
        "short",
        [(f"sum by (department, health) (mtrack_milestones_health{{{DEPT}}})", "{{department}} {{health}}")],
        None,
        12,
    ),
    (
        "Overdue per department",
        "bargauge",
        "short",
        [(f'sum by (department) (mtrack_milestones{{{DEPT},state="overdue"}})', "{{department}}")],
        ZERO_IS_GOOD,
        12,
    ),
    (
        "Overdue age (p50 / p90)",
        "timeseries",
        "d",
        [
            (
                f"histogram_quantile(0.5, sum by (le) (mtrack_overdue_age_seconds_bucket{{{DEPT}}})) / 86400",
                "p50",
            ),
            (
                f"histogram_quantile(0.9, sum by (le) (mtrack_overdue_age_seconds_bucket{{{DEPT}}})) / 86400",
                "p90",
            ),
        ],
        [(None, "green"), (7, "orange"), (30, "red")],
        12,
    ),
    (
        "Reminders and escalations queued per hour",
        "timeseries",
        "short",
        [("sum by (type, audience) (increase(mtrack_alerts_queued_total[1h]))", "{{type}} → {{audience}}")],
        None,
        12,
    ),
    (
        "Mails per hour by kind and outcome (digests, immediate, escalations)",
        "timeseries",
        "short",
        [("sum by (kind, outcome) (increase(mtrack_mails_total[1h]))", "{{kind}} {{outcome}}")],
        None,
        12,
    ),
    (
        "Webhook deliveries per hour",
        "timeseries",
        "short",
        [("sum by (outcome) (increase(mtrack_webhook_deliveries_total[1h]))", "{{outcome}}")],
        None,
        12,
    ),
    (
        "Digest: last run",
        "stat",
        "s",
        [("time() - max(mtrack_digest_last_run_timestamp_seconds)", "ago")],
        [(None, "green"), (90000, "orange"), (176400, "red")],
        12,
    ),
]

OPERATIONS: list[Panel] = [
    ("Targets up", "stat", "short", [('up{job="mtrack"}', "{{service}}")], [(None, "red"), (1, "green")], 6),
    (
        "HTTP 5xx ratio",
        "stat",
        "percentunit",
        [(f"service:mtrack_http_errors:ratio_rate5m{{{SVC}}}", "{{service}}")],
        [(None, "green"), (0.01, "orange"), (0.05, "red")],
        6,
    ),
    (
        "HTTP in flight",
        "stat",
        "short",
        [(f"sum by (service) (mtrack_http_requests_in_flight{{{SVC}}})", "{{service}}")],
        None,
        6,
    ),
    (
        "Service restarts (mtrack run, 1 h)",
        "stat",
        "short",
        [("sum by (service) (increase(mtrack_service_restarts_total[1h]))", "{{service}}")],
        ZERO_IS_GOOD,
        6,
    ),
    (
        "HTTP requests by status class",
        "timeseries",
        "reqps",
        [
            (
                f"sum by (service, status_class) (rate(mtrack_http_requests_total{{{SVC}}}[$__rate_interval]))",
                "{{service}} {{status_class}}",
            )
        ],
        None,
        12,
    ),
    (
        "HTTP latency p50 / p95",
        "timeseries",
        "s",
        [
            (
                "histogram_quantile(0.5, sum by (service, le) "
                f"(rate(mtrack_http_request_duration_seconds_bucket{{{SVC}}}[$__rate_interval])))",
                "{{service}} p50",
            ),
            (f"service:mtrack_http_request_duration_seconds:p95_5m{{{SVC}}}", "{{service}} p95"),
        ],
        [(None, "green"), (1, "orange"), (2, "red")],
        12,
    ),
    (
        "Busiest routes",
        "bargauge",
        "reqps",
        [
            (
                f"topk(10, sum by (service, route) (rate(mtrack_http_requests_total{{{SVC}}}[5m])))",
                "{{service}} {{route}}",
            )
        ],
        None,
        12,
    ),
    (
        "API rejections per hour",
        "timeseries",
        "short",
        [("sum by (reason) (increase(mtrack_api_rejections_total[1h]))", "{{reason}}")],
        None,
        12,
    ),
    (
        "Consumer lag",
        "timeseries",
        "short",
        [("consumer:mtrack_consumer_lag:sum", "{{consumer}}")],
        [(None, "green"), (100, "orange"), (1000, "red")],
        12,
    ),
    (
        "Consumer retries and paused partitions",
        "timeseries",
        "short",
        [
            (
                "sum by (consumer, kind) (increase(mtrack_consumer_retries_total[1h]))",
                "{{consumer}} {{kind}}",
            ),
            ("sum by (consumer) (mtrack_consumer_paused_partitions)", "{{consumer}} paused"),
        ],
        None,
        12,
    ),
    (
        "Outbox backlog",
        "timeseries",
        "short",
        [("sum by (producer) (mtrack_outbox_pending_rows)", "{{producer}} pending")],
        None,
        12,
    ),
    (
        "Outbox: oldest pending event",
        "timeseries",
        "s",
        [("max by (producer) (mtrack_outbox_oldest_pending_age_seconds)", "{{producer}}")],
        [(None, "green"), (60, "orange"), (300, "red")],
        12,
    ),
    (
        "Dead letters per hour",
        "timeseries",
        "short",
        [
            (
                "sum by (consumer, stage) (increase(mtrack_dead_letter_records_total[1h]))",
                "{{consumer}} {{stage}}",
            )
        ],
        ZERO_IS_GOOD,
        12,
    ),
    (
        "Outbox rows quarantined per hour",
        "timeseries",
        "short",
        [("sum by (producer) (increase(mtrack_outbox_quarantined_total[1h]))", "{{producer}}")],
        ZERO_IS_GOOD,
        12,
    ),
    (
        "Notifier backlog",
        "timeseries",
        "short",
        [
            ("sum(mtrack_notifier_pending_items)", "pending"),
            ("sum by (channel) (increase(mtrack_notifier_retries_total[1h]))", "retries {{channel}} /h"),
        ],
        None,
        12,
    ),
    (
        "Notifier: oldest pending notice",
        "timeseries",
        "s",
        [("max(mtrack_notifier_oldest_pending_age_seconds)", "oldest")],
        [(None, "green"), (600, "orange"), (1800, "red")],
        12,
    ),
    (
        "Events applied by the core",
        "timeseries",
        "ops",
        [
            (
                "sum by (type, outcome) (rate(mtrack_events_applied_total[$__rate_interval]))",
                "{{type}} {{outcome}}",
            )
        ],
        None,
        12,
    ),
    (
        "Core apply time p95 / events ingested",
        "timeseries",
        "s",
        [
            (
                "histogram_quantile(0.95, sum by (le) (rate(mtrack_apply_seconds_bucket[$__rate_interval])))",
                "p95",
            ),
            ("sum by (type) (increase(mtrack_ingest_events_total[1h]))", "ingested {{type}} /h"),
        ],
        None,
        12,
    ),
]

VARIABLES = {
    "department": "label_values(mtrack_milestones, department)",
    "service": 'label_values(up{job="mtrack"}, service)',
}


def _variable(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "label": name,
        "type": "query",
        "datasource": DATASOURCE,
        "query": {"query": VARIABLES[name], "refId": f"{name}-values"},
        "definition": VARIABLES[name],
        "refresh": 2,
        "includeAll": True,
        "allValue": ".*",
        "multi": True,
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "sort": 1,
    }


def _panel(number: int, panel: Panel, x: int, y: int) -> dict[str, Any]:
    title, kind, unit, targets, thresholds, width = panel
    defaults: dict[str, Any] = {"unit": unit}
    if unit in {"percentunit"}:
        defaults |= {"min": 0, "max": 1}
    if unit == "percent":
        defaults |= {"min": 0, "max": 100}
    if thresholds:
        defaults["thresholds"] = {
            "mode": "absolute",
            "steps": [{"value": value, "color": colour} for value, colour in thresholds],
        }
        if kind == "timeseries":
            defaults["custom"] = {"thresholdsStyle": {"mode": "line"}}
    return {
        "id": number,
        "title": title,
        "type": kind,
        "datasource": DATASOURCE,
        "gridPos": {"x": x, "y": y, "w": width, "h": 8 if kind != "stat" else 5},
        "targets": [
            {"refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend, "datasource": DATASOURCE}
            for i, (expr, legend) in enumerate(targets)
        ],
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"]}} if kind in {"stat", "bargauge"} else {},
    }


def dashboard(uid: str, title: str, panels: list[Panel], variable: str) -> dict[str, Any]:
    built, x, y, row_height = [], 0, 0, 0
    for number, panel in enumerate(panels, start=1):
        width = panel[5]
        if x + width > 24:
            x, y = 0, y + row_height
            row_height = 0
        item = _panel(number, panel, x, y)
        built.append(item)
        x += width
        row_height = max(row_height, item["gridPos"]["h"])
    return {
        "uid": uid,
        "title": title,
        "tags": ["mtrack"],
        "timezone": "Asia/Seoul",
        "schemaVersion": 39,
        "version": 1,
        "editable": True,
        "refresh": "30s",
        "time": {"from": "now-24h", "to": "now"},
        "templating": {"list": [_variable(variable)]},
        "panels": built,
    }


DASHBOARDS = {
    "mtrack-overview.json": dashboard(
        "mtrack-overview", "mtrack / Overview (milestones)", OVERVIEW, "department"
    ),
    "mtrack-operations.json": dashboard("mtrack-operations", "mtrack / Operations", OPERATIONS, "service"),
}


def render(board: dict[str, Any]) -> str:
    return json.dumps(board, ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    for name, board in DASHBOARDS.items():
        (OUT / name).write_text(render(board), encoding="utf-8")
        print(f"wrote {OUT / name}", file=sys.stderr)
