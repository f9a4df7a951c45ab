"""Prometheus metrics of the milestones core (names per the project's metric contract).

Department label values come from the organisation directory (`Directory.label`: a code or `other`),
so no label carries free text. Counters exist at 0 for every known label value from start-up (`prepare`).
Gauges are refreshed on scrape from one aggregate query, at most every `REFRESH_SECONDS`."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import HistogramMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.milestones.domain import Health, State
from services.milestones.rules import AlertDue
from shared.directory import Directory
from shared.events import ALERT_TYPES

REFRESH_SECONDS = 5.0
AGE_BUCKETS = (1, 3, 7, 14, 30, 60, 90, 180, 365)  # days overdue, upper bounds
DAY = 86400

MILESTONES = Gauge("mtrack_milestones", "Milestones by department and state", ["department", "state"])
HEALTH = Gauge("mtrack_milestones_health", "Milestones by department and health", ["department", "health"])
COMPLETIONS = Counter(
    "mtrack_completions", "Milestones reported done, by on-time outcome", ["department", "on_time"]
)
EXECUTION_RATE = Gauge(
    "mtrack_execution_rate_percent",
    "집행이행도: milestones due this year done / due this year (not withdrawn) × 100",
    ["department"],
)
ON_TIME_RATIO = Gauge(
    "mtrack_on_time_ratio", "Share of this year's done milestones done by their due date", ["department"]
)
ALERTS = Counter("mtrack_alerts_queued", "Alerts queued in the outbox", ["type", "step", "audience"])
EVENTS = Counter("mtrack_events_applied", "Events consumed by the core, by outcome", ["type", "outcome"])
APPLY_SECONDS = Histogram("mtrack_apply_seconds", "Time to apply one consumed batch of events")
SWEEP_LAST_SUCCESS = Gauge(
    "mtrack_sweep_last_success_timestamp_seconds", "When the deadline sweep last finished without error"
)
SWEEP_RUNS = Counter("mtrack_sweep_runs", "Deadline sweep runs by outcome", ["outcome"])

# Kept while the dashboard (deploy/grafana, helper i11) still charts the old names; labels are bounded.
LEGACY_BY_STATE = Gauge("mtrack_milestones_milestones", "Milestones by state (deprecated)", ["state"])
LEGACY_ON_TIME = Gauge("mtrack_milestones_on_time_ratio", "On-time share of done milestones (deprecated)")
LEGACY_OWNER_ON_TIME = Gauge(
    "mtrack_milestones_owner_on_time_ratio", "On-time share per department (deprecated)", ["owner"]
)
LEGACY_ALERTS = Counter("mtrack_milestones_alerts", "Alerts queued (deprecated)", ["type"])
LEGACY_EVENTS = Counter("mtrack_milestones_events", "Events consumed (deprecated)", ["type", "outcome"])

APPLY_TYPES = (
    "milestone.declared",
    "milestone.rescheduled",
    "milestone.withdrawn",
    "milestone.status_reported",
    "milestone.acknowledged",
    "milestone.snoozed",
)
OUTCOMES = ("applied", "duplicate", "ignored", "rejected")


def alert_steps(before: Iterable[int], overdue: Iterable[int]) -> list[tuple[str, str, str]]:
    """(type, step label, audience) for every alert the schedule can queue; repeats after the fixed
    overdue steps share the label `repeat` so the label stays bounded."""
    series = [("milestone.due_soon", f"D-{k}", "owner") for k in before]
    series += [("milestone.overdue", f"+{k}", "owner") for k in overdue]
    series += [
        ("milestone.overdue", "repeat", "owner"),
        ("milestone.update_requested", "update", "owner"),
        ("milestone.escalated", "escalation", "manager"),
    ]
    return series


@dataclass
class _Cache:
    directory: Directory | None = None
    fixed_steps: frozenset[str] = frozenset()
    refreshed: float = 0.0
    ages: dict[str, list[int]] = field(default_factory=dict)  # department → count per bucket (+Inf last)
    age_sums: dict[str, float] = field(default_factory=dict)


_cache = _Cache()


def prepare(directory: Directory, before: Iterable[int], overdue: Iterable[int]) -> None:
    """Creates every counter series at 0 (and the gauges' department series) before first use."""
    before, overdue = list(before), list(overdue)
    _cache.directory = directory
    _cache.fixed_steps = frozenset([*(f"D-{k}" for k in before), *(f"+{k}" for k in overdue)])
    for dept in directory.labels():
        for on_time in ("true", "false"):
            COMPLETIONS.labels(dept, on_time)
        for state in State:
            MILESTONES.labels(dept, state.value)
        for h in Health:
            HEALTH.labels(dept, h.value)
        EXECUTION_RATE.labels(dept)
        ON_TIME_RATIO.labels(dept)
    for series in alert_steps(before, overdue):
        ALERTS.labels(*series)
    for alert_type in ALERT_TYPES:
        LEGACY_ALERTS.labels(alert_type)
    for event_type in APPLY_TYPES:
        for outcome in OUTCOMES:
            EVENTS.labels(event_type, outcome)
            LEGACY_EVENTS.labels(event_type, outcome)
    for outcome in ("ok", "failed"):
        SWEEP_RUNS.labels(outcome)
    _cache.ages = {d: [0] * (len(AGE_BUCKETS) + 1) for d in directory.labels()}
    _cache.age_sums = dict.fromkeys(directory.labels(), 0.0)


def _department(owner: str | None) -> str:
    return _cache.directory.label(owner) if _cache.directory else "other"


def count_alerts(alerts: Iterable[AlertDue]) -> None:
    """Counted per label set, not per alert (a sweep or a first batch queues thousands)."""
    by_labels: dict[tuple[str, str, str], int] = {}
    for a in alerts:
        step = a.step if a.step in _cache.fixed_steps or not a.step.startswith("+") else "repeat"
        key = (a.alert_type, step, a.audience)
        by_labels[key] = by_labels.get(key, 0) + 1
    by_type: dict[str, int] = {}
    for (alert_type, step, audience), n in by_labels.items():
        ALERTS.labels(alert_type, step, audience).inc(n)
        by_type[alert_type] = by_type.get(alert_type, 0) + n
    for alert_type, n in by_type.items():
        LEGACY_ALERTS.labels(alert_type).inc(n)


def count_completions(done: Iterable[tuple[str | None, bool]]) -> None:
    for owner, on_time in done:
        COMPLETIONS.labels(_department(owner), "true" if on_time else "false").inc()


def count_events(counts: dict[tuple[str, str], int]) -> None:
    for (event_type, outcome), n in counts.items():
        EVENTS.labels(event_type, outcome).inc(n)
        LEGACY_EVENTS.labels(event_type, outcome).inc(n)


def sweep_finished(*, ok: bool, at: float) -> None:
    SWEEP_RUNS.labels("ok" if ok else "failed").inc()
    if ok:
        SWEEP_LAST_SUCCESS.set(at)


AGGREGATE = text(
    """
    SELECT owner, state, health, count(*) AS n,
           count(*) FILTER (WHERE in_year AND state <> 'withdrawn') AS units,
           count(*) FILTER (WHERE in_year AND state = 'done') AS completed,
           count(*) FILTER (WHERE in_year AND state = 'done' AND on_time) AS on_time,
           width_bucket(age, CAST(:bounds AS int[])) AS bucket, sum(age) AS age_sum
    FROM (SELECT owner, state, health, on_time,
                 due_date BETWEEN :year_start AND :year_end AS in_year,
                 CASE WHEN state = 'overdue' THEN CAST(:today AS date) - due_date END AS age
          FROM milestone) m
    GROUP BY owner, state, health, bucket
    """
)


async def refresh_gauges(engine: AsyncEngine, today: date, *, force: bool = False) -> None:
    """Sets the gauges from one aggregate query (throttled: a scrape storm costs one query per 5 s)."""
    if not force and time.monotonic() - _cache.refreshed < REFRESH_SECONDS:
        return
    _cache.refreshed = time.monotonic()
    params = {
        "bounds": [b + 1 for b in AGE_BUCKETS],  # width_bucket: bucket i holds age < bounds[i]
        "year_start": date(today.year, 1, 1),
        "year_end": date(today.year, 12, 31),
        "today": today,
    }
    async with engine.connect() as conn:
        rows = (await conn.execute(AGGREGATE, params)).all()
    _set_gauges(rows)


def _set_gauges(rows: Iterable[Any]) -> None:
    labels = _cache.directory.labels() if _cache.directory else ["other"]
    by_state = {(d, s.value): 0 for d in labels for s in State}
    by_health = {(d, h.value): 0 for d in labels for h in Health}
    rates = {d: [0, 0, 0] for d in labels}  # units, completed, on time
    ages = {d: [0] * (len(AGE_BUCKETS) + 1) for d in labels}
    sums = dict.fromkeys(labels, 0.0)
    for owner, state, health, n, units, completed, on_time, bucket, age_sum in rows:
        dept = _department(owner)
        by_state[dept, state] = by_state.get((dept, state), 0) + n
        by_health[dept, health] = by_health.get((dept, health), 0) + n
        totals = rates.setdefault(dept, [0, 0, 0])
        totals[0] += units
        totals[1] += completed
        totals[2] += on_time
        if bucket is not None:
            ages[dept][min(bucket, len(AGE_BUCKETS))] += n
            sums[dept] += float(age_sum or 0)
    for (dept, state), n in by_state.items():
        MILESTONES.labels(dept, state).set(n)
    for (dept, h), n in by_health.items():
        HEALTH.labels(dept, h).set(n)
    for dept, (units, completed, on_time) in rates.items():
        EXECUTION_RATE.labels(dept).set(100.0 * completed / units if units else 0.0)
        ON_TIME_RATIO.labels(dept).set(on_time / completed if completed else float("nan"))
        LEGACY_OWNER_ON_TIME.labels(dept).set(on_time / completed if completed else float("nan"))
    _cache.ages, _cache.age_sums = ages, sums
    for state in State:
        LEGACY_BY_STATE.labels(state.value).set(sum(n for (_, s), n in by_state.items() if s == state))
    done = sum(v[1] for v in rates.values())
    LEGACY_ON_TIME.set(sum(v[2] for v in rates.values()) / done if done else float("nan"))


class OverdueAges(Collector):
    """`mtrack_overdue_age_seconds` (the contract said `_days`; Prometheus' base unit and promtool's lint
    say seconds — bucket bounds are whole days: 1, 3, 7 … 365 days): how long open milestones have been
    overdue, per department. The
    buckets are a snapshot at the last refresh (they go down when milestones are done), not a count of
    observations: use them with `histogram_quantile` directly, never with `rate`."""

    def collect(self) -> Iterator[HistogramMetricFamily]:
        family = HistogramMetricFamily(
            "mtrack_overdue_age_seconds",
            "Time open milestones are past their due date",
            labels=["department"],
        )
        for dept, counts in sorted(_cache.ages.items()):
            cumulative, buckets = 0, []
            for bound, n in zip([*(str(d * DAY) for d in AGE_BUCKETS), "+Inf"], counts, strict=True):
                cumulative += n
                buckets.append((bound, float(cumulative)))
            family.add_metric([dept], buckets, sum_value=_cache.age_sums.get(dept, 0.0) * DAY)
        yield family


REGISTRY.register(OverdueAges())
