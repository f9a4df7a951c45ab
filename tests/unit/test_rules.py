"""The milestones core as pure functions, on the real Korean calendar of 2025–2026
(설날 2025-01-27..30, 삼일절 대체공휴일 2025-03-03, 2025-05-05/06, 대선 2025-06-03, 추석 2025-10-03..09)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime

import pytest

from services.milestones import rules
from services.milestones.domain import (
    Health,
    Milestone,
    Policy,
    State,
    before_steps,
    due_step,
    evaluate_state,
    health,
    on_time,
)
from shared.clock import SEOUL
from shared.events import (
    MilestoneAcknowledged,
    MilestoneDeclared,
    MilestoneRescheduled,
    MilestoneSnoozed,
    MilestoneStatusReported,
    MilestoneWithdrawn,
    Payload,
    new_envelope,
)
from shared.workdays import load_calendar

CAL = load_calendar()
POLICY = Policy()


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=SEOUL)


def env(payload: Payload, subject: str = "m1", day: date = date(2025, 1, 2)):  # type: ignore[no-untyped-def]
    return new_envelope(payload, subject=subject, source="test", occurred_at=at(day))


def milestone(due: date | None, **kw: object) -> Milestone:
    base = Milestone(id="m1", title="과제", due_date=due, baseline_due=due, created_at=at(date(2025, 1, 2)))
    return replace(base, **kw)  # type: ignore[arg-type]


def evaluate(m: Milestone, day: date) -> tuple[Milestone, list[rules.AlertDue]]:
    return rules.evaluate(m, today=day, now=at(day), cal=CAL, policy=POLICY)


def steps(due: date) -> dict[str, date]:
    return {s.name: s.fires_on for s in before_steps(due, CAL, POLICY)}


def test_before_due_reminders_count_working_days_across_seollal() -> None:
    assert steps(date(2025, 2, 3)) == {
        "D-7": date(2025, 1, 17),
        "D-3": date(2025, 1, 23),
        "D-1": date(2025, 1, 31),
        "D-0": date(2025, 2, 3),
    }


def test_a_due_date_on_a_holiday_is_reminded_on_the_working_day_before() -> None:
    assert steps(date(2025, 3, 3))["D-0"] == date(2025, 2, 28)  # 삼일절 대체공휴일
    assert steps(date(2025, 6, 3))["D-0"] == date(2025, 6, 2)  # 대통령 선거일
    assert steps(date(2025, 10, 4)) == {  # a Saturday inside 추석
        "D-7": date(2025, 9, 23),
        "D-3": date(2025, 9, 29),
        "D-1": date(2025, 10, 1),
        "D-0": date(2025, 10, 2),
    }


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 10, 9), None),  # 한글날: the first working day after due has not come
        (date(2025, 10, 10), ("+1", date(2025, 10, 10))),
        (date(2025, 10, 13), ("+1", date(2025, 10, 10))),
        (date(2025, 10, 14), ("+3", date(2025, 10, 14))),
        (date(2025, 10, 20), ("+7", date(2025, 10, 20))),
        (date(2025, 10, 27), ("+12", date(2025, 10, 27))),
        (date(2025, 11, 3), ("+17", date(2025, 11, 3))),
    ],
)
def test_overdue_reminders_after_chuseok(today: date, expected: tuple[str, date] | None) -> None:
    step = due_step(date(2025, 10, 4), today, CAL, POLICY)
    assert (step and (step.name, step.fires_on)) == expected


def test_each_reminder_is_said_once_and_only_the_latest_on_catch_up() -> None:
    m = milestone(date(2024, 12, 31))  # declared late: +1 (01-02) and +3 (01-06) have both come
    m, alerts = evaluate(m, date(2025, 1, 6))
    assert [(a.step, a.alert_type, a.days, a.audience) for a in alerts] == [
        ("+3", "milestone.overdue", 6, "owner")
    ]
    assert evaluate(m, date(2025, 1, 6))[1] == []
    assert evaluate(m, date(2025, 1, 7))[1] == []
    assert [a.step for a in evaluate(m, date(2025, 1, 10))[1]] == ["+7", "escalation"]  # +5 was 01-08


def test_alert_ids_are_deterministic_per_milestone_step_and_due() -> None:
    m = milestone(date(2025, 2, 3))
    (first,) = evaluate(m, date(2025, 1, 17))[1]
    (again,) = evaluate(m, date(2025, 1, 17))[1]
    assert first.step == "D-7" and first.days == 17 and first.event_id == again.event_id
    expected = uuid.uuid5(rules.ALERT_NAMESPACE, "m1|D-7|2025-02-03")
    assert first.event_id == expected


def test_no_before_due_reminder_is_said_after_the_due_date() -> None:
    m = milestone(date(2025, 2, 28))
    _, alerts = evaluate(m, date(2025, 3, 3))  # overdue, but +1 is 03-04 (03-03 is a holiday)
    assert alerts == []
    assert evaluate(m, date(2025, 3, 3))[0].next_check_date == date(2025, 3, 4)


def test_escalation_to_the_manager_after_five_working_days_without_an_answer() -> None:
    m = milestone(date(2025, 5, 2), reminder_due=date(2025, 5, 2), reminder_on=date(2025, 5, 12))
    assert [a.step for a in evaluate(m, date(2025, 5, 12))[1]] == []  # 05-05, 05-06 are holidays
    m, alerts = evaluate(m, date(2025, 5, 13))
    assert [(a.step, a.alert_type, a.audience) for a in alerts] == [
        ("escalation", "milestone.escalated", "manager")
    ]
    assert [a.step for a in evaluate(m, date(2025, 5, 20))[1]] == ["+7"]  # escalated once per due date


def test_an_acknowledgement_after_due_stops_escalation() -> None:
    m = milestone(date(2025, 5, 2), acknowledged_at=at(date(2025, 5, 7)))
    for day in (date(2025, 5, 13), date(2025, 6, 2)):
        assert all(a.step != "escalation" for a in evaluate(m, day)[1])
    before_due = milestone(date(2025, 5, 2), acknowledged_at=at(date(2025, 4, 30)))
    assert "escalation" in [a.step for a in evaluate(before_due, date(2025, 5, 13))[1]]


def test_snooze_holds_reminders_and_the_overdue_one_resumes_after() -> None:
    m = milestone(date(2025, 5, 2), snoozed_until=date(2025, 5, 20), acknowledged_at=at(date(2025, 5, 7)))
    m, alerts = evaluate(m, date(2025, 5, 15))
    assert alerts == []
    m, alerts = evaluate(m, date(2025, 5, 21))
    assert [a.step for a in alerts] == ["+7"]


def test_ongoing_items_are_asked_for_an_update_after_thirty_quiet_days() -> None:
    m = milestone(None, kind="ongoing", starts_date=date(2025, 1, 2))
    m, alerts = evaluate(m, date(2025, 1, 31))
    assert alerts == [] and m.next_check_date == date(2025, 2, 1)  # health turns amber (30 quiet days)
    m, alerts = evaluate(m, date(2025, 2, 3))  # 30 days → Saturday 02-01 → Monday 02-03
    assert [(a.step, a.alert_type, a.key_date) for a in alerts] == [
        ("update", "milestone.update_requested", date(2025, 2, 3))
    ]
    reported = replace(m, last_update_at=at(date(2025, 2, 10)), reported_status="in_progress")
    reported, alerts = evaluate(replace(reported, next_check_date=None), date(2025, 2, 11))
    assert alerts == [] and reported.next_check_date == date(2025, 3, 12)
    assert evaluate(reported, date(2025, 3, 11))[1] == []
    assert [a.step for a in evaluate(reported, date(2025, 3, 12))[1]] == ["update"]


@pytest.mark.parametrize(
    ("m", "today", "expected"),
    [
        (milestone(date(2025, 3, 31), state=State.WITHDRAWN), date(2025, 3, 1), Health.WITHDRAWN),
        (
            milestone(date(2025, 3, 31), reported_status="done", done_date=date(2025, 4, 2)),
            date(2025, 4, 3),
            Health.DONE,
        ),
        (milestone(date(2025, 3, 31)), date(2025, 4, 1), Health.RED),
        (milestone(date(2025, 6, 30), expected_date=date(2025, 7, 15)), date(2025, 3, 1), Health.RED),
        # 06-04 is 3 working days before 06-09 counting (06-05, 06-06 현충일 is off) → not started → red
        (milestone(date(2025, 6, 9)), date(2025, 6, 4), Health.RED),
        (
            milestone(date(2025, 6, 9), reported_status="in_progress", last_update_at=at(date(2025, 6, 2))),
            date(2025, 6, 4),
            Health.GREEN,
        ),
        (milestone(date(2025, 6, 20)), date(2025, 6, 10), Health.AMBER),  # due soon, never reported
        (milestone(date(2025, 9, 30), baseline_due=date(2025, 6, 30)), date(2025, 3, 1), Health.AMBER),
        (
            milestone(date(2025, 12, 31), reported_status="in_progress", last_update_at=at(date(2025, 2, 1))),
            date(2025, 3, 5),
            Health.AMBER,
        ),
        (
            milestone(
                date(2025, 12, 31), reported_status="in_progress", last_update_at=at(date(2025, 2, 10))
            ),
            date(2025, 3, 5),
            Health.GREEN,
        ),
        (milestone(date(2025, 12, 31)), date(2025, 3, 5), Health.GREEN),
    ],
)
def test_health(m: Milestone, today: date, expected: Health) -> None:
    assert health(m, today, CAL, POLICY) == expected


def test_state_follows_the_calendar() -> None:
    assert evaluate_state(milestone(date(2025, 6, 30)), date(2025, 3, 20), POLICY) == State.PLANNED
    assert evaluate_state(milestone(date(2025, 4, 3)), date(2025, 3, 20), POLICY) == State.DUE_SOON
    assert evaluate_state(milestone(date(2025, 3, 19)), date(2025, 3, 20), POLICY) == State.OVERDUE
    assert (
        evaluate_state(milestone(None, starts_date=date(2025, 1, 1)), date(2025, 3, 20), POLICY)
        == State.IN_PROGRESS
    )


def apply(stored: dict[str, Milestone], events: list, day: date) -> rules.Result:  # type: ignore[type-arg]
    return rules.apply(stored, events, today=day, now=at(day), cal=CAL, policy=POLICY)


def test_baseline_is_kept_across_reschedules_and_the_change_is_in_history() -> None:
    declared = env(MilestoneDeclared(title="R&D 예타", due=date(2025, 3, 31), owner="산업기술정책과"))
    moved = env(MilestoneRescheduled(due=date(2025, 6, 30), plan_version=2))
    result = apply({}, [declared, moved], date(2025, 1, 6))
    (m,) = result.milestones
    assert (m.baseline_due, m.due_date, m.slip_days, m.health) == (
        date(2025, 3, 31),
        date(2025, 6, 30),
        91,
        Health.AMBER,
    )
    assert [h.event_type for h in result.history] == ["milestone.declared", "milestone.rescheduled"]
    assert result.history[1].data["due_change"] == {
        "from": "2025-03-31",
        "to": "2025-06-30",
        "baseline": "2025-03-31",
    }
    redeclared = apply(
        {"m1": m}, [env(MilestoneDeclared(title="R&D 예타", due=date(2025, 9, 30)))], date(2025, 1, 7)
    )
    assert redeclared.milestones[0].baseline_due == date(2025, 3, 31)


def test_a_batch_never_edits_the_stored_milestones_it_was_given() -> None:
    """Later events of a batch edit the batch's own copy in place; what the caller passed in (the rows
    as stored, compared after the write) stays as it was."""
    stored = milestone(date(2025, 3, 31))
    before = dict(stored.__dict__)
    events = [
        env(MilestoneStatusReported(status="in_progress", progress=10)),
        env(MilestoneRescheduled(due=date(2025, 6, 30), plan_version=2)),
        env(MilestoneStatusReported(status="in_progress", progress=40)),
    ]
    result = apply({"m1": stored}, events, date(2025, 3, 20))
    assert stored.__dict__ == before
    (m,) = result.milestones
    assert (m.progress, m.due_date, m.baseline_due) == (40, date(2025, 6, 30), date(2025, 3, 31))
    assert result.history[1].data["due_change"]["from"] == "2025-03-31"


def test_done_late_keeps_on_time_false_with_days_late() -> None:
    m = milestone(date(2025, 3, 31))
    result = apply(
        {"m1": m}, [env(MilestoneStatusReported(status="done", done_date=date(2025, 4, 4)))], date(2025, 4, 7)
    )
    (done,) = result.milestones
    assert (done.state, done.on_time, done.days_late, done.health, done.next_check_date) == (
        State.DONE,
        False,
        4,
        Health.DONE,
        None,
    )
    assert on_time(done) is False and result.alerts == []


def test_status_with_progress_expected_date_and_reason() -> None:
    m = milestone(date(2025, 6, 30))
    report = MilestoneStatusReported(
        status="in_progress", progress=40, expected_date=date(2025, 7, 31), reason="예산 지연"
    )
    (after,) = apply({"m1": m}, [env(report, day=date(2025, 3, 5))], date(2025, 3, 5)).milestones
    assert (after.progress, after.expected_date, after.delay_reason, after.health) == (
        40,
        date(2025, 7, 31),
        "예산 지연",
        Health.RED,
    )
    assert after.last_update_at == at(date(2025, 3, 5))


def test_events_for_unknown_or_withdrawn_milestones_are_refused() -> None:
    status = env(MilestoneStatusReported(status="done"), subject="nobody")
    result = apply({}, [status], date(2025, 3, 5))
    assert [r.reason for r in result.refused] == ["unknown milestone 'nobody' for milestone.status_reported"]
    gone = milestone(date(2025, 6, 30))
    result = apply({"m1": gone}, [env(MilestoneWithdrawn()), env(MilestoneAcknowledged())], date(2025, 3, 5))
    assert result.milestones[0].state == State.WITHDRAWN and result.milestones[0].next_check_date is None
    assert [r.reason for r in result.refused] == ["milestone m1 was withdrawn from its plan"]


def test_a_snooze_is_at_most_thirty_days() -> None:
    m = milestone(date(2025, 6, 30))
    ok = env(MilestoneSnoozed(until=date(2025, 4, 4)), day=date(2025, 3, 5))
    too_long = env(MilestoneSnoozed(until=date(2025, 4, 5)), day=date(2025, 3, 5))
    result = apply({"m1": m}, [ok, too_long], date(2025, 3, 5))
    assert result.milestones[0].snoozed_until == date(2025, 4, 4)
    assert len(result.refused) == 1 and "more than 30 days" in result.refused[0].reason


def test_next_check_date_is_the_first_day_something_can_change() -> None:
    m, _ = evaluate(milestone(date(2025, 6, 30)), date(2025, 3, 5))
    assert m.next_check_date == date(2025, 6, 16)  # the due-soon window opens (14 days before)
    m, _ = evaluate(milestone(date(2025, 6, 30)), date(2025, 6, 17))
    assert m.next_check_date == date(2025, 6, 19)  # D-7
    swept = rules.sweep([m], today=date(2025, 6, 19), now=at(date(2025, 6, 19)), cal=CAL, policy=POLICY)
    assert [a.step for a in swept.alerts] == ["D-7"]
    assert swept.history == []  # no state change: due_soon already


def test_sweep_history_rows_for_state_changes_only() -> None:
    m, _ = evaluate(milestone(date(2025, 3, 31)), date(2025, 3, 20))
    swept = rules.sweep([m], today=date(2025, 4, 1), now=at(date(2025, 4, 1)), cal=CAL, policy=POLICY)
    assert [(h.from_state, h.to_state, h.event_type) for h in swept.history] == [
        ("due_soon", "overdue", "clock")
    ]
    assert [a.step for a in swept.alerts] == ["+1"]
    assert swept.milestones[0].next_check_date == date(2025, 4, 3)


def test_policy_offsets_are_configurable() -> None:
    policy = Policy(remind_before=(10, 0), remind_overdue=(2,), remind_every=0)
    assert [s.name for s in before_steps(date(2025, 3, 31), CAL, policy)] == ["D-10", "D-0"]
    assert due_step(date(2025, 3, 31), date(2025, 4, 30), CAL, policy).name == "+2"  # type: ignore[union-attr]


def test_an_earlier_stored_check_day_is_kept_a_later_one_is_not() -> None:
    fresh, _ = evaluate(milestone(date(2025, 6, 30)), date(2025, 3, 5))
    assert fresh.next_check_date == date(2025, 6, 16)
    early, _ = evaluate(replace(fresh, next_check_date=date(2025, 4, 1)), date(2025, 3, 5))
    assert early.next_check_date == date(2025, 4, 1)  # a harmless early look; the row stays put
    late, _ = evaluate(replace(fresh, next_check_date=date(2025, 7, 1)), date(2025, 3, 5))
    assert late.next_check_date == date(2025, 6, 16)
    due, _ = evaluate(replace(fresh, next_check_date=date(2025, 3, 5)), date(2025, 3, 5))
    assert due.next_check_date == date(2025, 6, 16)  # the sweep moves a due check day forward
