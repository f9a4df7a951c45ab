"""The milestones consumer's batch handler: load the batch's facts, run the pure rules, write the result.

Per batch, whatever its size: one statement records the event ids (dedupe), one locks the milestones,
then one each writes milestones, history, alerts and outbox rows. An exception rolls the whole batch back
(the consumer loop retries it, or splits it to isolate a poison event)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from services.milestones import rules, store
from services.milestones.domain import Calendar, Milestone, Policy
from shared.clock import Clock
from shared.events import (
    Envelope,
    MilestoneAcknowledged,
    MilestoneDeclared,
    MilestoneRescheduled,
    MilestoneSnoozed,
    MilestoneStatusReported,
    MilestoneWithdrawn,
)
from shared.kafka import Rejected

# The event types the core applies (the rules in `rules.apply_event`); anything else is ignored.
APPLIED_TYPES = frozenset(
    t.TYPE
    for t in (
        MilestoneDeclared,
        MilestoneRescheduled,
        MilestoneWithdrawn,
        MilestoneStatusReported,
        MilestoneAcknowledged,
        MilestoneSnoozed,
    )
)


@dataclass(frozen=True)
class Context:
    engine: AsyncEngine
    clock: Clock
    calendar: Calendar
    policy: Policy
    alerts_topic: str


@dataclass
class BatchOutcome:
    counts: Counter[tuple[str, str]]  # (event type, applied|duplicate|ignored|rejected) → events
    rejected: list[Rejected]
    alerts: list[rules.AlertDue]
    completions: list[tuple[str | None, bool]]  # (owner, on time) of milestones newly done


async def apply_batch(envelopes: list[Envelope], *, ctx: Context) -> BatchOutcome:
    today, now = ctx.clock.today(), ctx.clock.now()
    counts: Counter[tuple[str, str]] = Counter()
    unique = list({e.event_id: e for e in envelopes}.values())
    relevant = [e for e in unique if e.type in APPLIED_TYPES]
    counts.update((e.type, "ignored") for e in unique if e.type not in APPLIED_TYPES)
    counts.update((e.type, "duplicate") for e in _repeats(envelopes))
    if not relevant:
        return BatchOutcome(counts, [], [], [])
    async with store.transaction(ctx.engine) as pg:
        new_ids = await store.first_seen(pg, relevant)
        fresh = [e for e in relevant if e.event_id in new_ids]
        counts.update((e.type, "duplicate") for e in relevant if e.event_id not in new_ids)
        stored = await store.lock(pg, sorted({e.subject for e in fresh}))
        result = rules.apply(stored, fresh, today=today, now=now, cal=ctx.calendar, policy=ctx.policy)
        await store.mark_outcome(pg, [r.envelope.event_id for r in result.refused], "rejected")
        await store.write_milestones(pg, result.milestones, now, stored)
        await store.write_history(pg, result.history, now)
        queued = await store.queue_alerts(pg, result.alerts, topic=ctx.alerts_topic, today=today, now=now)
    counts.update((e.type, "applied") for e in result.applied)
    counts.update((r.envelope.type, "rejected") for r in result.refused)
    return BatchOutcome(
        counts,
        [Rejected(r.envelope, r.reason) for r in result.refused],
        queued,
        _completions(stored, result.milestones),
    )


def _repeats(envelopes: list[Envelope]) -> list[Envelope]:
    seen: set[object] = set()
    repeats = []
    for e in envelopes:
        if e.event_id in seen:
            repeats.append(e)
        seen.add(e.event_id)
    return repeats


def _completions(before: dict[str, Milestone], after: list[Milestone]) -> list[tuple[str | None, bool]]:
    done = []
    for m in after:
        old = before.get(m.id)
        if m.on_time is not None and (old is None or old.on_time is None):
            done.append((m.owner, m.on_time))
    return done
