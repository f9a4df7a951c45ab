"""Scheduled jobs, named and registered in one place; each only detects and emits, and is idempotent."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from services.milestones.domain import State
from services.milestones.metrics import ALERTS, SWEEP_SECONDS
from services.milestones.models import Milestone
from services.milestones.transitions import Policy, refresh_state
from shared.clock import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobContext:
    sessions: async_sessionmaker  # type: ignore[type-arg]
    clock: Clock
    policy: Policy
    batch_size: int = 500


async def sweep_deadlines(ctx: JobContext) -> dict[str, int]:
    """Moves milestones to in_progress / due_soon / overdue by the service clock and queues alerts.

    It selects only rows whose state the clock changes, locking them with SKIP LOCKED, so a second
    replica running at the same time finds nothing left to do and queues no second alert."""
    counts = {"changed": 0, "alerts": 0}
    with SWEEP_SECONDS.time():
        while True:
            changed, alerts = await _sweep_batch(ctx)
            counts["changed"] += changed
            counts["alerts"] += alerts
            if changed < ctx.batch_size:
                break
    if counts["changed"]:
        log.info("deadline sweep for %s: %s", ctx.clock.today(), counts)
    return counts


async def _sweep_batch(ctx: JobContext) -> tuple[int, int]:
    today, now = ctx.clock.today(), ctx.clock.now()
    horizon = today + timedelta(days=ctx.policy.due_soon_days)
    due = Milestone.due_date
    needs_change = or_(
        and_(Milestone.state.in_([State.PLANNED, State.IN_PROGRESS]), due <= horizon),
        and_(Milestone.state == State.DUE_SOON, due < today),
        and_(Milestone.state == State.PLANNED, Milestone.starts_date <= today),
    )
    alerts = 0
    async with ctx.sessions() as session, session.begin():
        rows = (
            await session.scalars(
                select(Milestone)
                .where(needs_change)
                .order_by(Milestone.id)
                .limit(ctx.batch_size)
                .with_for_update(skip_locked=True)
            )
        ).all()
        for milestone in rows:
            alert = await refresh_state(
                session,
                milestone,
                previous=milestone.state,
                today=today,
                now=now,
                policy=ctx.policy,
                cause="clock",
            )
            if alert:
                ALERTS.labels(alert).inc()
                alerts += 1
    return len(rows), alerts


Job = Callable[[JobContext], Awaitable[dict[str, int]]]

JOBS: dict[str, tuple[Job, int]] = {
    "deadline-sweep": (sweep_deadlines, 60),
}
