"""The milestones core as one pure computation: for a batch of milestones, the events about them and the
calendar date → their new rows, history rows, the alerts now due and the events refused. No I/O."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any, TypeVar

from pydantic import ValidationError

from services.milestones.domain import (
    Calendar,
    Milestone,
    Policy,
    State,
    due_step,
    evaluate_state,
    evolve,
    health,
    health_dates,
    local_date,
    memoised,
    next_step_date,
    on_time,
    seoul_midnight,
    state_dates,
)
from shared.events import (
    Envelope,
    MilestoneAcknowledged,
    MilestoneDeclared,
    MilestoneRescheduled,
    MilestoneSnoozed,
    MilestoneStatusReported,
    MilestoneWithdrawn,
    Payload,
)

ALERT_NAMESPACE = uuid.UUID("6f1d3a52-7c1e-4d0e-9a7b-2c6e5b8f4a10")
MANAGER_STEPS = frozenset({"escalation"})


@dataclass(frozen=True)
class HistoryRow:
    milestone_id: str
    event_id: uuid.UUID | None
    event_type: str
    from_state: str | None
    to_state: str
    data: dict[str, Any]


@dataclass(frozen=True)
class AlertDue:
    """An alert the core decided to say: one per (milestone, step, due date), whatever the replicas."""

    milestone: Milestone
    alert_type: str
    step: str
    key_date: date  # the due date (or, for an update request, the day it is asked)
    days: int  # calendar days left before due (due soon) or past it (overdue, escalation)

    @property
    def audience(self) -> str:
        return "manager" if self.step in MANAGER_STEPS else "owner"

    @cached_property  # a uuid5 costs ~5 us; the store asks three times per alert
    def event_id(self) -> uuid.UUID:
        return uuid.uuid5(ALERT_NAMESPACE, f"{self.milestone.id}|{self.step}|{self.key_date.isoformat()}")


@dataclass(frozen=True)
class Refusal:
    envelope: Envelope
    reason: str


@dataclass
class Result:
    milestones: list[Milestone]  # rows to write (changed ones only)
    history: list[HistoryRow]
    alerts: list[AlertDue]
    refused: list[Refusal]
    applied: list[Envelope]


class Refused(Exception):
    """The event is valid but cannot apply to this milestone (the reason goes to the dead letters)."""


def apply(
    stored: dict[str, Milestone],
    events: Iterable[Envelope],
    *,
    today: date,
    now: datetime,
    cal: Calendar,
    policy: Policy,
) -> Result:
    """Folds the events (in order) into the stored milestones, then evaluates each touched one."""
    current = dict(stored)
    result = Result([], [], [], [], [])
    touched: dict[str, None] = {}  # the milestones the batch changed, in first-seen order: from their
    # first event on, current[id] is the batch's own copy, which later events edit in place
    states: dict[str, str] = {}  # their state after each event (for the history rows)
    for env in events:
        before = current.get(env.subject)
        try:
            after, extra = apply_event(before, env, now=now, private=env.subject in touched)
        except Refused as err:
            result.refused.append(Refusal(env, str(err)))
            continue
        except ValidationError as err:
            result.refused.append(Refusal(env, f"invalid {env.type} data: {err.errors()[0]['msg']}"))
            continue
        current[env.subject] = after
        touched.setdefault(env.subject)
        to_state = evaluate_state(after, today, policy)
        from_state = states.get(env.subject, before.state if before else None)
        states[env.subject] = to_state
        result.history.append(
            HistoryRow(env.subject, env.event_id, env.type, from_state, to_state, {**env.data, **extra})
        )
        result.applied.append(env)
    for mid in touched:
        # current[mid] is this batch's own copy (apply_event returns a new milestone): edited in place
        final, alerts = evaluate(current[mid], today=today, now=now, cal=cal, policy=policy, private=True)
        result.milestones.append(final)
        result.alerts += alerts
    return result


def sweep(rows: Iterable[Milestone], *, today: date, now: datetime, cal: Calendar, policy: Policy) -> Result:
    """Re-evaluates milestones whose check date has come: a history row per state change."""
    result = Result([], [], [], [], [])
    for row in rows:
        final, alerts = evaluate(row, today=today, now=now, cal=cal, policy=policy)
        result.milestones.append(final)
        result.alerts += alerts
        if final.state != row.state:
            result.history.append(HistoryRow(row.id, None, "clock", row.state, final.state, {}))
    return result


def apply_event(
    before: Milestone | None, env: Envelope, *, now: datetime, private: bool = False
) -> tuple[Milestone, dict[str, Any]]:
    """One event on one milestone: the milestone after it, and what the history row adds to the event.
    A new milestone, or (`private`: `before` is the caller's own copy) `before` itself, edited; a
    refused or invalid event raises before anything is edited."""
    change = _edit if private else evolve
    if env.type == MilestoneDeclared.TYPE:
        return _declare(before, _typed(env, MilestoneDeclared), env, now, change)
    if before is None:
        raise Refused(f"unknown milestone {env.subject!r} for {env.type}")
    if env.type == MilestoneRescheduled.TYPE:
        return _reschedule(before, _typed(env, MilestoneRescheduled), change)
    if env.type == MilestoneWithdrawn.TYPE:
        data = _typed(env, MilestoneWithdrawn)
        return change(
            before, state=State.WITHDRAWN, plan_version=data.plan_version or before.plan_version
        ), {}
    if before.withdrawn:
        raise Refused(f"milestone {env.subject} was withdrawn from its plan")
    if env.type == MilestoneStatusReported.TYPE:
        return _report(before, _typed(env, MilestoneStatusReported), env, change), {}
    if env.type == MilestoneAcknowledged.TYPE:
        _typed(env, MilestoneAcknowledged)
        return change(before, acknowledged_at=env.occurred_at), {}
    if env.type == MilestoneSnoozed.TYPE:
        return _snooze(before, _typed(env, MilestoneSnoozed), env, change), {}
    raise Refused(f"{env.type} does not apply to a milestone")


Change = Callable[..., Milestone]
P = TypeVar("P", bound=Payload)


def _typed(env: Envelope, model: type[P]) -> P:
    """The envelope's payload as `model` (validated once, by `codec.decode`, and remembered)."""
    payload = env.payload()
    if not isinstance(payload, model):
        raise Refused(f"{env.type} data is not a {model.__name__}")
    return payload


def _edit(m: Milestone, **changes: Any) -> Milestone:
    """`m` itself with `changes` (for a milestone no one else holds; see `apply_event`)."""
    m.__dict__.update(changes)
    return m


def _declare(
    before: Milestone | None, data: MilestoneDeclared, env: Envelope, now: datetime, change: Change
) -> tuple[Milestone, dict[str, Any]]:
    base = before or Milestone(id=env.subject, created_at=now)
    old_due = None if before is None else before.due_date
    state = State.PLANNED if base.withdrawn else base.state  # declared again by a newer plan version
    m = change(
        base,
        title=data.title,
        section=list(data.section),
        kind=data.kind,
        expr=data.expr,
        line=data.line,
        part=data.part,
        starts_date=data.starts,
        due_date=data.due,
        owner=data.owner,
        target=data.target.model_dump() if data.target else None,
        plan_key=data.plan_key,
        plan_version=data.plan_version,
        state=state,
        baseline_due=base.baseline_due or data.due,
    )
    if data.status != "planned":
        m = change(
            m,
            reported_status=data.status,
            done_date=(data.done_date or local_date(env.occurred_at)) if data.status == "done" else None,
        )
    return m, ({} if before is None else _due_change(old_due, m))


def _reschedule(
    before: Milestone, data: MilestoneRescheduled, change: Change
) -> tuple[Milestone, dict[str, Any]]:
    old_due = before.due_date
    m = change(
        before,
        kind=data.kind,
        starts_date=data.starts,
        due_date=data.due,
        expr=data.expr or before.expr,
        plan_version=data.plan_version or before.plan_version,
        baseline_due=before.baseline_due or data.due,
    )
    return m, _due_change(old_due, m)


def _due_change(old_due: date | None, after: Milestone) -> dict[str, Any]:
    if old_due == after.due_date:
        return {}
    return {
        "due_change": {
            "from": old_due.isoformat() if old_due else None,
            "to": after.due_date.isoformat() if after.due_date else None,
            "baseline": after.baseline_due.isoformat() if after.baseline_due else None,
        }
    }


def _report(before: Milestone, data: MilestoneStatusReported, env: Envelope, change: Change) -> Milestone:
    done = data.status == "done"
    progress = 100 if done and data.progress is None else data.progress
    return change(
        before,
        reported_status=data.status,
        done_date=(data.done_date or local_date(env.occurred_at)) if done else None,
        progress=progress if progress is not None else before.progress,
        expected_date=data.expected_date if data.expected_date is not None else before.expected_date,
        delay_reason=data.reason if data.reason is not None else before.delay_reason,
        last_update_at=env.occurred_at,
    )


def _snooze(before: Milestone, data: MilestoneSnoozed, env: Envelope, change: Change) -> Milestone:
    said_on = local_date(env.occurred_at)
    assert said_on is not None
    limit = said_on + timedelta(days=30)
    if data.until > limit:
        raise Refused(f"snooze until {data.until} is more than 30 days after {said_on} (until ≤ {limit})")
    # A snooze is the owner's answer too: it stops escalation like an acknowledgement.
    return change(before, snoozed_until=data.until, acknowledged_at=env.occurred_at)


def evaluate(
    m: Milestone, *, today: date, now: datetime, cal: Calendar, policy: Policy, private: bool = False
) -> tuple[Milestone, list[AlertDue]]:
    """State, health, on-time, the alerts due today and the next day worth looking at again.
    Returns a new milestone, or (`private`: `m` is the caller's own copy, no one else holds it) `m`
    itself, edited."""
    changes = {"state": evaluate_state(m, today, policy), "on_time": on_time(m)}
    if private:
        m.__dict__.update(changes)
    else:
        m = evolve(m, **changes)
    m.__dict__["health"] = health(m, today, cal, policy)  # m is this function's own copy
    said: list[tuple[str, str, date, int]] = []
    closed = m.state in (State.DONE, State.WITHDRAWN)
    snoozed = m.snoozed_until is not None and today <= m.snoozed_until
    if not closed and not snoozed:
        said += _reminders(m, today, cal, policy)
    if not closed:
        said += _escalation(m, today, cal, policy)
    m.__dict__["next_check_date"] = None if closed else _next_check_kept(m, today, cal, policy)
    return m, [AlertDue(m, alert_type, step, key, days) for alert_type, step, key, days in said]


def _reminders(m: Milestone, today: date, cal: Calendar, policy: Policy) -> list[tuple[str, str, date, int]]:
    """The reminder due today, if not said yet (records it on `m`, the caller's own copy)."""
    due = m.due_date
    if due is None:
        return _update_request(m, today, cal, policy)
    step = due_step(due, today, cal, policy)
    if step is None:
        return []
    if m.reminder_due == due and m.reminder_on is not None and step.fires_on <= m.reminder_on:
        return []
    days = (due - today).days if step.alert_type == "milestone.due_soon" else (today - due).days
    m.__dict__.update(reminder_due=due, reminder_on=step.fires_on)
    return [(step.alert_type, step.name, due, days)]


def _update_request(
    m: Milestone, today: date, cal: Calendar, policy: Policy
) -> list[tuple[str, str, date, int]]:
    """Ongoing items (no due date) are asked for an update when nothing was reported for a while."""
    asks_on = _update_request_date(m, today, cal, policy)
    if asks_on is None or asks_on > today:
        return []
    m.__dict__.update(reminder_due=None, reminder_on=asks_on)
    return [("milestone.update_requested", "update", asks_on, 0)]


def _update_request_date(m: Milestone, today: date, cal: Calendar, policy: Policy) -> date | None:
    if m.starts_date is not None and m.starts_date > today:
        return None
    marks = [local_date(m.last_update_at), m.starts_date, local_date(m.created_at), m.reminder_on]
    since = max((d for d in marks if d is not None), default=None)
    if since is None:
        return None
    return cal.next_working_day(since + timedelta(days=policy.update_after_days))


def _escalation(m: Milestone, today: date, cal: Calendar, policy: Policy) -> list[tuple[str, str, date, int]]:
    due = m.due_date
    if due is None or today <= due or m.escalated_due == due or policy.escalate_after <= 0:
        return []
    answers = [local_date(m.acknowledged_at), local_date(m.last_update_at)]
    if any(d is not None and d >= due for d in answers):
        return []
    if today < cal.add_working_days(due, policy.escalate_after):
        return []
    m.__dict__["escalated_due"] = due
    return [("milestone.escalated", "escalation", due, (today - due).days)]


def _next_check_kept(m: Milestone, today: date, cal: Calendar, policy: Policy) -> date | None:
    """The stored check day while it is still ahead and no later than needed: an early look only
    re-evaluates, and leaving the indexed column alone lets PostgreSQL update the row in place."""
    needed = _next_check(m, today, cal, policy)
    stored = m.next_check_date
    if needed is not None and stored is not None and today < stored <= needed:
        return stored
    return needed


def _next_check(m: Milestone, today: date, cal: Calendar, policy: Policy) -> date | None:
    """The first day after today on which state, health or an alert may change by the calendar alone
    (`_next_check_of`, remembered per distinct dates)."""
    return _next_check_of(
        today,
        m.due_date,
        m.starts_date,
        local_date(m.last_update_at),
        local_date(m.created_at),
        m.snoozed_until,
        m.escalated_due,
        m.reminder_on,
        cal,
        policy,
    )


@memoised
def _next_check_of(
    today: date,
    due: date | None,
    starts: date | None,
    updated: date | None,
    created: date | None,
    snoozed_until: date | None,
    escalated_due: date | None,
    reminder_on: date | None,
    cal: Calendar,
    policy: Policy,
) -> date | None:
    m = Milestone(
        id="",
        due_date=due,
        starts_date=starts,
        last_update_at=seoul_midnight(updated),
        created_at=seoul_midnight(created),
        snoozed_until=snoozed_until,
        escalated_due=escalated_due,
        reminder_on=reminder_on,
    )
    dates = state_dates(m, policy) + health_dates(m, cal, policy)
    if m.snoozed_until is not None:
        dates.append(m.snoozed_until + timedelta(days=1))
    if m.due_date is not None:
        step = next_step_date(m.due_date, today, cal, policy)
        if step is not None:
            dates.append(step)
        if m.escalated_due != m.due_date:
            dates.append(cal.add_working_days(m.due_date, policy.escalate_after))
    else:
        asks_on = _update_request_date(m, today, cal, policy)
        if asks_on is not None:
            dates.append(asks_on)
        elif m.starts_date is not None:
            dates.append(m.starts_date)
    later = [d for d in dates if d > today]
    return min(later) if later else None
