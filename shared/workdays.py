"""The Korean working calendar: Monday–Friday minus Korean public holidays, plus local corrections.

Public holidays come from the maintained `holidays` library (`holidays.KR`), which carries 대체공휴일
(substitute holidays), 임시공휴일 (e.g. 2025-01-27) and election days (2025-06-03). Holidays announced
after a library release, or local closures/openings, go in a JSON file (`config/calendar.json`,
`MTRACK_CALENDAR_FILE`): `{"closed": {"2026-12-31": "종무"}, "open": ["2026-05-01"]}`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "config" / "calendar.json"


@dataclass(frozen=True)
class WorkingCalendar:
    closed: dict[date, str] = field(default_factory=dict)
    opened: frozenset[date] = frozenset()

    def holiday_name(self, day: date) -> str | None:
        if day in self.opened:
            return None
        if day in self.closed:
            return self.closed[day]
        return _korean_holidays(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        if day in self.opened:
            return True
        return day.weekday() < 5 and self.holiday_name(day) is None

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the last working day before it."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def add_working_days(self, day: date, n: int) -> date:
        """The date `n` working days after `day` (before it for negative `n`); `n=0` gives `day`."""
        step = timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def count_working_days(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when `end` is before `start`."""
        if end < start:
            return -self.count_working_days(end, start)
        return sum(1 for i in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(i)))


@lru_cache(maxsize=64)
def _korean_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("KR", years=year, language="ko"))


def load_calendar(path: str | Path | None = None) -> WorkingCalendar:
    """Reads the corrections file (`MTRACK_CALENDAR_FILE`, else `config/calendar.json`, else none)."""
    source = Path(path or os.environ.get("MTRACK_CALENDAR_FILE") or DEFAULT_PATH)
    if not source.exists():
        return WorkingCalendar()
    raw = json.loads(source.read_text(encoding="utf-8"))
    closed = {date.fromisoformat(k): str(v) for k, v in (raw.get("closed") or {}).items()}
    opened = frozenset(date.fromisoformat(d) for d in raw.get("open") or [])
    return WorkingCalendar(closed=closed, opened=opened)
