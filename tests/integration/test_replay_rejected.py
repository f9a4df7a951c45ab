"""A status update the core refused (its milestone was not declared yet), replayed after the fix, applies."""

from __future__ import annotations

import json
import uuid
from datetime import date

from aiokafka import AIOKafkaProducer
from sqlalchemy import select

from services.milestones.models import ProcessedEvent
from shared.db import make_engine, make_sessionmaker
from shared.dead_letters import DeadLetter, replay
from shared.events import MilestoneDeclared, MilestoneStatusReported, Topics
from tests.integration.test_core import record, rows
from tests.kafka_tools import produce
from tests.waiting import eventually, get_when_found


async def test_a_rejected_event_replayed_after_the_fix_is_applied_once(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 3, 5))
    topics = Topics(stack.topics_prefix)
    subject = f"late-decl-{uuid.uuid4().hex[:8]}"
    await produce(
        stack.kafka_servers,
        topics.milestone_events,
        [record(subject, MilestoneStatusReported(status="done"))],
    )

    engine = make_engine(stack.database_url, pool_size=1)
    sessions = make_sessionmaker(engine)

    async def the_letter() -> list[DeadLetter]:
        async with sessions() as session:
            return list(await session.scalars(select(DeadLetter).where(DeadLetter.key == subject.encode())))

    (letter,) = await eventually(the_letter, timeout=60)
    assert f"unknown milestone '{subject}'" in letter.reason
    declared = MilestoneDeclared(title="늦게 선언된 과제", due=date(2025, 6, 30), owner="산업기술정책과")
    await produce(stack.kafka_servers, topics.milestone_events, [record(subject, declared)])
    assert (await get_when_found(stack.milestones, f"/v1/milestones/{subject}"))["state"] != "done"

    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_servers, enable_idempotence=False)
    await producer.start()
    try:
        first = await replay(sessions, producer, str(letter.id))
        second = await replay(sessions, producer, str(letter.id))
    finally:
        await producer.stop()
        await engine.dispose()
    assert first.published and not second.published

    async def done() -> bool:
        body = await get_when_found(stack.milestones, f"/v1/milestones/{subject}")
        return body["state"] == "done"

    await eventually(done, timeout=60)
    event_id = uuid.UUID(json.loads(letter.value or b"")["event_id"])
    mark = select(ProcessedEvent.outcome).where(ProcessedEvent.event_id == event_id)
    assert await rows(stack.database_url, mark) == [("applied",)]
    body = await get_when_found(stack.milestones, f"/v1/milestones/{subject}")
    assert [h["event_type"] for h in body["history"]].count("milestone.status_reported") == 1
