"""What the milestones service does with each event type: one function each, in one registry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.milestones.domain import State
from services.milestones.models import Milestone, ProcessedEvent
from services.milestones.transitions import Policy, refresh_state
from shared.clock import SEOUL, Clock
from shared.events import (
    Envelope,
    MilestoneDeclared,
    MilestoneRescheduled,
    MilestoneStatusReported,
    MilestoneWithdrawn,
)
from shared.kafka import Rejected


class EventRejected(Exception):
    """The event is valid but cannot apply (e.g. its milestone is unknown); it goes to the dead letters."""


@dataclass(frozen=True)
class Context:
    clock: Clock
    policy: Policy


async def declare(session: AsyncSession, env: Envelope, ctx: Context) -> Milestone:
    data = MilestoneDeclared.model_validate(env.data)
    milestone = await session.get(Milestone, env.subject)
    if milestone is None:
        milestone = Milestone(id=env.subject, state=State.PLANNED, reported_status="planned")
        session.add(milestone)
    elif milestone.state == State.WITHDRAWN:
        milestone.state = State.PLANNED  # declared again by a newer plan version
    milestone.title = data.title
    milestone.section = list(data.section)
    milestone.kind = data.kind
    milestone.expr = data.expr
    milestone.line = data.line
    milestone.part = data.part
    milestone.starts_date = data.starts
    milestone.due_date = data.due
    milestone.owner = data.owner
    milestone.target = data.target.model_dump() if data.target else None
    milestone.plan_key = data.plan_key
    milestone.plan_version = data.plan_version
    if data.status != "planned":
        milestone.reported_status = data.status
        milestone.done_date = data.done_date if data.status == "done" else None
    return milestone


async def reschedule(session: AsyncSession, env: Envelope, ctx: Context) -> Milestone:
    data = MilestoneRescheduled.model_validate(env.data)
    milestone = await _existing(session, env)
    milestone.kind = data.kind
    milestone.starts_date = data.starts
    milestone.due_date = data.due
    milestone.expr = data.expr or milestone.expr
    milestone.plan_version = data.plan_version or milestone.plan_version
    return milestone


async def withdraw(session: AsyncSession, env: Envelope, ctx: Context) -> Milestone:
    data = MilestoneWithdrawn.model_validate(env.data)
    milestone = await _existing(session, env)
    milestone.state = State.WITHDRAWN
    milestone.plan_version = data.plan_version or milestone.plan_version
    return milestone


async def report_status(session: AsyncSession, env: Envelope, ctx: Context) -> Milestone:
    data = MilestoneStatusReported.model_validate(env.data)
    milestone = await _existing(session, env)
    if milestone.state == State.WITHDRAWN:
        raise EventRejected(f"milestone {env.subject} was withdrawn from its plan")
    milestone.reported_status = data.status
    milestone.done_date = (data.done_date or _local_date(env.occurred_at)) if data.status == "done" else None
    return milestone


async def _existing(session: AsyncSession, env: Envelope) -> Milestone:
    milestone = await session.get(Milestone, env.subject)
    if milestone is None:
        raise EventRejected(f"unknown milestone {env.subject!r} for {env.type}")
    return milestone


def _local_date(when: datetime) -> date:
    return when.astimezone(SEOUL).date()


Handler = Callable[[AsyncSession, Envelope, Context], Awaitable[Milestone]]

HANDLERS: dict[str, Handler] = {
    MilestoneDeclared.TYPE: declare,
    MilestoneRescheduled.TYPE: reschedule,
    MilestoneWithdrawn.TYPE: withdraw,
    MilestoneStatusReported.TYPE: report_status,
}


async def apply_event(session: AsyncSession, env: Envelope, ctx: Context) -> str:
    """Applies one event inside the caller's transaction. Returns `applied`, `duplicate` or `ignored`."""
    handler = HANDLERS.get(env.type)
    if handler is None:
        return "ignored"
    if not await _first_time(session, env, "applied"):
        return "duplicate"
    async with session.begin_nested():
        existing = await session.get(Milestone, env.subject, with_for_update=True)
        previous = existing.state if existing is not None else None
        milestone = await handler(session, env, ctx)
        await refresh_state(
            session,
            milestone,
            previous=previous,
            today=ctx.clock.today(),
            now=ctx.clock.now(),
            policy=ctx.policy,
            cause=env.type,
            event_id=env.event_id,
            data=env.data,
        )
    return "applied"


async def _first_time(session: AsyncSession, env: Envelope, outcome: str) -> bool:
    inserted = await session.execute(
        insert(ProcessedEvent)
        .values(event_id=env.event_id, event_type=env.type, outcome=outcome)
        .on_conflict_do_nothing()
        .returning(ProcessedEvent.event_id)
    )
    return inserted.first() is not None


async def apply_batch(
    session: AsyncSession, envelopes: list[Envelope], ctx: Context
) -> tuple[Counter[tuple[str, str]], list[Rejected]]:
    """One transaction for the batch; a rejected event rolls back only its own savepoint.
    Returns how many events of each type were applied / duplicate / ignored / rejected, and the rejects."""
    outcomes: Counter[tuple[str, str]] = Counter()
    rejected: list[Rejected] = []
    for env in envelopes:
        try:
            outcomes[env.type, await apply_event(session, env, ctx)] += 1
        except EventRejected as err:
            await _mark_rejected(session, env)
            rejected.append(Rejected(env, str(err)))
            outcomes[env.type, "rejected"] += 1
    return outcomes, rejected


async def _mark_rejected(session: AsyncSession, env: Envelope) -> None:
    await session.execute(
        update(ProcessedEvent).where(ProcessedEvent.event_id == env.event_id).values(outcome="rejected")
    )
