from datetime import date

import pytest

from services.milestones.domain import Facts, State, alert_days, alert_for, evaluate, on_time

TODAY = date(2025, 3, 20)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (Facts(starts=None, due=date(2025, 6, 30)), State.PLANNED),
        (Facts(starts=date(2025, 3, 1), due=date(2025, 6, 30)), State.IN_PROGRESS),
        (Facts(starts=None, due=date(2025, 6, 30), reported="in_progress"), State.IN_PROGRESS),
        (Facts(starts=None, due=date(2025, 3, 31)), State.DUE_SOON),
        (Facts(starts=None, due=date(2025, 4, 3)), State.DUE_SOON),
        (Facts(starts=None, due=date(2025, 4, 4)), State.PLANNED),
        (Facts(starts=None, due=TODAY), State.DUE_SOON),
        (Facts(starts=None, due=date(2025, 3, 19)), State.OVERDUE),
        (Facts(starts=date(2025, 1, 1), due=None), State.IN_PROGRESS),
        (Facts(starts=date(2025, 6, 1), due=None), State.PLANNED),
        (Facts(starts=None, due=date(2025, 3, 1), reported="done", done_date=date(2025, 3, 5)), State.DONE),
        (Facts(starts=None, due=date(2025, 3, 1), withdrawn=True), State.WITHDRAWN),
    ],
)
def test_state_follows_the_calendar(facts: Facts, expected: State) -> None:
    assert evaluate(facts, TODAY, due_soon_days=14) == expected


def test_on_time_compares_done_date_with_due() -> None:
    due = date(2025, 3, 31)
    assert on_time(Facts(starts=None, due=due, reported="done", done_date=due)) is True
    assert on_time(Facts(starts=None, due=due, reported="done", done_date=date(2025, 4, 1))) is False
    assert on_time(Facts(starts=None, due=due)) is None
    assert on_time(Facts(starts=None, due=None, reported="done", done_date=due)) is None


def test_alert_only_on_entering_a_warning_state() -> None:
    assert alert_for(State.PLANNED, State.DUE_SOON) == "milestone.due_soon"
    assert alert_for(State.DUE_SOON, State.OVERDUE) == "milestone.overdue"
    assert alert_for(None, State.OVERDUE) == "milestone.overdue"
    assert alert_for(State.OVERDUE, State.OVERDUE) is None
    assert alert_for(State.OVERDUE, State.DONE) is None


def test_alert_days_count_left_or_late() -> None:
    assert alert_days("milestone.due_soon", date(2025, 3, 31), TODAY) == 11
    assert alert_days("milestone.overdue", date(2025, 3, 1), TODAY) == 19
