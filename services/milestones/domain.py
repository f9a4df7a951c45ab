"""The milestone and the rules about it that depend only on its facts, a date and the working calendar:
state, on-time, health and the reminder schedule. No I/O here (the handlers load and write)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple, dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache, wraps
from typing import Any, Protocol, TypeVar

from shared.clock import SEOUL


class State(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"
    WITHDRAWN = "withdrawn"


class Health(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    DONE = "done"
    WITHDRAWN = "withdrawn"


OPEN_STATES = (State.PLANNED, State.IN_PROGRESS, State.DUE_SOON, State.OVERDUE)


class Calendar(Protocol):
    """What the rules need of `shared.workdays.WorkingCalendar` (a fake one is fine in tests)."""

    def is_working_day(self, day: date) -> bool: ...
    def add_working_days(self, day: date, n: int) -> date: ...
    def count_working_days(self, start: date, end: date) -> int: ...
    def next_working_day(self, day: date) -> date: ...
    def previous_working_day(self, day: date) -> date: ...


RANK_EPOCH = 2020
MEMO_SIZE = 8192  # entries per memoised rule (~300 bytes each): a day's distinct facts, bounded memory

R = TypeVar("R")


def memoised(fn: Callable[..., R]) -> Callable[..., R]:
    """`fn` remembered by its (hashable) arguments: the calendar arithmetic of the rules depends on a few
    dates only, and thousands of milestones share them (the same due dates, update days, today). An
    unhashable calendar (the plain `WorkingCalendar`) is simply not remembered."""
    memo = lru_cache(maxsize=MEMO_SIZE)(fn)

    @wraps(fn)
    def call(*args: Any) -> R:
        try:
            return memo(*args)
        except TypeError:  # unhashable arguments (or fn's own TypeError, raised again here)
            return fn(*args)

    return call


def seoul_midnight(day: date | None) -> datetime | None:
    """A moment on `day` in Seoul (what `local_date` maps back to `day`)."""
    return None if day is None else datetime.combine(day, time(), SEOUL)


def evolve(m: Milestone, **changes: Any) -> Milestone:
    """A copy of `m` with `changes` (what `dataclasses.replace` does, without re-running `__init__`
    for 31 fields: the apply folds tens of thousands of events per second through this)."""
    new = object.__new__(Milestone)
    new.__dict__.update(m.__dict__)
    new.__dict__.update(changes)
    return new


def within_working_days(cal: Calendar, today: date, due: date, n: int) -> bool:
    """At most `n` working days in (today, due], counting no further than needed."""
    count, day = 0, today
    while day < due:
        day += timedelta(days=1)
        if cal.is_working_day(day):
            count += 1
            if count > n:
                return False
    return True


class CachedCalendar:
    """Remembers a calendar's answers: the sweep asks the same few dates thousands of times a run."""

    def __init__(self, cal: Calendar) -> None:
        self._cal = cal
        self._working: dict[date, bool] = {}
        self._added: dict[tuple[date, int], date] = {}
        self._tables: dict[int, list[int]] = {}
        self._bases: dict[int, int] = {}

    def is_working_day(self, day: date) -> bool:
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = self._cal.is_working_day(day)
        return known

    def add_working_days(self, day: date, n: int) -> date:
        key = (day, n)
        found = self._added.get(key)
        if found is None:
            step = timedelta(days=1 if n >= 0 else -1)
            found, remaining = day, abs(n)
            while remaining:
                found += step
                if self.is_working_day(found):
                    remaining -= 1
            self._added[key] = found
        return found

    def count_working_days(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when `end` is before `start` (from per-year tables)."""
        return self._rank(end) - self._rank(start)

    def _rank(self, day: date) -> int:
        """Working days from 1 January of `RANK_EPOCH` up to and including `day` (negative before it)."""
        table = self._year_table(day.year)
        return self._year_base(day.year) + table[day.timetuple().tm_yday - 1]

    def _year_table(self, year: int) -> list[int]:
        table = self._tables.get(year)
        if table is None:
            table, count, day = [], 0, date(year, 1, 1)
            while day.year == year:
                count += self.is_working_day(day)
                table.append(count)
                day += timedelta(days=1)
            self._tables[year] = table
        return table

    def _year_base(self, year: int) -> int:
        base = self._bases.get(year)
        if base is None:
            if year >= RANK_EPOCH:
                base = sum(self._year_table(y)[-1] for y in range(RANK_EPOCH, year))
            else:
                base = -sum(self._year_table(y)[-1] for y in range(year, RANK_EPOCH))
            self._bases[year] = base
        return base

    def next_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day


@dataclass(frozen=True)
class Policy:
    """Thresholds of the rules (all from the environment, see `app.MilestonesSettings`)."""

    due_soon_days: int = 14  # calendar days before due: state due_soon
    remind_before: tuple[int, ...] = (7, 3, 1, 0)  # working days before due
    remind_overdue: tuple[int, ...] = (1, 3, 7)  # working days after due, then every `remind_every`
    remind_every: int = 5
    update_after_days: int = 30  # ongoing items: ask for an update after this many calendar days
    escalate_after: int = 5  # working days overdue with no acknowledgement or update
    snooze_max_days: int = 30
    red_within_working_days: int = 3
    amber_due_soon_stale_days: int = 14
    amber_in_progress_stale_days: int = 30

    def __hash__(self) -> int:
        """Computed once (the memoised rules hash their arguments on every call)."""
        known = self.__dict__.get("_hash")
        if known is None:
            known = self.__dict__["_hash"] = hash(astuple(self))
        return int(known)


@dataclass(frozen=True)
class Milestone:
    """Everything the rules know about one milestone (a row of the `milestone` table)."""

    id: str
    title: str = ""
    section: list[str] = field(default_factory=list)
    kind: str = "deadline"
    expr: str | None = None
    line: int | None = None
    part: str = "plan"
    starts_date: date | None = None
    due_date: date | None = None
    owner: str | None = None
    target: dict[str, Any] | None = None
    plan_key: str | None = None
    plan_version: int | None = None
    state: str = State.PLANNED
    reported_status: str = "planned"
    done_date: date | None = None
    on_time: bool | None = None
    baseline_due: date | None = None
    health: str = Health.GREEN
    progress: int | None = None
    expected_date: date | None = None
    delay_reason: str | None = None
    last_update_at: datetime | None = None
    acknowledged_at: datetime | None = None
    snoozed_until: date | None = None
    next_check_date: date | None = None
    reminder_due: date | None = None  # the due date the last reminder was for
    reminder_on: date | None = None  # the scheduled date of the last reminder sent
    escalated_due: date | None = None  # the due date the manager was told about
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def withdrawn(self) -> bool:
        return self.state == State.WITHDRAWN

    @property
    def slip_days(self) -> int | None:
        if self.due_date is None or self.baseline_due is None:
            return None
        return (self.due_date - self.baseline_due).days

    @property
    def days_late(self) -> int | None:
        if self.on_time is not False or self.done_date is None or self.due_date is None:
            return None
        return (self.done_date - self.due_date).days


def local_date(when: datetime | None) -> date | None:
    return None if when is None else when.astimezone(SEOUL).date()


def evaluate_state(m: Milestone, today: date, policy: Policy) -> State:
    if m.withdrawn:
        return State.WITHDRAWN
    if m.reported_status == "done":
        return State.DONE
    if m.due_date is not None:
        if today > m.due_date:
            return State.OVERDUE
        if m.due_date - today <= timedelta(days=policy.due_soon_days):
            return State.DUE_SOON
    started = m.starts_date is not None and m.starts_date <= today
    if m.reported_status == "in_progress" or started:
        return State.IN_PROGRESS
    return State.PLANNED


def on_time(m: Milestone) -> bool | None:
    """Done on or before the due date; None while not done or when there is nothing to compare."""
    if m.reported_status != "done" or m.due_date is None or m.done_date is None:
        return None
    return m.done_date <= m.due_date


def health(m: Milestone, today: date, cal: Calendar, policy: Policy) -> Health:
    """The health of `m` today (the rule is `_health`'s, remembered per distinct facts)."""
    return _health_of(
        today,
        m.state == State.WITHDRAWN,
        m.reported_status,
        m.due_date,
        local_date(m.last_update_at),
        m.expected_date,
        bool(m.progress),
        m.baseline_due,
        m.starts_date,
        local_date(m.created_at),
        cal,
        policy,
    )


@memoised
def _health_of(
    today: date,
    withdrawn: bool,
    reported_status: str,
    due: date | None,
    updated: date | None,
    expected: date | None,
    progress: bool,
    baseline: date | None,
    starts: date | None,
    created: date | None,
    cal: Calendar,
    policy: Policy,
) -> Health:
    facts = Milestone(
        id="",
        state=State.WITHDRAWN if withdrawn else State.PLANNED,
        reported_status=reported_status,
        due_date=due,
        last_update_at=seoul_midnight(updated),
        expected_date=expected,
        progress=1 if progress else None,
        baseline_due=baseline,
        starts_date=starts,
        created_at=seoul_midnight(created),
    )
    return _health(facts, today, cal, policy)


def _health(m: Milestone, today: date, cal: Calendar, policy: Policy) -> Health:
    """The one place the health rule lives (computed, never set by hand):

    - `done` / `withdrawn` for closed milestones;
    - **red** when overdue (today after the due date), or when the owner's `expected_date` is after the
      due date, or when due within `red_within_working_days` (3) working days and not started (reported
      `planned` with no progress);
    - **amber** when due soon (within `due_soon_days`, 14 calendar days) with no status update in the
      last `amber_due_soon_stale_days` (14) days, or when in progress with no update in
      `amber_in_progress_stale_days` (30) days (counted from the start when never updated), or when
      the due date has slipped past the baseline (the first declared due date);
    - **green** otherwise.
    """
    if m.withdrawn:
        return Health.WITHDRAWN
    if m.reported_status == "done":
        return Health.DONE
    due = m.due_date
    updated = local_date(m.last_update_at)
    if due is not None:
        if today > due or (m.expected_date is not None and m.expected_date > due):
            return Health.RED
        not_started = m.reported_status == "planned" and not m.progress
        if not_started and within_working_days(cal, today, due, policy.red_within_working_days):
            return Health.RED
        stale = updated is None or (today - updated).days >= policy.amber_due_soon_stale_days
        if (due - today).days <= policy.due_soon_days and stale:
            return Health.AMBER
        if m.baseline_due is not None and due > m.baseline_due:
            return Health.AMBER
    in_progress = m.reported_status == "in_progress" or (m.starts_date is not None and m.starts_date <= today)
    since = updated or m.starts_date or local_date(m.created_at)
    if in_progress and since is not None and (today - since).days >= policy.amber_in_progress_stale_days:
        return Health.AMBER
    return Health.GREEN


def health_dates(m: Milestone, cal: Calendar, policy: Policy) -> list[date]:
    """Days on which `health` may change by the calendar alone (so the sweep looks at the row then)."""
    dates: list[date] = []
    due = m.due_date
    updated = local_date(m.last_update_at)
    if due is not None:
        dates.append(due + timedelta(days=1))
        dates.append(due - timedelta(days=policy.due_soon_days))
        # working days in (d, due] <= N first holds at most N working days before the last one before due
        dates.append(cal.add_working_days(cal.previous_working_day(due), -policy.red_within_working_days))
        if updated is not None:
            dates.append(updated + timedelta(days=policy.amber_due_soon_stale_days))
    since = updated or m.starts_date or local_date(m.created_at)
    if since is not None:
        dates.append(since + timedelta(days=policy.amber_in_progress_stale_days))
    if m.starts_date is not None:
        dates.append(m.starts_date)
    return dates


def state_dates(m: Milestone, policy: Policy) -> list[date]:
    """Days on which `evaluate_state` may change by the calendar alone."""
    dates = [] if m.starts_date is None else [m.starts_date]
    if m.due_date is not None:
        dates += [m.due_date - timedelta(days=policy.due_soon_days), m.due_date + timedelta(days=1)]
    return dates


@dataclass(frozen=True)
class Step:
    """One reminder of the schedule: `D-3`, `+7` …, the working day it fires on, and its alert type."""

    name: str
    fires_on: date
    alert_type: str


def before_steps(due: date, cal: Calendar, policy: Policy) -> tuple[Step, ...]:
    """D-k fires k working days before the due date; a due date on a non-working day counts from the
    working day before it (so D-0 for a Saturday due date fires on the Friday)."""
    try:
        return _before_steps(due, cal, policy)  # type: ignore[arg-type]
    except TypeError:  # an unhashable calendar (the plain WorkingCalendar): no memo
        return _before_steps.__wrapped__(due, cal, policy)


@lru_cache(maxsize=8192)  # a pure function of immutable arguments; the sweep asks it for every row
def _before_steps(due: date, cal: Calendar, policy: Policy) -> tuple[Step, ...]:
    base = cal.previous_working_day(due)
    steps = {k: cal.add_working_days(base, -k) for k in policy.remind_before}
    return tuple(
        Step(f"D-{k}", day, "milestone.due_soon") for k, day in sorted(steps.items(), key=lambda s: s[1])
    )


def overdue_offsets(policy: Policy, up_to: int) -> list[int]:
    """+1, +3, +7, then every `remind_every` working days (+12, +17 …), up to `up_to` (inclusive)."""
    offsets = sorted(k for k in policy.remind_overdue if k <= up_to)
    last = max(policy.remind_overdue, default=0)
    k = last + policy.remind_every
    while policy.remind_every > 0 and k <= up_to:
        offsets.append(k)
        k += policy.remind_every
    return offsets


def next_overdue_offset(policy: Policy, after: int) -> int | None:
    fixed = [k for k in sorted(policy.remind_overdue) if k > after]
    if fixed:
        return fixed[0]
    if policy.remind_every <= 0:
        return None
    last = max(policy.remind_overdue, default=0)
    if after < last:
        return last
    return last + ((after - last) // policy.remind_every + 1) * policy.remind_every


@memoised
def due_step(due: date, today: date, cal: Calendar, policy: Policy) -> Step | None:
    """The latest reminder whose day has come for `today` (None before D-7 and between due and +1).
    A before-due reminder is said only up to the due date itself; overdue ones after it."""
    if today <= due:
        reached = [s for s in before_steps(due, cal, policy) if s.fires_on <= today]
        return reached[-1] if reached else None
    late = cal.count_working_days(due, today)
    offsets = overdue_offsets(policy, late)
    if not offsets:
        return None
    k = offsets[-1]
    return Step(f"+{k}", cal.add_working_days(due, k), "milestone.overdue")


@memoised
def next_step_date(due: date, today: date, cal: Calendar, policy: Policy) -> date | None:
    """The first day after `today` on which another reminder fires."""
    if today < due:
        later = [s.fires_on for s in before_steps(due, cal, policy) if s.fires_on > today]
        if later:
            return min(later)
    late = max(cal.count_working_days(due, today), 0)
    k = next_overdue_offset(policy, late)
    return None if k is None else cal.add_working_days(due, k)
