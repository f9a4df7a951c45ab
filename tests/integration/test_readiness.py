"""/readyz tells the truth on real servers: an empty or older schema, a frozen broker and a consumer
that has not joined its group each answer 503 naming the check; /healthz stays a liveness check."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from mtrack.migrate import upgrade
from mtrack.stack.kafka import EmbeddedKafka
from shared.db import make_engine
from shared.http import consumer_check, database_check, kafka_check, ops_router, schema_heads
from shared.kafka import ConsumerLoop, DeadLetters, make_consumer
from shared.settings import KafkaSettings
from tests.waiting import eventually


async def _ready(checks: dict) -> httpx.Response:  # type: ignore[type-arg]
    app = FastAPI()
    app.include_router(ops_router(checks))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
        assert (await client.get("/healthz")).status_code == 200
        return await client.get("/readyz")


@pytest.fixture
async def blank_database(database_url: str) -> AsyncIterator[str]:
    name = f"mtrack_blank_{uuid.uuid4().hex[:8]}"
    admin = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def test_the_schema_must_be_at_the_code_head(database_url: str, blank_database: str) -> None:
    assert "a7_pipeline" in schema_heads() or schema_heads()  # the head the code was built with
    migrated = make_engine(database_url, pool_size=1)
    blank = make_engine(blank_database, pool_size=1)
    try:
        assert (await _ready({"database": database_check(migrated)})).status_code == 200
        response = await _ready({"database": database_check(blank)})
        assert response.status_code == 503
        body = response.json()
        assert body["failing"] == ["database"] and "not migrated" in body["checks"]["database"]
        await asyncio.to_thread(upgrade, blank_database, "3c2ac4a59668")  # one revision behind
        body = (await _ready({"database": database_check(blank)})).json()
        assert "schema at 3c2ac4a59668" in body["checks"]["database"]
        await asyncio.to_thread(upgrade, blank_database)
        assert (await _ready({"database": database_check(blank)})).status_code == 200
    finally:
        await migrated.dispose()
        await blank.dispose()


async def test_a_frozen_broker_fails_readiness(tmp_path: Path) -> None:
    broker = EmbeddedKafka(log_file=tmp_path / "tansu.log")
    servers = broker.start()
    producer = AIOKafkaProducer(bootstrap_servers=servers, enable_idempotence=False)
    try:
        await producer.start()
        topic = f"ready-{uuid.uuid4().hex[:6]}"
        await producer.send_and_wait(topic, b"{}")  # the topic exists (auto-created) and is cached
        checks = {"kafka": kafka_check(lambda: producer, topic, timeout=1.0)}
        assert (await _ready(checks)).status_code == 200
        broker.freeze()
        try:
            response = await _ready(checks)
            assert response.status_code == 503
            assert response.json()["failing"] == ["kafka"]
            assert "did not answer" in response.json()["checks"]["kafka"]
        finally:
            broker.thaw()
        await eventually(lambda: _status(checks, 200), timeout=30)
    finally:
        await producer.stop()
        broker.stop()


async def _status(checks: dict, code: int) -> bool:  # type: ignore[type-arg]
    return (await _ready(checks)).status_code == code


async def test_a_consumer_is_ready_once_it_joined_its_group(kafka_servers: str) -> None:
    settings = KafkaSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_servers)  # type: ignore[call-arg]
    topic = f"join-{uuid.uuid4().hex[:6]}"
    consumer = make_consumer(settings, topic=topic, group_id=f"g-{uuid.uuid4().hex[:6]}")
    producer = AIOKafkaProducer(bootstrap_servers=kafka_servers, enable_idempotence=False)
    await producer.start()
    await producer.send_and_wait(topic, b"{}")
    loop: ConsumerLoop | None = None
    checks = {"consumer": consumer_check(lambda: loop)}
    assert (await _ready(checks)).json()["checks"]["consumer"] == "failed: RuntimeError: consumer not started"

    async def nothing(envelopes: list) -> list:  # type: ignore[type-arg]
        return []

    await consumer.start()
    loop = ConsumerLoop(consumer, nothing, DeadLetters(producer, f"{topic}.dead", "join-test"))
    stop = asyncio.Event()
    task = asyncio.create_task(loop.run(stop))
    try:
        await eventually(lambda: _status(checks, 200), timeout=60)
    finally:
        stop.set()
        await task
        await consumer.stop()
        await producer.stop()
