"""The milestones core on the real broker and PostgreSQL: a mixed batch applied in one transaction,
reminders and escalation by the pinned clock around Korean holidays, and the read side (filters,
cursor pages, CSV, summary, iCalendar feed)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime

import icalendar
from sqlalchemy import select

from services.milestones.domain import due_step
from services.milestones.jobs import sweep_deadlines
from services.milestones.models import Alert, ProcessedEvent
from shared.db import make_engine
from shared.events import (
    MilestoneAcknowledged,
    MilestoneDeclared,
    MilestoneRescheduled,
    MilestoneSnoozed,
    MilestoneStatusReported,
    Payload,
    Topics,
    encode,
    new_envelope,
)
from tests.kafka_tools import produce, read_json
from tests.waiting import eventually, get_when_found


def record(subject: str, payload: Payload, when: datetime | None = None) -> tuple[bytes, bytes]:
    env = new_envelope(payload, subject=subject, source="test", occurred_at=when or datetime.now(UTC))
    return subject.encode(), encode(env)


async def rows(url: str, stmt):  # type: ignore[no-untyped-def]
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(stmt)).all()
    finally:
        await engine.dispose()


async def test_a_mixed_batch_applies_in_order_and_refuses_what_cannot_apply(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 3, 5))
    topics = Topics(stack.topics_prefix)
    tag = uuid.uuid4().hex[:8]
    a, b = f"core-a-{tag}", f"core-b-{tag}"
    said = datetime(2025, 3, 5, 1, 0, tzinfo=UTC)
    batch = [
        record(a, MilestoneDeclared(title="R&D 예타 신청", due=date(2025, 3, 31), owner="산업기술정책과")),
        record(a, MilestoneRescheduled(due=date(2025, 6, 30), plan_version=2)),
        record(a, MilestoneStatusReported(status="in_progress", progress=30, reason="예산 배정 지연"), said),
        record(b, MilestoneDeclared(title="표준 개정", due=date(2025, 2, 28), owner="산업기술시장과")),
        record(b, MilestoneAcknowledged(by="담당"), said),
        record(b, MilestoneSnoozed(until=date(2025, 5, 30)), said),  # more than 30 days: refused
        record(f"nobody-{tag}", MilestoneStatusReported(status="done")),
    ]
    await produce(stack.kafka_servers, topics.milestone_events, batch)

    async def all_of_a_applied() -> object:  # the records may reach the consumer in more than one fetch
        response = await stack.milestones.get(f"/v1/milestones/{a}")
        body = response.json() if response.status_code == 200 else {}
        return body if len(body.get("history", [])) == 3 else None

    body = await eventually(all_of_a_applied)
    assert (body["due"], body["baseline_due"], body["slip_days"]) == ("2025-06-30", "2025-03-31", 91)
    assert (body["progress"], body["delay_reason"], body["health"]) == (30, "예산 배정 지연", "amber")
    assert [h["event_type"] for h in body["history"]] == [
        "milestone.declared",
        "milestone.rescheduled",
        "milestone.status_reported",
    ]
    assert body["history"][1]["data"]["due_change"]["from"] == "2025-03-31"

    async def b_acknowledged() -> object:
        response = await stack.milestones.get(f"/v1/milestones/{b}")
        body = response.json() if response.status_code == 200 else {}
        return body if body.get("acknowledged_at") else None

    late = await eventually(b_acknowledged)
    assert (late["state"], late["health"], late["snoozed_until"]) == ("overdue", "red", None)
    assert late["acknowledged_at"] is not None
    dead = await read_json(
        stack.kafka_servers,
        topics.dead_letter,
        until=lambda got: sum(tag in (d["key"] or {}).get("text", "") for d in got) >= 2,
    )
    reasons = [d["reason"] for d in dead if tag in (d["key"] or {}).get("text", "")]
    assert any("more than 30 days" in r for r in reasons)
    assert any(f"unknown milestone 'nobody-{tag}'" in r for r in reasons)
    outcomes = await rows(
        stack.database_url,
        select(ProcessedEvent.outcome).where(ProcessedEvent.event_type == "milestone.snoozed"),
    )
    assert ("rejected",) in outcomes
    # b was overdue on arrival: +1 is 03-04 (03-03 is a holiday), +3 not yet: the one reminder said
    alerts = await rows(
        stack.database_url,
        select(Alert.step, Alert.audience, Alert.alert_type).where(Alert.milestone_id == b),
    )
    assert alerts == [("+1", "owner", "milestone.overdue")]


async def test_escalation_reaches_the_manager_once_and_an_acknowledgement_stops_it(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 4, 28))
    topics = Topics(stack.topics_prefix)
    tag = uuid.uuid4().hex[:8]
    quiet, answered = f"esc-q-{tag}", f"esc-a-{tag}"
    await produce(
        stack.kafka_servers,
        topics.milestone_events,
        [
            record(s, MilestoneDeclared(title=f"보고서 {s}", due=date(2025, 5, 2), owner="산업규제혁신과"))
            for s in (quiet, answered)
        ],
    )
    for s in (quiet, answered):
        await get_when_found(stack.milestones, f"/v1/milestones/{s}")
    await produce(
        stack.kafka_servers,
        topics.milestone_events,
        [record(answered, MilestoneAcknowledged(), datetime(2025, 5, 7, 1, tzinfo=UTC))],
    )
    await eventually(lambda: _acked(stack, answered))
    jobs = stack.milestones_app.state.jobs
    stack.clock.pin(date(2025, 5, 12))  # 05-05, 05-06 are holidays: only 3 working days late
    await sweep_deadlines(jobs)
    stack.clock.pin(date(2025, 5, 13))
    await sweep_deadlines(jobs)
    await sweep_deadlines(jobs)
    found = await rows(
        stack.database_url,
        select(Alert.milestone_id, Alert.step, Alert.audience)
        .where(Alert.milestone_id.in_([quiet, answered]))
        .order_by(Alert.id),
    )
    assert [(m == quiet, step, who) for m, step, who in found if step == "escalation"] == [
        (True, "escalation", "manager")
    ]
    # D-7 (04-23) had come on 04-28; the sweeps ran on 05-12 (+3: 05-05/06 are holidays) and 05-13 (+5)
    assert [step for m, step, _ in found if m == quiet] == ["D-7", "+3", "escalation"]
    alerts = await read_json(
        stack.kafka_servers,
        topics.alerts,
        until=lambda got: any(x["type"] == "milestone.escalated" and x["subject"] == quiet for x in got),
    )
    (escalated,) = [x for x in alerts if x["type"] == "milestone.escalated" and x["subject"] == quiet]
    assert escalated["data"]["audience"] == "manager" and escalated["data"]["health"] == "red"
    assert escalated["data"]["days"] == 11 and escalated["data"]["step"] == "escalation"


async def _acked(stack, mid: str) -> bool:  # type: ignore[no-untyped-def]
    body = (await stack.milestones.get(f"/v1/milestones/{mid}")).json()
    return body.get("acknowledged_at") is not None


async def _declare_many(stack, tag: str) -> list[str]:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 1, 6))
    plan = f"plan-{tag}"
    specs = [
        ("산업기술정책과", date(2025, 3, 31), ["Ⅰ. 기술혁신", "1. 예타"], "GATC 예타 신청"),
        ("산업기술정책과", date(2025, 6, 30), ["Ⅰ. 기술혁신", "2. 표준"], "국제 표준 제안"),
        ("산업기술시장과", date(2025, 9, 30), ["Ⅱ. 시장"], "기술 거래 플랫폼 개편"),
        ("산업기술시장과", date(2025, 12, 31), ["Ⅱ. 시장"], "=SUM(A1) 위험한 제목"),
        ("산업기술정책과", date(2026, 2, 27), ["Ⅰ. 기술혁신", "1. 예타"], "후속 예타"),
    ]
    ids = [f"q-{tag}-{n}" for n in range(len(specs))]
    events = [
        record(mid, MilestoneDeclared(title=title, due=due, owner=owner, section=section, plan_key=plan))
        for mid, (owner, due, section, title) in zip(ids, specs, strict=True)
    ]
    events.append(record(ids[0], MilestoneStatusReported(status="done", done_date=date(2025, 3, 28))))
    events.append(record(ids[1], MilestoneStatusReported(status="done", done_date=date(2025, 7, 4))))
    await produce(stack.kafka_servers, Topics(stack.topics_prefix).milestone_events, events)

    async def settled() -> bool:
        body = (await stack.milestones.get(f"/v1/milestones/{ids[1]}")).json()
        return body.get("state") == "done"

    for mid in ids:
        await get_when_found(stack.milestones, f"/v1/milestones/{mid}")
    await eventually(settled)
    return ids


async def test_filters_cursor_pages_csv_and_unknown_parameters(stack) -> None:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:8]
    ids = await _declare_many(stack, tag)
    plan = f"plan-{tag}"
    get = stack.milestones.get
    page = (await get("/v1/milestones", params={"plan": plan, "q": "예타"})).json()
    assert sorted(m["id"] for m in page["items"]) == [ids[0], ids[4]]
    by_section = (
        await get(
            "/v1/milestones", params=[("plan", plan), ("section", "Ⅰ. 기술혁신"), ("section", "1. 예타")]
        )
    ).json()
    assert [m["id"] for m in by_section["items"]] == [ids[0], ids[4]]
    states = (
        await get("/v1/milestones", params=[("plan", plan), ("state", "done"), ("state", "planned")])
    ).json()
    assert states["total"] == 5
    done = (await get("/v1/milestones", params={"plan": plan, "health": "done"})).json()
    assert sorted(m["id"] for m in done["items"]) == [ids[0], ids[1]]
    late = next(m for m in done["items"] if m["id"] == ids[1])
    assert (late["on_time"], late["days_late"]) == (False, 4)

    seen, cursor = [], None
    while True:
        params = {"plan": plan, "limit": 2, "sort": "-due"} | ({"cursor": cursor} if cursor else {})
        body = (await get("/v1/milestones", params=params)).json()
        seen += [m["id"] for m in body["items"]]
        if body["items"] and body["items"][0]["id"] == ids[3]:
            # a row changing while we page (a new one sorted before the cursor) shifts nothing
            await produce(
                stack.kafka_servers,
                Topics(stack.topics_prefix).milestone_events,
                [
                    record(
                        f"q-{tag}-new",
                        MilestoneDeclared(title="새 과제", due=date(2026, 6, 1), plan_key=plan),
                    )
                ],
            )
            await get_when_found(stack.milestones, f"/v1/milestones/q-{tag}-new")
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == [ids[4], ids[3], ids[2], ids[1], ids[0]]

    unknown = await get("/v1/milestones", params={"plan": plan, "ownr": "x"})
    assert unknown.status_code == 422 and "ownr" in unknown.text
    assert (await get("/v1/milestones", params={"cursor": "bm9wZQ"})).status_code == 422
    assert (await get("/v1/milestones", params={"state": "finished"})).status_code == 422

    exported = await get(
        "/v1/milestones", params={"plan": plan, "sort": "due"}, headers={"Accept": "text/csv"}
    )
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.content.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [r["id"] for r in table][:5] == [ids[0], ids[1], ids[2], ids[3], ids[4]]
    assert table[0]["section"] == "Ⅰ. 기술혁신 > 1. 예타" and table[0]["title"] == "GATC 예타 신청"
    assert table[3]["title"] == "'=SUM(A1) 위험한 제목"  # no spreadsheet formula from input


async def test_summary_counts_execution_and_on_time_rates(stack) -> None:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:8]
    await _declare_many(stack, tag)
    stack.clock.pin(date(2025, 10, 2))
    body = (await stack.milestones.get("/v1/summary", params={"group_by": "plan", "year": 2025})).json()
    (mine,) = [r for r in body["rows"] if r["plan"] == f"plan-{tag}"]
    # due in 2025: four; done: two (one on time); overdue on 10-02: the 09-30 one (once swept/applied)
    assert (mine["units"], mine["completed"], mine["completed_on_time"]) == (4, 2, 1)
    assert (mine["execution_rate"], mine["on_time_rate"]) == (50.0, 0.5)
    overall = (await stack.milestones.get("/v1/summary", params={"year": 2026})).json()
    assert len(overall["rows"]) == 1 and overall["rows"][0]["units"] >= 1
    assert "by_state" in overall and "total" in overall
    bad = await stack.milestones.get("/v1/summary", params={"group_by": "colour"})
    assert bad.status_code == 422


async def test_the_department_feed_is_valid_icalendar(stack) -> None:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:8]
    ids = await _declare_many(stack, tag)
    response = await stack.milestones.get("/v1/feeds/tech-market.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    mine = events[f"{ids[2]}@mtrack"]
    assert str(mine["SUMMARY"]) == "기술 거래 플랫폼 개편"
    assert mine.decoded("DTSTART") == date(2025, 9, 30)
    assert mine.decoded("DTEND") == date(2025, 10, 1)
    assert int(mine["SEQUENCE"]) > 0 and mine.decoded("LAST-MODIFIED") is not None
    assert f"{ids[0]}@mtrack" not in events  # another department's (and done)
    policy = await stack.milestones.get("/v1/feeds/tech-policy.ics")
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(policy.content).walk("VEVENT")}
    assert f"{ids[4]}@mtrack" in uids and f"{ids[0]}@mtrack" not in uids  # done ones leave the feed
    assert (await stack.milestones.get("/v1/feeds/no-such-dept.ics")).status_code == 404


async def test_a_failing_batch_rolls_back_entirely(stack) -> None:  # type: ignore[no-untyped-def]
    """A handler exception (here PostgreSQL refusing a NUL character) leaves nothing of
    the batch behind, so the consumer loop can retry it or split it to find the poison event."""
    import pytest

    from services.milestones.handlers import apply_batch
    from shared.events import decode

    stack.clock.pin(date(2025, 3, 5))
    tag = uuid.uuid4().hex[:8]
    good = decode(record(f"rb-good-{tag}", MilestoneDeclared(title="정상", due=date(2025, 6, 30)))[1])
    # (the event contract bounds `line` now; a NUL in a title is what PostgreSQL refuses here)
    poison = decode(
        record(f"rb-bad-{tag}", MilestoneDeclared(title="널\u0000문자", due=date(2025, 6, 30)))[1]
    )
    ctx = stack.milestones_app.state.core
    with pytest.raises(Exception, match=r"0x00|NUL|null"):
        await apply_batch([good, poison], ctx=ctx)
    seen = await rows(
        stack.database_url, select(ProcessedEvent.event_id).where(ProcessedEvent.event_id == good.event_id)
    )
    assert seen == []
    assert (await stack.milestones.get(f"/v1/milestones/rb-good-{tag}")).status_code == 404
    outcome = await apply_batch([good], ctx=ctx)  # the good one alone applies
    assert outcome.counts[("milestone.declared", "applied")] == 1
    assert (await stack.milestones.get(f"/v1/milestones/rb-good-{tag}")).status_code == 200


async def test_a_sweep_that_changes_nothing_visible_keeps_updated_at(stack) -> None:  # type: ignore[no-untyped-def]
    """The ICS feed's SEQUENCE / LAST-MODIFIED come from updated_at: a look that changes nothing a
    reader sees must not make every calendar re-download the event."""
    from sqlalchemy import text

    from services.milestones.models import Milestone

    stack.clock.pin(date(2025, 3, 5))
    mid = f"calm-{uuid.uuid4().hex[:8]}"
    await produce(
        stack.kafka_servers,
        Topics(stack.topics_prefix).milestone_events,
        [record(mid, MilestoneDeclared(title="조용한 과제", due=date(2025, 12, 31), owner="산업기술정책과"))],
    )
    before = await get_when_found(stack.milestones, f"/v1/milestones/{mid}")
    engine = make_engine(stack.database_url, pool_size=1)
    try:
        async with engine.begin() as conn:  # pretend its check day has come
            # plain SQL: the ORM column's onupdate would move updated_at itself
            await conn.execute(
                text("UPDATE milestone SET next_check_date = :day WHERE id = :id"),
                {"day": date(2025, 3, 5), "id": mid},
            )
    finally:
        await engine.dispose()
    await sweep_deadlines(stack.milestones_app.state.jobs)
    after = (await stack.milestones.get(f"/v1/milestones/{mid}")).json()
    assert after["updated_at"] == before["updated_at"]
    (next_check,) = await rows(
        stack.database_url, select(Milestone.next_check_date).where(Milestone.id == mid)
    )
    assert next_check[0] > date(2025, 3, 5)


async def test_rows_from_before_the_check_day_say_only_their_current_step_once(stack) -> None:  # type: ignore[no-untyped-def]
    """Rows that migration a11_core_sweep hands a check day of today (written before the rules kept
    one): the first sweep says each milestone's current reminder step, not the steps it missed, and
    the manager is told once; the next sweep says nothing. Only open rows are swept."""
    from sqlalchemy import text

    today = date(2025, 3, 5)
    stack.clock.pin(today)
    tag = uuid.uuid4().hex[:8]
    legacy = {  # id → (due date, state): weeks overdue (+1, +3 … missed), due in two days, closed
        f"old-late-{tag}": (date(2025, 1, 10), "overdue"),
        f"old-soon-{tag}": (date(2025, 3, 7), "due_soon"),
        f"old-done-{tag}": (date(2025, 1, 10), "done"),
    }
    core = stack.milestones_app.state.core
    engine = make_engine(stack.database_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            for mid, (due, state) in legacy.items():
                await conn.execute(
                    text(
                        """INSERT INTO milestone (id, title, section, kind, part, due_date, owner, state,
                               reported_status, health, baseline_due, next_check_date, created_at, updated_at)
                           VALUES (:id, '예전 과제', '[]', 'deadline', 'plan', :due, '산업기술정책과', :state,
                               :reported, 'green', :due, :today, now(), now())"""
                    ),
                    {
                        "id": mid,
                        "due": due,
                        "state": state,
                        "reported": "done" if state == "done" else "planned",
                        "today": today,
                    },
                )
    finally:
        await engine.dispose()
    await sweep_deadlines(stack.milestones_app.state.jobs)
    first = await rows(
        stack.database_url,
        select(Alert.milestone_id, Alert.step).where(Alert.milestone_id.in_(list(legacy))),
    )
    said = sorted((m, s) for m, s in first)
    late, soon, _ = legacy
    current = {
        mid: due_step(due, today, core.calendar, core.policy).name  # type: ignore[union-attr]
        for mid, (due, _) in list(legacy.items())[:2]
    }
    assert said == sorted([(late, current[late]), (late, "escalation"), (soon, current[soon])])
    await sweep_deadlines(stack.milestones_app.state.jobs)
    again = await rows(stack.database_url, select(Alert.id).where(Alert.milestone_id.in_(list(legacy))))
    assert len(again) == len(said)


async def test_a_listed_milestone_reads_as_its_detail_without_history(stack) -> None:  # type: ignore[no-untyped-def]
    """The list writes its JSON without the response models; every field must read as the detail's
    (which still goes through them): dates, times, numbers, Korean text, a target, a slip."""
    stack.clock.pin(date(2025, 3, 5))
    mid = f"same-{uuid.uuid4().hex[:8]}"
    topic = Topics(stack.topics_prefix).milestone_events
    declared = MilestoneDeclared(
        title="동일성 과제", due=date(2025, 3, 31), owner="산업기술정책과", section=["Ⅳ. 계획", "1 기반"],
        target={"value": 2.5, "unit": "건"}, plan_key="same", plan_version=3,
    )  # fmt: skip
    moved = MilestoneRescheduled(due=date(2025, 5, 30), previous_due=date(2025, 3, 31))
    late = MilestoneStatusReported(
        status="in_progress", progress=40, expected_date=date(2025, 6, 1), reason="지연"
    )
    await produce(stack.kafka_servers, topic, [record(mid, declared), record(mid, moved), record(mid, late)])
    detail = await eventually(lambda: _detail_with_progress(stack, mid))
    listed = (await stack.milestones.get("/v1/milestones", params={"plan": "same", "limit": 1000})).json()
    (item,) = [i for i in listed["items"] if i["id"] == mid]
    detail.pop("history")
    assert item == detail and list(item) == list(detail)  # the same fields in the same order
    assert item["slip_days"] == 60 and item["updated_at"].endswith("Z")


async def _detail_with_progress(stack, mid: str) -> dict | None:  # type: ignore[no-untyped-def,type-arg]
    response = await stack.milestones.get(f"/v1/milestones/{mid}")
    return response.json() if response.status_code == 200 and response.json()["progress"] == 40 else None


async def test_an_alert_is_claimed_once_by_its_step_key_alone(stack) -> None:  # type: ignore[no-untyped-def]
    """Migration a13 dropped the unique index on the alert's event_id (a uuid5 of milestone, step and
    due date): the (milestone, step, due date) key alone refuses a second claim."""
    import asyncpg

    from mtrack.stack.scratch import plain_dsn
    from services.milestones import store
    from services.milestones.domain import Milestone
    from services.milestones.rules import AlertDue

    tag = uuid.uuid4().hex[:8]
    due, now = date(2025, 3, 31), datetime(2025, 4, 1, 1, 0, tzinfo=UTC)
    alert = AlertDue(
        Milestone(id=f"claim-{tag}", title="청구", due_date=due), "milestone.overdue", "+1", due, 1
    )
    pg = await asyncpg.connect(plain_dsn(stack.database_url))
    try:
        indexes = await pg.fetch("SELECT indexdef FROM pg_indexes WHERE tablename = 'alert'")
        assert not [r for r in indexes if "(event_id)" in r["indexdef"]]
        for expected in ([alert], []):
            async with pg.transaction():
                queued = await store.queue_alerts(pg, [alert], topic="t", today=now.date(), now=now)
            assert queued == expected
        count = await pg.fetchval("SELECT count(*) FROM alert WHERE milestone_id = $1", alert.milestone.id)
        assert count == 1
    finally:
        await pg.close()
