"""The service clock: calendar dates in Asia/Seoul, pinnable for tests and demos."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")


@dataclass
class Clock:
    """Real time unless `pinned` is set; tests and demos move `pinned` to travel in time."""

    pinned: datetime | None = None

    def now(self) -> datetime:
        return self.pinned if self.pinned is not None else datetime.now(SEOUL)

    def today(self) -> date:
        return self.now().astimezone(SEOUL).date()

    def pin(self, when: date | datetime) -> None:
        self.pinned = to_seoul_datetime(when)


def to_seoul_datetime(when: date | datetime) -> datetime:
    if isinstance(when, datetime):
        return when if when.tzinfo else when.replace(tzinfo=SEOUL)
    return datetime.combine(when, time(9, 0), SEOUL)


def parse_pin(text: str | None) -> datetime | None:
    """`MTRACK_NOW` accepts an ISO date (`2025-03-15`) or datetime; empty means the real clock."""
    if not text:
        return None
    text = text.strip()
    if len(text) == 10:
        return to_seoul_datetime(date.fromisoformat(text))
    return to_seoul_datetime(datetime.fromisoformat(text))


def clock_from_env(value: str | None) -> Clock:
    return Clock(pinned=parse_pin(value))
