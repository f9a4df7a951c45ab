"""When mail may leave (pure): working hours on working days only, one digest slot a working day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from shared.clock import SEOUL
from shared.workdays import WorkingCalendar


@dataclass(frozen=True)
class Hours:
    """Working hours [start, end) in Asia/Seoul; the digest goes at the first pass at/after `digest`."""

    start: time = time(9, 0)
    end: time = time(18, 0)
    digest: time = time(9, 0)


def in_working_hours(now: datetime, calendar: WorkingCalendar, hours: Hours) -> bool:
    local = now.astimezone(SEOUL)
    return calendar.is_working_day(local.date()) and hours.start <= local.time() < hours.end


def digest_due(now: datetime, calendar: WorkingCalendar, hours: Hours) -> bool:
    """The day's digest may go now (a working day, at or after the digest hour, inside working hours)."""
    local = now.astimezone(SEOUL)
    return in_working_hours(now, calendar, hours) and local.time() >= hours.digest


def parse_hour(text: str) -> time:
    """`9`, `09`, `9:30` or `09:30` → a time."""
    hour, _, minute = text.strip().partition(":")
    return time(int(hour), int(minute or 0))
