from datetime import date

from prometheus_client import REGISTRY

from services.notifier.metrics import watch_working_day
from shared.clock import Clock
from shared.workdays import WorkingCalendar


def _gauge() -> float | None:
    return REGISTRY.get_sample_value("mtrack_working_day")


def test_the_gauge_follows_the_korean_calendar_and_the_pinned_clock() -> None:
    clock = Clock()
    watch_working_day(WorkingCalendar(), clock)
    clock.pin(date(2025, 3, 3))  # 대체공휴일 for 삼일절, a Monday
    assert _gauge() == 0
    clock.pin(date(2025, 3, 4))
    assert _gauge() == 1
    clock.pin(date(2025, 3, 8))  # Saturday
    assert _gauge() == 0
