"""The relay on the real broker: a row the broker refuses is quarantined and the rows after it leave;
the backlog is a metric; `mtrack dead-letters list` shows the quarantined row and replay releases it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

from aiokafka import AIOKafkaProducer
from prometheus_client import REGISTRY
from sqlalchemy import select

from shared.db import make_engine, make_sessionmaker
from shared.outbox import OutboxMessage, OutboxRelay
from tests.kafka_tools import read_json


def _metric(name: str, producer: str) -> float | None:
    return REGISTRY.get_sample_value(name, {"producer": producer})


async def test_a_refused_row_is_quarantined_and_the_relay_goes_on(
    database_url: str, kafka_servers: str
) -> None:
    engine = make_engine(database_url, pool_size=2)
    sessions = make_sessionmaker(engine)
    name, topic = f"q-{uuid.uuid4().hex[:6]}", f"outbox-q-{uuid.uuid4().hex[:6]}"
    values = [
        json.dumps({"n": 0}).encode(),
        b'{"pad": "' + b"x" * 2_000_000 + b'"}',
        json.dumps({"n": 2}).encode(),
    ]
    async with sessions() as session, session.begin():
        for value in values:
            session.add(
                OutboxMessage(event_id=uuid.uuid4(), producer=name, topic=topic, key=b"k", value=value)
            )
    kafka = AIOKafkaProducer(bootstrap_servers=kafka_servers, acks="all", enable_idempotence=False)
    await kafka.start()
    try:
        relay = OutboxRelay(sessions=sessions, producer=kafka, name=name)
        assert _metric("mtrack_outbox_quarantined_total", name) == 0
        await relay.update_backlog()
        assert _metric("mtrack_outbox_pending_rows", name) == 3
        assert (_metric("mtrack_outbox_oldest_pending_age_seconds", name) or 0) >= 0
        assert await relay.publish_pending() == 3
        assert await relay.publish_pending() == 0  # nothing left to try: the refused row is set aside
        records = await read_json(kafka_servers, topic, until=lambda got: len(got) >= 2)
        assert [r["n"] for r in records] == [0, 2]
        async with sessions() as session:
            held = (
                await session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.producer == name, OutboxMessage.quarantined_at.is_not(None)
                    )
                )
            ).all()
        assert len(held) == 1 and held[0].published_at is None
        assert "MessageSizeTooLargeError" in (held[0].quarantine_reason or "")
        assert _metric("mtrack_outbox_quarantined_total", name) == 1
        await relay.update_backlog()
        assert _metric("mtrack_outbox_pending_rows", name) == 0

        env = {**os.environ, "DATABASE_URL": database_url, "KAFKA_BOOTSTRAP_SERVERS": kafka_servers}
        listed = _mtrack(env, "dead-letters", "list", "--json")
        mine = [json.loads(line) for line in listed.splitlines() if f'"consumer": "{name}"' in line]
        assert [e["id"] for e in mine] == [f"outbox:{held[0].id}"]
        assert mine[0]["kind"] == "outbox-quarantine" and mine[0]["value_length"] == len(values[1])
        assert "released" in _mtrack(env, "dead-letters", "replay", f"outbox:{held[0].id}")
        assert "not quarantined" in _mtrack(env, "dead-letters", "replay", f"outbox:{held[0].id}")
        await relay.update_backlog()
        assert _metric("mtrack_outbox_pending_rows", name) == 1  # back in line (and refused again)
    finally:
        await kafka.stop()
        await engine.dispose()


def _mtrack(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mtrack.cli", *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout
