"""The state rules of a milestone: plain functions of its facts and the calendar date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

AlertType = Literal["milestone.due_soon", "milestone.overdue"]


class State(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"
    WITHDRAWN = "withdrawn"


OPEN_STATES = (State.PLANNED, State.IN_PROGRESS, State.DUE_SOON, State.OVERDUE)


@dataclass(frozen=True)
class Facts:
    starts: date | None
    due: date | None
    reported: str = "planned"
    done_date: date | None = None
    withdrawn: bool = False


def evaluate(facts: Facts, today: date, due_soon_days: int) -> State:
    if facts.withdrawn:
        return State.WITHDRAWN
    if facts.reported == "done":
        return State.DONE
    if facts.due is not None:
        if today > facts.due:
            return State.OVERDUE
        if facts.due - today <= timedelta(days=due_soon_days):
            return State.DUE_SOON
    started = facts.starts is not None and facts.starts <= today
    if facts.reported == "in_progress" or started:
        return State.IN_PROGRESS
    return State.PLANNED


def on_time(facts: Facts) -> bool | None:
    """Done on or before the due date; None while not done or when there is nothing to compare."""
    if facts.reported != "done" or facts.due is None or facts.done_date is None:
        return None
    return facts.done_date <= facts.due


def alert_for(previous: State | None, current: State) -> AlertType | None:
    if current == previous:
        return None
    if current == State.DUE_SOON:
        return "milestone.due_soon"
    if current == State.OVERDUE:
        return "milestone.overdue"
    return None


def alert_days(alert: AlertType, due: date, today: date) -> int:
    """Days left for a due-soon alert, days late for an overdue one."""
    return (due - today).days if alert == "milestone.due_soon" else (today - due).days
