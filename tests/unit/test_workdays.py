from datetime import date

import pytest

from shared.workdays import WorkingCalendar, load_calendar

CAL = load_calendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 27), False),  # 임시공휴일 before 설날
        (date(2025, 3, 3), False),  # 삼일절 대체공휴일
        (date(2025, 6, 3), False),  # 대통령 선거일
        (date(2025, 10, 8), False),  # 추석 대체공휴일
        (date(2025, 10, 10), True),
        (date(2025, 1, 25), False),  # Saturday
        (date(2026, 3, 2), False),  # 삼일절 대체공휴일 2026
        (date(2026, 6, 3), False),  # 지방선거일
        (date(2026, 12, 1), True),
    ],
)
def test_working_days_follow_the_korean_calendar(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_add_and_count_working_days_skip_holidays() -> None:
    assert CAL.add_working_days(date(2025, 1, 24), 1) == date(2025, 1, 31)  # 설 연휴 27–30
    assert CAL.add_working_days(date(2025, 3, 4), -1) == date(2025, 2, 28)
    assert CAL.add_working_days(date(2025, 3, 4), 0) == date(2025, 3, 4)
    assert CAL.count_working_days(date(2025, 1, 24), date(2025, 2, 3)) == 2
    assert CAL.count_working_days(date(2025, 2, 3), date(2025, 1, 24)) == -2
    assert CAL.next_working_day(date(2025, 10, 3)) == date(2025, 10, 10)
    assert CAL.previous_working_day(date(2025, 10, 9)) == date(2025, 10, 2)


def test_corrections_close_and_open_days() -> None:
    cal = WorkingCalendar(closed={date(2025, 12, 31): "종무"}, opened=frozenset({date(2025, 12, 25)}))
    assert not cal.is_working_day(date(2025, 12, 31))
    assert cal.holiday_name(date(2025, 12, 31)) == "종무"
    assert cal.is_working_day(date(2025, 12, 25))
