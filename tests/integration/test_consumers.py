"""The consumers on the real broker and database: redelivery, poison records, a second sweep replica."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.policy import default

from sqlalchemy import func, select

from services.milestones.jobs import sweep_deadlines
from services.milestones.models import Alert, MilestoneHistory
from services.notifier.models import PendingItem
from shared.db import make_engine
from shared.events import MilestoneDeclared, MilestoneOverdue, Topics, encode, new_envelope
from shared.outbox import OutboxMessage
from tests.kafka_tools import produce, read_json
from tests.waiting import eventually, get_when_found


def _declared(subject: str, due: date, owner: str = "산업기술정책과") -> bytes:
    payload = MilestoneDeclared(title=f"시험 과제 {subject}", due=due, owner=owner)
    env = new_envelope(payload, subject=subject, source="test", occurred_at=datetime.now(UTC))
    return encode(env)


async def _count(url: str, stmt) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(stmt) or 0)
    finally:
        await engine.dispose()


async def test_redelivered_events_change_nothing_twice(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 1, 6))
    topics = Topics(stack.topics_prefix)
    subject = f"redeliver-{uuid.uuid4().hex[:8]}"
    record = _declared(
        subject, due=date(2024, 12, 31)
    )  # already overdue on the pinned clock: one alert, one mail to the immediate officer
    await produce(stack.kafka_servers, topics.milestone_events, [(subject.encode(), record)] * 3)

    def overdue_mail() -> list:  # type: ignore[type-arg]
        return _mails_about(stack.mail, subject, FAST)

    mails = await eventually(overdue_mail)
    history = (
        select(func.count()).select_from(MilestoneHistory).where(MilestoneHistory.milestone_id == subject)
    )
    assert await _count(stack.database_url, history) == 1

    # The same alert delivered again straight onto the alerts topic: the notification log keeps it to one mail.
    alerts = await read_json(
        stack.kafka_servers, topics.alerts, until=lambda got: any(a["subject"] == subject for a in got)
    )
    mine = [a for a in alerts if a["subject"] == subject]
    assert len(mine) == 1
    await produce(stack.kafka_servers, topics.alerts, [(subject.encode(), encode_json(mine[0]))] * 2)
    marker = f"after-{uuid.uuid4().hex[:6]}"
    await produce(
        stack.kafka_servers,
        topics.milestone_events,
        [(marker.encode(), _declared(marker, date(2024, 12, 1)))],
    )
    await eventually(lambda: _mails_about(stack.mail, marker, FAST))
    assert _mails_about(stack.mail, subject, FAST) == mails
    parsed = message_from_bytes(mails[0].read_bytes(), policy=default)
    assert parsed["To"] == FAST  # the department's officer who asked for immediate mail
    assert parsed["Subject"] == f"[mtrack] 기한 경과: 시험 과제 {subject} (2024-12-31, 6일 경과)"


FAST = "tech-policy-2@example.com"  # `delivery: immediate` in config/directory.yaml


def _mails_about(mail, milestone_id: str, recipient: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    """The mails to `recipient` that list `milestone_id` (its ID line in the text body)."""
    found = []
    for path in mail.messages():
        if recipient not in path.name:
            continue
        message = message_from_bytes(path.read_bytes(), policy=default)
        if f"ID: {milestone_id}" in message.get_body(("plain",)).get_content():
            found.append(path)
    return found


def encode_json(value: dict) -> bytes:  # type: ignore[type-arg]
    return json.dumps(value, ensure_ascii=False).encode()


async def test_poison_records_are_dead_lettered_and_the_consumer_goes_on(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 1, 6))
    topics = Topics(stack.topics_prefix)
    good = f"good-{uuid.uuid4().hex[:8]}"
    unknown = new_envelope(
        MilestoneOverdue(title="x", due=date(2025, 1, 1), as_of=date(2025, 1, 2), days=1),
        subject="x",
        source="test",
        occurred_at=datetime.now(UTC),
    )
    status_for_nothing = encode_json(
        {
            "event_id": str(uuid.uuid4()),
            "type": "milestone.status_reported",
            "occurred_at": "2025-01-02T00:00:00Z",
            "source": "test",
            "subject": "no-such-milestone",
            "data": {"status": "done"},
        }
    )
    await produce(
        stack.kafka_servers,
        topics.milestone_events,
        [
            (b"p", b"\xff\xfe garbage"),
            (b"p", b'{"type": "milestone.declared"}'),
            (b"tombstone", None),
            (b"no-such-milestone", status_for_nothing),
            (b"x", encode(unknown)),
            (good.encode(), _declared(good, date(2025, 12, 31))),
        ],
    )
    body = await get_when_found(stack.milestones, f"/v1/milestones/{good}")
    assert body["state"] == "planned" and body["due"] == "2025-12-31"
    dead = await read_json(stack.kafka_servers, topics.dead_letter, until=lambda got: len(got) >= 4)
    reasons = " | ".join(d["reason"] for d in dead)
    assert "not UTF-8" in reasons
    assert "invalid envelope" in reasons
    assert "empty record" in reasons
    assert "unknown milestone 'no-such-milestone'" in reasons
    assert all(d["consumer"] == "milestones" and d["topic"] == topics.milestone_events for d in dead)


async def test_a_second_sweep_replica_queues_no_second_alert(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 1, 6))
    subjects = [f"replica-{uuid.uuid4().hex[:8]}" for _ in range(20)]
    records = [(s.encode(), _declared(s, due=date(2025, 2, 28))) for s in subjects]
    await produce(stack.kafka_servers, Topics(stack.topics_prefix).milestone_events, records)
    for s in subjects:
        await get_when_found(stack.milestones, f"/v1/milestones/{s}")
    stack.clock.pin(date(2025, 3, 4))  # +1 working day after Friday 02-28 (03-03 is 대체공휴일)
    jobs = stack.milestones_app.state.jobs
    first, second = await asyncio.gather(sweep_deadlines(jobs), sweep_deadlines(jobs))
    assert first["alerts"] + second["alerts"] >= len(subjects)  # the database is shared with other modules
    again = await sweep_deadlines(jobs)
    assert again == {"changed": 0, "alerts": 0}
    alerts = select(func.count()).select_from(Alert).where(Alert.milestone_id.in_(subjects))
    assert await _count(stack.database_url, alerts) == len(subjects)
    outbox = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.key.in_([s.encode() for s in subjects]))
    )
    assert await _count(stack.database_url, outbox) == len(subjects)


async def test_due_soon_then_overdue_mails_follow_the_clock(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 1, 7))  # D-7 (working days) of Thursday 01-16: said when the event applies
    subject = f"lifecycle-{uuid.uuid4().hex[:8]}"
    await produce(
        stack.kafka_servers,
        Topics(stack.topics_prefix).milestone_events,
        [(subject.encode(), _declared(subject, due=date(2025, 1, 16), owner="산업규제혁신과"))],
    )

    notifier = stack.notifier._transport.app
    officer = "regulation-1@example.com"  # 산업규제혁신과's officer, on the daily digest

    async def digest_listing(day: str) -> object:
        recorded = (
            select(func.count())
            .select_from(PendingItem)
            .where(PendingItem.milestone_id == subject, PendingItem.alert["as_of"].as_string() == day)
        )
        if not await _count(stack.database_url, recorded):
            return None
        await notifier.state.run_job(force=True)  # the day's digest now (as `mtrack jobs run digest`)
        mails = [
            message_from_bytes(p.read_bytes(), policy=default)
            for p in _mails_about(stack.mail, subject, officer)
        ]
        return next((m for m in mails if m["Subject"].startswith(f"[mtrack] {day} 일일 기한 알림")), None)

    soon = await eventually(lambda: digest_listing("2025-01-07"))
    assert f"시험 과제 {subject}\r\n   기한: 2025-01-16 (9일 남음)" in soon.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    stack.clock.pin(date(2025, 1, 17))
    assert (await stack.milestones_app.state.run_job("deadline-sweep"))["alerts"] >= 1
    late = await eventually(lambda: digest_listing("2025-01-17"))
    body = late.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    assert "■ 기한 경과" in body and "기한: 2025-01-16 (1일 경과)" in body
    detail = await get_when_found(stack.milestones, f"/v1/milestones/{subject}")
    assert [h["to_state"] for h in detail["history"]] == ["due_soon", "overdue"]
