"""Outbox housekeeping on the real database: only published rows past retention are pruned."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer
from sqlalchemy import select

from shared.db import make_engine, make_sessionmaker
from shared.outbox import OutboxMessage, OutboxRelay
from tests.kafka_tools import read_json


async def test_prune_keeps_unpublished_and_recent_rows(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=1)
    sessions = make_sessionmaker(engine)
    producer = f"prune-{uuid.uuid4().hex[:6]}"
    now = datetime.now(UTC)
    rows = {"old-sent": now - timedelta(days=8), "new-sent": now - timedelta(hours=1), "unsent": None}
    try:
        async with sessions() as session, session.begin():
            for key, published_at in rows.items():
                session.add(
                    OutboxMessage(
                        event_id=uuid.uuid4(),
                        producer=producer,
                        topic="t",
                        key=key.encode(),
                        value=b"{}",
                        published_at=published_at,
                    )
                )
        relay = OutboxRelay(sessions=sessions, producer=None, name=producer)  # type: ignore[arg-type]
        assert await relay.prune_published(timedelta(days=7)) == 1
        async with sessions() as session:
            left = await session.scalars(select(OutboxMessage.key).where(OutboxMessage.producer == producer))
            assert sorted(left) == [b"new-sent", b"unsent"]
    finally:
        await engine.dispose()


async def test_two_relays_publish_each_row_once_in_order(database_url: str, kafka_servers: str) -> None:
    engine = make_engine(database_url, pool_size=4)
    sessions = make_sessionmaker(engine)
    producer_name, topic = f"order-{uuid.uuid4().hex[:6]}", f"outbox-order-{uuid.uuid4().hex[:6]}"
    async with sessions() as session, session.begin():
        for n in range(60):
            session.add(
                OutboxMessage(
                    event_id=uuid.uuid4(),
                    producer=producer_name,
                    topic=topic,
                    key=b"same-milestone",
                    value=json.dumps({"n": n}).encode(),
                )
            )
    kafkas = [
        AIOKafkaProducer(bootstrap_servers=kafka_servers, acks="all", enable_idempotence=False)
        for _ in range(2)
    ]
    for kafka in kafkas:
        await kafka.start()
    try:
        relays = [
            OutboxRelay(sessions=sessions, producer=k, name=producer_name, batch_size=7) for k in kafkas
        ]
        for _ in range(20):
            await asyncio.gather(*(relay.publish_pending() for relay in relays))
        records = await read_json(kafka_servers, topic, until=lambda got: len(got) >= 60)
    finally:
        for kafka in kafkas:
            await kafka.stop()
        await engine.dispose()
    assert [r["n"] for r in records] == list(range(60))


async def test_one_insert_queues_a_batch_and_skips_ids_already_queued(database_url: str) -> None:
    """The set-based writer (`queue_envelopes`, also behind `add_to_outbox`): rows in the caller's
    transaction, each event id at most once, in the order given."""
    from shared.events import MilestoneStatusReported, encode, new_envelope
    from shared.outbox import OutboxMessage as Row
    from shared.outbox import add_to_outbox, queue_envelopes

    engine = make_engine(database_url, pool_size=1)
    sessions = make_sessionmaker(engine)
    producer = f"batch-{uuid.uuid4().hex[:6]}"
    envelopes = [
        new_envelope(
            MilestoneStatusReported(status="in_progress", progress=n),
            subject=f"m-{n}",
            source="test",
            occurred_at=datetime.now(UTC),
        )
        for n in range(3)
    ]
    try:
        async with sessions() as session, session.begin():
            assert await add_to_outbox(session, producer=producer, topic="t", envelope=envelopes[1])
            assert not await add_to_outbox(session, producer=producer, topic="t", envelope=envelopes[1])
        async with engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            async with raw.transaction():
                queued = await queue_envelopes(raw, producer=producer, topic="t", envelopes=envelopes)
        assert queued == {envelopes[0].event_id, envelopes[2].event_id}
        async with sessions() as session:
            stored = (
                await session.execute(
                    select(Row.event_id, Row.key, Row.value).where(Row.producer == producer).order_by(Row.id)
                )
            ).all()
        assert [r.event_id for r in stored] == [envelopes[i].event_id for i in (1, 0, 2)]
        assert [(r.key, r.value) for r in stored] == [
            (f"m-{i}".encode(), encode(envelopes[i])) for i in (1, 0, 2)
        ]
    finally:
        await engine.dispose()
