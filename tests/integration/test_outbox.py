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
