"""The shared consumer loop on the real broker and PostgreSQL: a permanent fault dead-letters one event
and the rest apply; a transient fault (the connection killed by the server) retries on a paused
partition while the other partitions keep flowing; dead letters are bounded, stored and replayable."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from prometheus_client import REGISTRY
from sqlalchemy import select, text

from shared.db import make_engine, make_sessionmaker
from shared.dead_letters import DeadLetter, list_entries, replay
from shared.events import Envelope, MilestoneDeclared, encode, new_envelope
from shared.kafka import ConsumerLoop, DeadLetters, Rejected, make_consumer
from shared.settings import KafkaSettings
from tests.kafka_tools import read_json
from tests.waiting import eventually

PARTITIONS = 3


def _event(subject: str, title: str | None = None) -> bytes:
    payload = MilestoneDeclared(
        title=title or f"시험 {subject}", due=date(2025, 12, 31), owner="산업기술정책과"
    )
    return encode(new_envelope(payload, subject=subject, source="test", occurred_at=datetime.now(UTC)))


@dataclass
class Probe:
    """A handler writing each event's title into a real table, in one transaction per batch."""

    sessions: object
    table: str
    # subjects whose batch gets its connection killed (a real PostgreSQL fault: the server ends it)
    stuck: set[str] = field(default_factory=set)
    broken: set[str] = field(default_factory=set)  # subjects that raise an error of unknown kind
    calls: int = 0

    async def __call__(self, envelopes: list[Envelope]) -> list[Rejected]:
        async with self.sessions() as session, session.begin():  # type: ignore[operator]
            await self._write(session, envelopes)
        return []

    async def stage(self, envelopes: list[Envelope]) -> ProbeStaged:
        """The same, with the transaction left open until the loop commits it (a staging handler)."""
        session = self.sessions()  # type: ignore[operator]
        try:
            await session.begin()
            await self._write(session, envelopes)
        except BaseException:
            await session.rollback()
            await session.close()
            raise
        return ProbeStaged(session)

    async def _write(self, session: object, envelopes: list[Envelope]) -> None:
        self.calls += 1
        for env in envelopes:
            if env.subject in self.stuck:
                await session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))  # type: ignore[attr-defined]
            if env.subject in self.broken:
                raise RuntimeError(f"cannot handle {env.subject}")
            await session.execute(  # type: ignore[attr-defined]
                text(f"INSERT INTO {self.table} (event_id, subject, title) VALUES (:e, :s, :t)"),
                {"e": env.event_id, "s": env.subject, "t": env.data["title"]},
            )


@dataclass
class ProbeStaged:
    session: object

    async def commit(self) -> list[Rejected]:
        try:
            await self.session.commit()  # type: ignore[attr-defined]
        finally:
            await self.session.close()  # type: ignore[attr-defined]
        return []

    async def abort(self) -> None:
        try:
            await self.session.rollback()  # type: ignore[attr-defined]
        finally:
            await self.session.close()  # type: ignore[attr-defined]


@dataclass
class Rig:
    servers: str
    topic: str
    dead_topic: str
    consumer: str
    probe: Probe
    loop: ConsumerLoop
    engine: object

    async def rows(self) -> dict[str, int]:
        async with self.engine.connect() as conn:  # type: ignore[attr-defined]
            result = await conn.execute(text(f"SELECT subject, count(*) FROM {self.probe.table} GROUP BY 1"))
            return {subject: int(n) for subject, n in result}

    async def dead_letters(self) -> list[DeadLetter]:
        sessions = make_sessionmaker(self.engine)  # type: ignore[arg-type]
        async with sessions() as session:
            found = await session.scalars(
                select(DeadLetter).where(DeadLetter.consumer == self.consumer).order_by(DeadLetter.id)
            )
            return list(found)


async def _produce(servers: str, topic: str, records: list[tuple[int, bytes, bytes | None]]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=servers, acks="all", enable_idempotence=False, max_request_size=4 * 1024 * 1024
    )
    await producer.start()
    try:
        for partition, key, value in records:
            await producer.send_and_wait(topic, value=value, key=key, partition=partition)
    finally:
        await producer.stop()


@asynccontextmanager
async def _rig(
    database_url: str, kafka_servers: str, *, staged: bool = False, **loop_options: float
) -> AsyncIterator[Rig]:
    tag = uuid.uuid4().hex[:8]
    topic, dead_topic, name = f"pipe-{tag}", f"pipe-{tag}.dead", f"probe-{tag}"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, PARTITIONS, 1), NewTopic(dead_topic, 1, 1)])
    finally:
        await admin.close()
    engine = make_engine(database_url, pool_size=3)
    sessions = make_sessionmaker(engine)
    table = f"probe_{tag}"
    async with engine.begin() as conn:
        await conn.execute(
            text(f"CREATE TABLE {table} (event_id uuid PRIMARY KEY, subject text NOT NULL, title text)")
        )
    settings = KafkaSettings(KAFKA_BOOTSTRAP_SERVERS=kafka_servers)  # type: ignore[call-arg]
    consumer = make_consumer(settings, topic=topic, group_id=f"g-{tag}")
    producer = AIOKafkaProducer(bootstrap_servers=kafka_servers, acks="all", enable_idempotence=False)
    await consumer.start()
    await producer.start()
    probe = Probe(sessions=sessions, table=table)
    # staged: batches of two, each staged while the one before it commits (`ConsumerLoop(stage=…)`)
    staging = {"stage": probe.stage, "max_records": 2} if staged else {}
    loop = ConsumerLoop(
        consumer,
        probe,
        DeadLetters(producer, dead_topic, name, sessions=sessions),
        **{"retry_seconds": 0.2, "max_retry_seconds": 1.0, **staging, **loop_options},  # type: ignore[arg-type]
    )
    stop = asyncio.Event()
    task = asyncio.create_task(loop.run(stop))
    try:
        await eventually(lambda: loop.joined, timeout=60)
        yield Rig(kafka_servers, topic, dead_topic, name, probe, loop, engine)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)
        await consumer.stop()
        await producer.stop()
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP TABLE {table}"))
        await engine.dispose()


def _metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.parametrize("staged", [False, True], ids=["one-at-a-time", "staged"])
async def test_a_nul_byte_is_permanent_one_event_dead_lettered_the_rest_applied(
    database_url: str, kafka_servers: str, staged: bool
) -> None:
    async with _rig(database_url, kafka_servers, staged=staged) as rig:
        assert _metric("mtrack_dead_letter_records_total", consumer=rig.consumer, stage="apply") == 0
        before = [(0, f"ok-{i}".encode(), _event(f"ok-{i}")) for i in range(6)]
        after = [(0, f"after-{i}".encode(), _event(f"after-{i}")) for i in range(6)]
        poison = (0, b"nul", _event("nul", title="제목\x00끝"))  # PostgreSQL refuses NUL in text
        await _produce(rig.servers, rig.topic, [*before, poison, *after])
        expected = {f"ok-{i}": 1 for i in range(6)} | {f"after-{i}": 1 for i in range(6)}
        await eventually(lambda: _equals(rig.rows(), expected), timeout=60)
        (letter,) = await eventually(rig.dead_letters)
        assert letter.stage == "apply"
        assert "22021" in (letter.exception or "")  # character_not_in_repertoire
        assert letter.key == b"nul" and letter.value == poison[2]
        assert letter.topic == rig.topic and letter.partition == 0 and letter.offset == 6
        assert _metric("mtrack_dead_letter_records_total", consumer=rig.consumer, stage="apply") == 1
        assert _metric("mtrack_consumer_retries_total", consumer=rig.consumer, kind="permanent") == 1
        assert _metric("mtrack_consumer_retries_total", consumer=rig.consumer, kind="transient") == 0
        (record,) = await read_json(rig.servers, rig.dead_topic, until=lambda got: len(got) >= 1)
        assert record["dead_letter_id"] == letter.id and record["offset"] == 6
        assert record["value"]["sha256"] == letter.value_sha256 and not record["value"]["truncated"]


async def _equals(rows: object, expected: dict[str, int]) -> bool:
    return await rows == expected  # type: ignore[misc]


@pytest.mark.parametrize("staged", [False, True], ids=["one-at-a-time", "staged"])
async def test_a_killed_connection_is_transient_and_only_its_partition_waits(
    database_url: str, kafka_servers: str, staged: bool
) -> None:
    async with _rig(database_url, kafka_servers, staged=staged) as rig:
        rig.probe.stuck.add("stuck-0")
        await _produce(rig.servers, rig.topic, [(0, b"stuck-0", _event("stuck-0"))])
        paused = "mtrack_consumer_paused_partitions"
        await eventually(lambda: _metric(paused, consumer=rig.consumer) == 1, timeout=30)
        # Partition 0 keeps failing (its connection killed each try); partitions 1 and 2 flow meanwhile.
        flowing = [(p, f"free-{p}-{i}".encode(), _event(f"free-{p}-{i}")) for p in (1, 2) for i in range(5)]
        await _produce(rig.servers, rig.topic, flowing)
        free = {f"free-{p}-{i}": 1 for p in (1, 2) for i in range(5)}
        await eventually(lambda: _equals(rig.rows(), free), timeout=30)
        transient = _metric("mtrack_consumer_retries_total", consumer=rig.consumer, kind="transient")
        assert transient >= 1
        await eventually(
            lambda: (
                _metric("mtrack_consumer_retries_total", consumer=rig.consumer, kind="transient")
                > transient + 2
            ),
            timeout=30,
        )  # still retrying well past the bounded tries of an unknown error: nothing dead-lettered
        assert await rig.dead_letters() == []
        rig.probe.stuck.clear()  # the fault is over
        await eventually(lambda: _equals(rig.rows(), free | {"stuck-0": 1}), timeout=30)
        await eventually(lambda: _metric(paused, consumer=rig.consumer) == 0, timeout=30)
        assert await rig.dead_letters() == []


@pytest.mark.parametrize("staged", [False, True], ids=["one-at-a-time", "staged"])
async def test_an_error_of_unknown_kind_is_permanent_after_bounded_tries(
    database_url: str, kafka_servers: str, staged: bool
) -> None:
    async with _rig(database_url, kafka_servers, staged=staged, max_tries=3) as rig:
        rig.probe.broken.add("odd")
        records = [(1, f"n-{i}".encode(), _event(f"n-{i}")) for i in range(4)]
        await _produce(rig.servers, rig.topic, [*records[:2], (1, b"odd", _event("odd")), *records[2:]])
        await eventually(lambda: _equals(rig.rows(), {f"n-{i}": 1 for i in range(4)}), timeout=60)
        (letter,) = await eventually(rig.dead_letters)
        assert letter.exception == "RuntimeError" and "cannot handle odd" in letter.reason
        assert _metric("mtrack_consumer_retries_total", consumer=rig.consumer, kind="transient") >= 2


async def test_an_oversize_record_is_dead_lettered_bounded_and_kept_whole(
    database_url: str, kafka_servers: str
) -> None:
    async with _rig(database_url, kafka_servers) as rig:
        huge = b'{"not": "an envelope", "pad": "' + "가".encode() * 500_000 + b'"}'  # ~1.5 MB
        await _produce(rig.servers, rig.topic, [(2, b"huge", huge), (2, b"next", _event("next"))])
        await eventually(lambda: _equals(rig.rows(), {"next": 1}), timeout=60)
        (letter,) = await eventually(rig.dead_letters)
        assert letter.stage == "decode" and letter.value == huge and letter.value_length == len(huge)
        (record,) = await read_json(rig.servers, rig.dead_topic, until=lambda got: len(got) >= 1)
        assert record["value"]["truncated"] and record["value"]["length"] == len(huge)
        assert len(record["value"]["text"].encode()) <= 64 * 1024
        assert "invalid envelope" in record["reason"]

        # replay: the original value back on its topic, once however often it is asked for
        sessions = make_sessionmaker(rig.engine)  # type: ignore[arg-type]
        producer = AIOKafkaProducer(
            bootstrap_servers=rig.servers, enable_idempotence=False, max_request_size=4 * 1024 * 1024
        )
        await producer.start()
        try:
            first = await replay(sessions, producer, str(letter.id))
            second = await replay(sessions, producer, str(letter.id))
        finally:
            await producer.stop()
        assert first.published and not second.published and "already replayed" in second.detail
        entries = [e for e in await list_entries(sessions) if e["id"] == str(letter.id)]
        assert entries and entries[0]["replayed_at"] is not None
        # the replayed value is read again (a new offset, so a second row); a marker after it proves
        # there is no third
        await _produce(rig.servers, rig.topic, [(2, b"marker", _event("marker"))])
        await eventually(lambda: _equals(rig.rows(), {"next": 1, "marker": 1}), timeout=60)
        letters = await rig.dead_letters()
        assert len(letters) == 2 and {d.value_sha256 for d in letters} == {letter.value_sha256}


async def test_the_milestones_service_dead_letters_a_nul_title_and_applies_the_rest(stack) -> None:  # type: ignore[no-untyped-def]
    """The real milestones handler (one transaction per batch) raising on one event: the loop isolates it."""
    from shared.events import Topics

    topics = Topics(stack.topics_prefix)
    tag = uuid.uuid4().hex[:6]
    good = [f"nul-ok-{tag}-{i}" for i in range(4)]
    records = [(0, s.encode(), _event(s)) for s in good[:2]]
    records += [(0, f"nul-{tag}".encode(), _event(f"nul-{tag}", title="제목\x00끝"))]
    records += [(0, s.encode(), _event(s)) for s in good[2:]]
    await _produce(stack.kafka_servers, topics.milestone_events, records)
    for subject in good:
        response = await eventually(lambda s=subject: _found(stack.milestones, s), timeout=60)
        assert response["id"] == subject
    dead = await read_json(
        stack.kafka_servers,
        topics.dead_letter,
        until=lambda got: any((d.get("key") or {}).get("text") == f"nul-{tag}" for d in got),
    )
    (mine,) = [d for d in dead if (d.get("key") or {}).get("text") == f"nul-{tag}"]
    assert mine["stage"] == "apply" and "22021" in mine["exception"]
    assert (await stack.milestones.get(f"/v1/milestones/nul-{tag}")).status_code == 404


async def _found(client, subject: str):  # type: ignore[no-untyped-def]
    response = await client.get(f"/v1/milestones/{subject}")
    return response.json() if response.status_code == 200 else None
