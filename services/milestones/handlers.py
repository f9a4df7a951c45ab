"""The milestones consumer's batch handler: load the batch's facts, run the pure rules, write the result.

Per batch, whatever its size: one statement records the event ids (dedupe), one locks the milestones,
then one each writes milestones, history, alerts and outbox rows. An exception rolls the whole batch back
(the consumer loop retries it, or splits it to isolate a poison event)."""

from __future__ import annotations

import contextlib
from collections import Counter
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from services.milestones import rules, store
from services.milestones.domain import Calendar, Milestone, Policy
from services.milestones.staging import AheadFailed, Carry, StagedBatch, StagingLine, differing
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
    """Applies the batch in one transaction, committed before it returns."""
    return await (await stage_batch(envelopes, ctx=ctx)).commit()


async def stage_batch(
    envelopes: list[Envelope], *, ctx: Context, line: StagingLine | None = None
) -> StagedBatch:
    """Everything `apply_batch` does but the commit; with a `line`, while the batch staged ahead of
    it may still be open (see `services.milestones.staging`)."""
    today, now = ctx.clock.today(), ctx.clock.now()
    counts: Counter[tuple[str, str]] = Counter()
    unique = list({e.event_id: e for e in envelopes}.values())
    relevant = [e for e in unique if e.type in APPLIED_TYPES]
    counts.update((e.type, "ignored") for e in unique if e.type not in APPLIED_TYPES)
    counts.update((e.type, "duplicate") for e in _repeats(envelopes))
    exits = AsyncExitStack()
    if not relevant:
        return StagedBatch(BatchOutcome(counts, [], [], []), exits)
    ahead: Carry | None = None
    carry: Carry | None = None
    try:
        async with line.claims if line else contextlib.nullcontext():  # taken before the first await
            if line is not None:
                ahead, carry = line.join(frozenset(e.subject for e in relevant))
            pg = await exits.enter_async_context(store.transaction(ctx.engine))
            new_ids = await store.first_seen(pg, relevant)
            fresh = [e for e in relevant if e.event_id in new_ids]
            subjects = sorted({e.subject for e in fresh})
            ahead_of = ahead.subjects if ahead is not None else frozenset()
            shared = [s for s in subjects if s in ahead_of]
            stored = await store.lock(pg, [s for s in subjects if s not in ahead_of])
        counts.update((e.type, "duplicate") for e in relevant if e.event_id not in new_ids)
        result, stored = await _rules(pg, stored, fresh, shared, ahead, ctx, (today, now))
        if carry is not None:
            carry.done({**stored, **{m.id: m for m in result.milestones}})
        await store.mark_outcome(pg, [r.envelope.event_id for r in result.refused], "rejected")
        await store.write_milestones(pg, result.milestones, now, stored)
        await store.write_history(pg, result.history, now)
        queued = await store.queue_alerts(pg, result.alerts, topic=ctx.alerts_topic, today=today, now=now)
    except BaseException as err:
        if carry is not None:
            carry.end(False)
        await exits.__aexit__(type(err), err, err.__traceback__)
        raise
    counts.update((e.type, "applied") for e in result.applied)
    counts.update((r.envelope.type, "rejected") for r in result.refused)
    outcome = BatchOutcome(
        counts,
        [Rejected(r.envelope, r.reason) for r in result.refused],
        queued,
        _completions(stored, result.milestones),
    )
    return StagedBatch(outcome, exits, carry)


async def _rules(
    pg: asyncpg.Connection,
    stored: dict[str, Milestone],
    fresh: list[Envelope],
    shared: list[str],
    ahead: Carry | None,
    ctx: Context,
    at: tuple[date, datetime],
) -> tuple[rules.Result, dict[str, Milestone]]:
    """The rules over the batch, and the stored rows they ran on. Milestones `shared` with the batch
    staged `ahead` start from its rows; once it has committed they are locked and compared, and the
    rules run again on the real rows if any differ."""
    today, now = at

    def run(rows: dict[str, Milestone]) -> rules.Result:
        return rules.apply(rows, fresh, today=today, now=now, cal=ctx.calendar, policy=ctx.policy)

    if not shared or ahead is None:
        return run(stored), stored
    if not await ahead.computed:
        raise AheadFailed("the batch staged ahead failed")
    guess = {**stored, **{s: ahead.rows[s] for s in shared if s in ahead.rows}}
    result = run(guess)
    if not await ahead.ended:
        raise AheadFailed("the batch staged ahead did not commit")
    real = {**stored, **await store.lock(pg, shared)}
    if differing(guess, real, shared):
        result = run(real)
    return result, real


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
