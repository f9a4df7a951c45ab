"""Writes mtrack-alerts.test.yml (promtool unit tests) from the cases below and the rules' annotations.

`promtool test rules` compares annotations exactly, so the expected ones are rendered here from the rule
files (the few template forms the rules use) instead of being copied by hand: `python build_tests.py`
after changing a rule or a case; tests/unit/test_prometheus_rules.py checks the file is in step and runs it.
Every alert has a case where it fires and one where it does not.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
RULES = HERE.parent / "rules"
OUTPUT = HERE / "mtrack-alerts.test.yml"

# alert -> (input series, [(eval time, [(labels, value)])]); an empty list means "does not fire then".
Case = tuple[list[tuple[str, str]], list[tuple[str, list[tuple[dict[str, str], float]]]]]
CASES: dict[str, Case] = {
    "MtrackServiceDown": (
        [
            ('up{job="mtrack",service="ingest",instance="ingest:8001"}', "1 0x10"),
            ('up{job="mtrack",service="notifier",instance="notifier:8003"}', "1x10"),
        ],
        [("2m", []), ("5m", [({"service": "ingest", "instance": "ingest:8001", "job": "mtrack"}, 0)])],
    ),
    "MtrackReadinessFailing": (
        [
            ('mtrack_http_requests_total{service="notifier",route="/readyz",status_class="5xx"}', "0+6x20"),
            ('mtrack_http_requests_total{service="notifier",route="/readyz",status_class="2xx"}', "0+0x20"),
            ('mtrack_http_requests_total{service="ingest",route="/readyz",status_class="5xx"}', "0+1x20"),
            ('mtrack_http_requests_total{service="ingest",route="/readyz",status_class="2xx"}', "0+5x20"),
        ],
        [("3m", []), ("15m", [({"service": "notifier"}, 1)])],
    ),
    "MtrackServiceRestarting": (
        [
            (
                'mtrack_service_restarts_total{service="notifier"}',
                "0 0 0 1 2 3 4 5 5 5 5 5 5 5 5 5 5 5 5 5 5",
            ),
            ('mtrack_service_restarts_total{service="ingest"}', "0 0 1 1 1 1 1 1 1 1 1 1 1 1 1 1"),
        ],
        [("2m", []), ("7m", [({"service": "notifier"}, 5)])],
    ),
    "MtrackHttpErrors": (
        [
            (
                'mtrack_http_requests_total{service="ingest",route="/v1/milestones",status_class="5xx"}',
                "0+10x30",
            ),
            (
                'mtrack_http_requests_total{service="ingest",route="/v1/milestones",status_class="2xx"}',
                "0+90x30",
            ),
            (
                'mtrack_http_requests_total{service="milestones",route="/v1/milestones",status_class="2xx"}',
                "0+90x30",
            ),
            (
                'mtrack_http_requests_total{service="milestones",route="/v1/milestones",status_class="5xx"}',
                "0+1x30",
            ),
        ],
        [("5m", []), ("20m", [({"service": "ingest"}, 0.1)])],
    ),
    "MtrackHttpSlow": (
        [
            (
                'mtrack_http_request_duration_seconds_bucket{service="ingest",route="/v1/plans",le="1"}',
                "0+0x40",
            ),
            (
                'mtrack_http_request_duration_seconds_bucket{service="ingest",route="/v1/plans",le="5"}',
                "0+10x40",
            ),
            (
                'mtrack_http_request_duration_seconds_bucket{service="ingest",route="/v1/plans",le="+Inf"}',
                "0+10x40",
            ),
            (
                'mtrack_http_request_duration_seconds_bucket{service="milestones",route="/x",le="1"}',
                "0+10x40",
            ),
            (
                'mtrack_http_request_duration_seconds_bucket{service="milestones",route="/x",le="5"}',
                "0+10x40",
            ),
            (
                'mtrack_http_request_duration_seconds_bucket{service="milestones",route="/x",le="+Inf"}',
                "0+10x40",
            ),
        ],
        [("10m", []), ("30m", [({"service": "ingest"}, 4.8)])],
    ),
    "MtrackConsumerLagHigh": (
        [
            ('mtrack_consumer_lag{consumer="notifier",topic="alerts",partition="0"}', "600x30"),
            ('mtrack_consumer_lag{consumer="notifier",topic="alerts",partition="1"}', "600x30"),
            ('mtrack_consumer_lag{consumer="milestones",topic="events",partition="0"}', "900x30"),
        ],
        [("5m", []), ("20m", [({"consumer": "notifier"}, 1200)])],
    ),
    "MtrackConsumerStuck": (
        [
            ('mtrack_consumer_lag{consumer="notifier",topic="alerts",partition="0"}', "5x60"),
            ('mtrack_consumer_lag{consumer="milestones",topic="events",partition="0"}', "50-1x45 0x15"),
        ],
        [("10m", []), ("40m", [({"consumer": "notifier"}, 5)])],
    ),
    "MtrackConsumerPaused": (
        [
            ('mtrack_consumer_paused_partitions{consumer="notifier"}', "0 1x30"),
            ('mtrack_consumer_paused_partitions{consumer="milestones"}', "0x30"),
        ],
        [("5m", []), ("15m", [({"consumer": "notifier"}, 1)])],
    ),
    "MtrackOutboxBacklogOld": (
        [
            ('mtrack_outbox_oldest_pending_age_seconds{producer="ingest"}', "0+60x30"),
            ('mtrack_outbox_oldest_pending_age_seconds{producer="milestones"}', "0x30"),
        ],
        [("5m", []), ("12m", [({"producer": "ingest"}, 720)])],
    ),
    "MtrackOutboxQuarantined": (
        [
            ('mtrack_outbox_quarantined_total{producer="ingest"}', "0x5 1x30"),
            ('mtrack_outbox_quarantined_total{producer="milestones"}', "0x35"),
        ],
        [("4m", []), ("15m", [({"producer": "ingest"}, 1)])],
    ),
    "MtrackDeadLettersIncreasing": (
        [
            ('mtrack_dead_letter_records_total{consumer="notifier",stage="decode"}', "0x5 0+1x10"),
            ('mtrack_dead_letter_records_total{consumer="milestones",stage="apply"}', "0x15"),
        ],
        [("4m", []), ("15m", [({"consumer": "notifier", "stage": "decode"}, 9)])],
    ),
    "MtrackMailFailures": (
        [
            ('mtrack_mails_total{kind="digest",outcome="failed"}', "0x5 0+1x6 6x20"),
            ('mtrack_mails_total{kind="digest",outcome="sent"}', "0+10x30"),
            ('mtrack_mails_total{kind="immediate",outcome="refused"}', "0x30"),
        ],
        [("4m", []), ("30m", [({"kind": "digest", "outcome": "failed"}, 6)])],
    ),
    "MtrackWebhookFailures": (
        [
            ('mtrack_webhook_deliveries_total{outcome="dead"}', "0x5 0+2x10 20x20"),
            ('mtrack_webhook_deliveries_total{outcome="delivered"}', "0+3x30"),
        ],
        [("4m", []), ("20m", [({}, 20)])],
    ),
    "MtrackNotifierBacklogOld": (
        [("mtrack_notifier_oldest_pending_age_seconds", "0x20 0+300x30")],
        [("20m", []), ("40m", [({}, 5700)])],
    ),
    # 1970-01-01 (t=0) is a Thursday, 09:00 in Seoul. The digest ran Thu 10:00 KST (t=3600).
    # Fri 1970-01-02 11:00 KST is t=26h: no digest that day -> fires; Thu 11:00 KST (t=2h): ran -> silent;
    # Sat 1970-01-03 11:00 KST (t=50h): a weekend -> silent; Fri 09:30 KST (t=24.5h): before 10:00 -> silent.
    "MtrackDigestNotSent": (
        # t=0 is Thursday 09:00 KST; the notifier says Thursday and Friday are working days, Saturday not
        # (a public holiday reads the same: 0).
        [("mtrack_digest_last_run_timestamp_seconds", "3600x3600"), ("mtrack_working_day", "1x2339 0x1500")],
        [("2h", []), ("24h30m", []), ("26h", [({}, 0)]), ("50h", [])],
    ),
    "MtrackSweepNotRun": (
        [("mtrack_sweep_last_success_timestamp_seconds", "0 60 120 180 240 300 360 360x20")],
        [("6m", []), ("12m", [({}, 360)])],
    ),
    "MtrackOnTimeRateLow": (
        [
            ('mtrack_on_time_ratio{department="tech-policy"}', "0.5x120"),
            ('mtrack_on_time_ratio{department="regulation"}', "0.95x120"),
        ],
        [("30m", []), ("90m", [({"department": "tech-policy"}, 0.5)])],
    ),
    "MtrackExecutionRateLow": (
        [
            ('mtrack_execution_rate_percent{department="tech-market"}', "55x120"),
            ('mtrack_execution_rate_percent{department="tech-policy"}', "85x120"),
        ],
        [("30m", []), ("90m", [({"department": "tech-market"}, 55)])],
    ),
}


# Recording rules whose arithmetic is worth pinning: (input series, eval time, expr, [(labels, value)]).
RECORDING_CASES: list[tuple[list[tuple[str, str]], str, str, list[tuple[dict[str, str], float]]]] = [
    (
        [
            ('mtrack_completions_total{department="tech-policy",on_time="true"}', "3x5"),
            ('mtrack_completions_total{department="tech-policy",on_time="false"}', "1x5"),
            ('mtrack_completions_total{department="regulation",on_time="true"}', "0x5"),
            ('mtrack_completions_total{department="regulation",on_time="false"}', "4x5"),
        ],
        "5m",
        "department:mtrack_completions_on_time:ratio",
        [({"department": "tech-policy"}, 0.75), ({"department": "regulation"}, 0)],
    ),
    (
        [
            ('mtrack_completions_total{department="tech-policy",on_time="true"}', "3x5"),
            ('mtrack_completions_total{department="regulation",on_time="false"}', "1x5"),
        ],
        "5m",
        "mtrack_completions_on_time:ratio",
        [({}, 0.75)],
    ),
    (
        [
            ('mtrack_http_requests_total{service="ingest",route="/a",status_class="5xx"}', "0+3x10"),
            ('mtrack_http_requests_total{service="ingest",route="/b",status_class="2xx"}', "0+27x10"),
        ],
        "10m",
        "service:mtrack_http_errors:ratio_rate5m",
        [({"service": "ingest"}, 0.1)],
    ),
]


def alert_rules() -> dict[str, dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for path in sorted(RULES.glob("*.yml")):
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]:
            for rule in group["rules"]:
                if "alert" in rule:
                    rules[rule["alert"]] = rule
    return rules


def _go_float(value: float) -> str:
    """Go's %v of a float64 for the plain values used in the cases."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _humanize_duration(value: float) -> str:
    if abs(value) < 1:
        return f"{value:.4g}s"
    seconds = int(value)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {minutes}m {secs}s"
    if hours:
        return f"{hours}h {minutes}m {secs}s"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{value:.4g}s"


def render(template: str, labels: dict[str, str], value: float) -> str:
    def one(match: re.Match[str]) -> str:
        expression = match[1].strip()
        if expression.startswith("$labels."):
            return labels.get(expression.removeprefix("$labels."), "")
        if expression == "$value":
            return _go_float(value)
        if expression == "$value | humanizePercentage":
            return f"{value * 100:.4g}%"
        if expression == "$value | humanizeDuration":
            return _humanize_duration(value)
        if expression == '$value | printf "%.0f"':
            return f"{value:.0f}"
        raise ValueError(f"template form not rendered by build_tests.py: {{{{ {expression} }}}}")

    return re.sub(r"\{\{(.*?)\}\}", one, template)


def _series_name(name: str, labels: dict[str, str]) -> str:
    inner = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    return f"{name}{{{inner}}}" if inner else name


def build() -> str:
    rules = alert_rules()
    missing = sorted(set(rules) - set(CASES))
    if missing:
        raise SystemExit(f"alerts without a unit-test case: {missing}")
    tests = []
    for name, (series, evaluations) in CASES.items():
        rule = rules[name]
        alert_tests = []
        for eval_time, expected in evaluations:
            exp_alerts = []
            for labels, value in expected:
                all_labels = {**rule.get("labels", {}), **labels}
                exp_alerts.append(
                    {
                        "exp_labels": all_labels,
                        "exp_annotations": {
                            key: render(text, all_labels, value) for key, text in rule["annotations"].items()
                        },
                    }
                )
            alert_tests.append({"eval_time": eval_time, "alertname": name, "exp_alerts": exp_alerts})
        tests.append(
            {
                "name": name,
                "interval": "1m",
                "input_series": [{"series": s, "values": v} for s, v in series],
                "alert_rule_test": alert_tests,
            }
        )
    for series, eval_time, expr, expected in RECORDING_CASES:
        tests.append(
            {
                "name": f"recording {expr}",
                "interval": "1m",
                "input_series": [{"series": s, "values": v} for s, v in series],
                "promql_expr_test": [
                    {
                        "expr": expr,
                        "eval_time": eval_time,
                        "exp_samples": [
                            {"labels": _series_name(expr, labels), "value": value}
                            for labels, value in expected
                        ],
                    }
                ],
            }
        )
    document = {
        "rule_files": [f"../rules/{p.name}" for p in sorted(RULES.glob("*.yml"))],
        "evaluation_interval": "1m",
        "tests": tests,
    }
    header = "# Generated by build_tests.py from its cases and the rules' annotations; do not edit by hand.\n"
    return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=200)


if __name__ == "__main__":
    OUTPUT.write_text(build(), encoding="utf-8")
    print(f"wrote {OUTPUT}", file=sys.stderr)
