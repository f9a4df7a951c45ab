"""Kafka plumbing: producers, topic creation, and the one consumer loop every service uses."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from prometheus_client import Counter

from shared.events import DecodeError, Envelope, decode
from shared.settings import KafkaSettings

log = logging.getLogger(__name__)

DEAD_LETTERS = Counter(
    "mtrack_dead_letter_records_total", "Records sent to the dead-letter topic", ["consumer", "stage"]
)


def make_producer(settings: KafkaSettings) -> AIOKafkaProducer:
    # Idempotence stays off: the embedded tansu broker has no idempotent producer. Exactly-once effects
    # come from event ids, the outbox, and committing offsets after the database commit.
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        acks="all",
        enable_idempotence=False,
        linger_ms=5,
    )


async def ensure_topics(settings: KafkaSettings, topics: Sequence[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(t, settings.topic_partitions, settings.topic_replication)
            for t in topics
            if t not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another service created it meanwhile
                await admin.create_topics(missing)
    finally:
        await admin.close()


@dataclass(frozen=True)
class Rejected:
    """An event the handler refused (unknown milestone, impossible transition …), with the reason."""

    envelope: Envelope
    reason: str


BatchHandler = Callable[[list[Envelope]], Awaitable[list[Rejected]]]


class DeadLetters:
    """Writes a record no consumer could use, and why, to the dead-letter topic."""

    def __init__(self, producer: AIOKafkaProducer, topic: str, consumer: str) -> None:
        self._producer = producer
        self._topic = topic
        self._consumer = consumer

    async def send(self, record: ConsumerRecord, reason: str, stage: str) -> None:
        body = {
            "reason": reason,
            "stage": stage,
            "consumer": self._consumer,
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "key": _text_or_base64(record.key),
            "value": _text_or_base64(record.value),
            "failed_at": datetime.now(UTC).isoformat(),
        }
        value = json.dumps(body, ensure_ascii=False).encode()
        await self._producer.send_and_wait(self._topic, value=value, key=record.key)
        DEAD_LETTERS.labels(self._consumer, stage).inc()
        log.warning("dead-lettered %s[%s]@%s: %s", record.topic, record.partition, record.offset, reason)


def _text_or_base64(raw: bytes | None) -> dict[str, str] | None:
    if raw is None:
        return None
    try:
        return {"text": raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(raw).decode()}


class ConsumerLoop:
    """`getmany` batches, decode, hand valid events to the handler (one DB transaction), dead-letter
    the rest, and only then commit offset+1 per partition. A failing handler rewinds and retries."""

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        handler: BatchHandler,
        dead_letters: DeadLetters,
        *,
        max_records: int = 200,
        retry_seconds: float = 1.0,
    ) -> None:
        self._consumer = consumer
        self._handler = handler
        self._dead_letters = dead_letters
        self._max_records = max_records
        self._retry_seconds = retry_seconds

    async def run(self, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            batches = await self._consumer.getmany(timeout_ms=300, max_records=self._max_records)
            for tp, records in batches.items():
                try:
                    await self._process(tp, records)
                    failures = 0
                except Exception:
                    # Nothing is skipped: the batch is read again until it applies (the database or the
                    # mail server may be down); events that can never apply are dead-lettered by the handler.
                    failures += 1
                    delay = min(self._retry_seconds * 2 ** (failures - 1), 30.0)
                    log.exception(
                        "handler failed on %s; retrying from offset %s in %.1fs", tp, records[0].offset, delay
                    )
                    self._consumer.seek(tp, records[0].offset)
                    await asyncio.sleep(delay)

    async def _process(self, tp: TopicPartition, records: list[ConsumerRecord]) -> None:
        good: list[Envelope] = []
        by_event: dict[str, ConsumerRecord] = {}
        for record in records:
            try:
                envelope = decode(record.value)
            except DecodeError as err:
                await self._dead_letters.send(record, str(err), stage="decode")
                continue
            good.append(envelope)
            by_event[str(envelope.event_id)] = record
        rejected = await self._handler(good) if good else []
        for item in rejected:
            await self._dead_letters.send(by_event[str(item.envelope.event_id)], item.reason, stage="apply")
        await self._consumer.commit({tp: records[-1].offset + 1})


def make_consumer(settings: KafkaSettings, *, topic: str, group_id: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
