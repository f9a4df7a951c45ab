"""Prometheus metrics of the milestones service (prefix `mtrack_milestones_`, bounded labels only)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from services.milestones.domain import State
from services.milestones.models import Milestone

EVENTS = Counter("mtrack_milestones_events_total", "Events consumed", ["type", "outcome"])
ALERTS = Counter("mtrack_milestones_alerts_total", "Alerts queued for the notifier", ["type"])
SWEEP_SECONDS = Histogram("mtrack_milestones_deadline_sweep_seconds", "Duration of the deadline sweep job")
BY_STATE = Gauge("mtrack_milestones_milestones", "Milestones by state", ["state"])
DONE = Gauge("mtrack_milestones_done_milestones", "Done milestones by outcome", ["outcome"])
ON_TIME = Gauge("mtrack_milestones_on_time_ratio", "Share of done milestones with a due date done on time")
ON_TIME_BY_OWNER = Gauge(
    "mtrack_milestones_owner_on_time_ratio",
    "On-time share of done milestones per owner department",
    ["owner"],
)


async def refresh_gauges(sessions: async_sessionmaker) -> None:  # type: ignore[type-arg]
    async with sessions() as session:
        by_state = dict(
            (await session.execute(select(Milestone.state, func.count()).group_by(Milestone.state))).all()
        )
        outcomes = (
            await session.execute(
                select(Milestone.owner, Milestone.on_time, func.count())
                .where(Milestone.state == State.DONE, Milestone.on_time.is_not(None))
                .group_by(Milestone.owner, Milestone.on_time)
            )
        ).all()
    for state in State:
        BY_STATE.labels(state.value).set(by_state.get(state.value, 0))
    per_owner: dict[str, list[int]] = {}
    for owner, on_time, count in outcomes:
        per_owner.setdefault(owner or "unassigned", [0, 0])[0 if on_time else 1] += count
    on_time_total = sum(v[0] for v in per_owner.values())
    late_total = sum(v[1] for v in per_owner.values())
    DONE.labels("on_time").set(on_time_total)
    DONE.labels("late").set(late_total)
    ON_TIME.set(on_time_total / (on_time_total + late_total) if on_time_total + late_total else float("nan"))
    for owner, (good, late) in per_owner.items():
        ON_TIME_BY_OWNER.labels(owner).set(good / (good + late))
