"""The milestones consumer's batch handler: load the batch's facts, run the pure rules, write the result.

Per batch, whatever its size: one statement records the event ids (dedupe), one locks the milestones,
then one each writes milestones, history, alerts and outbox rows. An exception rolls the whole batch back
(the consumer loop retries it, or splits it to isolate a poison event).

Worked out ahead (`Ahead`): while one batch writes, the consumer loop prepares the next: its rows are read
without a lock (or, for milestones the batch before it holds, taken from that batch's result), the rules
run and the statements are built. Under the lock, each row's version (`xmin`) must still be the one
assumed, and every event new; otherwise the batch is worked out again on the locked rows. So a batch
never applies on stale state, whatever wrote in between (the sweep, another replica)."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

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

log = logging.getLogger(__name__)

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


@dataclass
class Work:
    """A batch worked out: the rows it assumed (and their versions), the rules' result, the statements."""

    today: date
    now: datetime
    fresh: list[Envelope]
    stored: dict[str, Milestone]
    versions: dict[str, str | None]  # per milestone of the batch: the version assumed, None: no row
    result: rules.Result
    writes: store.Writes
    history: list[tuple[Any, ...]]


# What a batch leaves for the one after it: per milestone it locked, the row as stored after its commit
# (None: no row) and that row's version.
Carry = dict[str, tuple[Milestone | None, str | None]]


@dataclass
class Plan:
    """A batch as prepared ahead: its milestones, the work (None: to be done under the lock), and the
    carry its apply settles once it knows its rows (None: it failed, was dropped, or applied unprepared)."""

    subjects: frozenset[str]
    outcome: asyncio.Future[Carry | None]
    work: Work | None = None

    def settle(self, carry: Carry | None) -> None:
        if not self.outcome.done():
            self.outcome.set_result(carry)


@dataclass
class Ahead:
    """Prepares batches in the order they apply: each may start while the one before it applies."""

    ctx: Context
    last: Plan | None = field(default=None, repr=False)

    async def prepare(self, envelopes: list[Envelope]) -> Plan:
        _, relevant = _sort_out(envelopes)
        plan = Plan(frozenset(e.subject for e in relevant), asyncio.get_running_loop().create_future())
        before, self.last = self.last, plan
        try:
            plan.work = await self._work_out(relevant, plan, before)
        except Exception:  # worked out under the lock instead
            log.warning("preparing a batch ahead failed", exc_info=True)
        return plan

    async def _work_out(self, relevant: list[Envelope], plan: Plan, before: Plan | None) -> Work | None:
        if not relevant:
            return None
        ctx = self.ctx
        today, now = ctx.clock.today(), ctx.clock.now()
        held = before.subjects & plan.subjects if before is not None else frozenset()
        stored, versions = await store.read(ctx.engine, sorted(plan.subjects - held))
        if held:
            assert before is not None
            carry = await asyncio.shield(before.outcome)
            if carry is None:
                return None
            for mid in held:
                if mid in carry:
                    row, version = carry[mid]
                    if row is not None and version is not None:
                        stored[mid], versions[mid] = row, version
            # (a milestone the batch before did not lock after all: its events were repeats)
            rest, rest_versions = await store.read(ctx.engine, sorted(held - carry.keys()))
            stored.update(rest)
            versions.update(rest_versions)
        assumed: dict[str, str | None] = {mid: versions.get(mid) for mid in plan.subjects}
        return _work(stored, assumed, relevant, today, now, ctx)

    def drop(self, plan: Plan | None) -> None:
        if plan is not None:
            plan.settle(None)


def _work(
    stored: dict[str, Milestone],
    versions: dict[str, str | None],
    fresh: list[Envelope],
    today: date,
    now: datetime,
    ctx: Context,
) -> Work:
    result = rules.apply(stored, fresh, today=today, now=now, cal=ctx.calendar, policy=ctx.policy)
    writes = store.milestone_writes(result.milestones, now, stored)
    history = store.history_records(result.history, now)
    return Work(today, now, fresh, stored, versions, result, writes, history)


def _sort_out(envelopes: list[Envelope]) -> tuple[Counter[tuple[str, str]], list[Envelope]]:
    """The batch's counts so far (ignored types, repeats inside it) and its distinct applicable events."""
    counts: Counter[tuple[str, str]] = Counter()
    unique = list({e.event_id: e for e in envelopes}.values())
    counts.update((e.type, "ignored") for e in unique if e.type not in APPLIED_TYPES)
    counts.update((e.type, "duplicate") for e in _repeats(envelopes))
    return counts, [e for e in unique if e.type in APPLIED_TYPES]


async def apply_batch(envelopes: list[Envelope], *, ctx: Context, plan: Plan | None = None) -> BatchOutcome:
    """Applies the batch in one transaction; `plan` is what `Ahead.prepare` worked out for it."""
    try:
        return await _apply(envelopes, ctx, plan)
    finally:
        if plan is not None:
            plan.settle(None)  # (when the apply did not get as far as its rows)


async def _apply(envelopes: list[Envelope], ctx: Context, plan: Plan | None) -> BatchOutcome:
    today, now = ctx.clock.today(), ctx.clock.now()
    counts, relevant = _sort_out(envelopes)
    if not relevant:
        return BatchOutcome(counts, [], [], [])
    async with store.transaction(ctx.engine) as pg:
        new_ids = await store.first_seen(pg, relevant)
        fresh = [e for e in relevant if e.event_id in new_ids]
        counts.update((e.type, "duplicate") for e in relevant if e.event_id not in new_ids)
        ids = sorted({e.subject for e in fresh})
        work = plan.work if plan is not None else None
        if work is not None and (work.today != today or len(work.fresh) != len(fresh)):
            work = None
        if work is not None:
            held = await store.lock_versions(pg, ids)
            if any(held.get(mid) != work.versions[mid] for mid in ids):
                work = None  # a row changed since it was read: worked out again on the locked rows
        if work is None:
            stored, versions = await store.lock(pg, ids)
            work = _work(stored, {mid: versions.get(mid) for mid in ids}, fresh, today, now, ctx)
        if plan is not None:
            plan.settle(_carry(work, await store.transaction_id(pg)))
        result = work.result
        await store.mark_outcome(pg, [r.envelope.event_id for r in result.refused], "rejected")
        await store.run_writes(pg, work.writes)
        await store.copy_history(pg, work.history)
        queued = await store.queue_alerts(
            pg, result.alerts, topic=ctx.alerts_topic, today=work.today, now=work.now
        )
    counts.update((e.type, "applied") for e in result.applied)
    counts.update((r.envelope.type, "rejected") for r in result.refused)
    return BatchOutcome(
        counts,
        [Rejected(r.envelope, r.reason) for r in result.refused],
        queued,
        _completions(work.stored, result.milestones),
    )


def _carry(work: Work, xid: str) -> Carry:
    """The batch's rows as they will be stored after its commit (its own writes get version `xid`)."""
    carry: Carry = {mid: (work.stored.get(mid), version) for mid, version in work.versions.items()}
    written = work.writes.written
    for m in work.result.milestones:
        if m.id in written:
            m.__dict__["updated_at"] = written[m.id]  # the batch's own copy, as its row will read
            carry[m.id] = (m, xid)
    return carry


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
