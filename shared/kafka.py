"""Kafka plumbing: producers, topic creation, and the one consumer loop every service uses."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from prometheus_client import Counter, Gauge
from sqlalchemy.ext.asyncio import async_sessionmaker

from shared.dead_letters import DEAD_LETTERS, KEY_BOUND, Letter, clean_text, init_metrics, store
from shared.events import DecodeError, Envelope, decode
from shared.failures import Failure, classify, describe, is_transient, reason
from shared.settings import KafkaSettings

log = logging.getLogger(__name__)


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


class Staged(Protocol):
    """A batch a handler applied in a transaction it keeps open until `commit` (or `abort`)."""

    async def commit(self) -> list[Rejected]: ...

    async def abort(self) -> None: ...


# Applies a batch up to (not including) its commit. A stager must let a batch staged while an earlier
# one is still open wait for that one's rows, never the reverse (see `handlers.stage_batch`).
BatchStager = Callable[[list[Envelope]], Coroutine[Any, Any, Staged]]


CONSUMER_RETRIES = Counter(
    "mtrack_consumer_retries_total",
    "Failed applies: transient (the records are read again after a backoff) or permanent (one event dead-lettered)",
    ["consumer", "kind"],
)
CONSUMER_LAG = Gauge(
    "mtrack_consumer_lag", "Records on the partition not yet processed", ["consumer", "topic", "partition"]
)
PAUSED_PARTITIONS = Gauge(
    "mtrack_consumer_paused_partitions", "Partitions paused while they back off", ["consumer"]
)


class DeadLetters:
    """Keeps a record no consumer could use in the `dead_letter` table (in full), then announces it on
    the dead-letter topic with the value bounded (length and SHA-256 always). Without `sessions` only
    the topic record is written."""

    def __init__(
        self,
        producer: AIOKafkaProducer,
        topic: str,
        consumer: str,
        *,
        sessions: async_sessionmaker | None = None,  # type: ignore[type-arg]
    ) -> None:
        self._producer = producer
        self._topic = topic
        self.consumer = consumer
        self._sessions = sessions
        init_metrics(consumer)

    async def send(
        self, record: ConsumerRecord, reason: str, stage: str, *, exception: str | None = None
    ) -> None:
        letter = Letter(
            consumer=self.consumer,
            stage=stage,
            reason=clean_text(reason),
            exception=exception,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            value=record.value,
        )
        row_id = None
        if self._sessions is not None:
            try:
                async with self._sessions() as session, session.begin():
                    row_id = await store(session, letter)
            except Exception as err:
                if is_transient(err):
                    raise  # the record is read again; nothing is committed past it
                log.exception(
                    "dead letter row for %s@%s refused; topic record only", record.topic, record.offset
                )
        key = record.key[:KEY_BOUND] if record.key is not None else None
        await self._producer.send_and_wait(self._topic, value=letter.record(row_id), key=key)
        DEAD_LETTERS.labels(self.consumer, stage).inc()
        log.warning(
            "dead-lettered %s[%s]@%s (row %s): %s",
            record.topic,
            record.partition,
            record.offset,
            row_id,
            reason,
        )


class Retry(Exception):
    """The partition's records are read again after a backoff (nothing was skipped)."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.cause = cause


@dataclass
class _Poison:
    envelope: Envelope
    error: BaseException


@dataclass
class _Batch:
    """One partition's records from one `getmany`, decoded."""

    tp: TopicPartition
    records: list[ConsumerRecord]
    good: list[Envelope] = field(default_factory=list)
    bad: list[tuple[ConsumerRecord, DecodeError]] = field(default_factory=list)
    _by_event: dict[uuid.UUID, ConsumerRecord] = field(default_factory=dict)
    _by_object: dict[int, ConsumerRecord] = field(default_factory=dict)  # one event id twice: each its own

    @classmethod
    def read(cls, tp: TopicPartition, records: list[ConsumerRecord]) -> _Batch:
        batch = cls(tp, records)
        for record in records:
            try:
                envelope = decode(record.value)
            except DecodeError as err:
                batch.bad.append((record, err))
                continue
            batch.good.append(envelope)
            batch._by_event[envelope.event_id] = batch._by_object[id(envelope)] = record
        return batch

    def record_of(self, envelope: Envelope) -> ConsumerRecord:
        return self._by_object.get(id(envelope)) or self._by_event[envelope.event_id]


@dataclass
class _Ahead:
    """A batch being staged (its transaction open) while the one before it commits."""

    batch: _Batch
    task: asyncio.Task[Staged]


class ConsumerLoop:
    """`getmany` batches, decode, hand valid events to the handler (one DB transaction), dead-letter
    the rest, and only then commit offset+1 per partition.

    A failing apply is classified (`shared.failures`). Transient: the partition is paused, rewound and
    resumed after its own backoff (unbounded) while the other partitions keep flowing; nothing is
    dead-lettered. Permanent (or unknown after `max_tries` tries at the same offset): the batch is
    re-applied in halves until the event(s) that fail alone are found; those are dead-lettered with
    the reason and exception class, the rest applied, and the consumer moves on."""

    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        handler: BatchHandler,
        dead_letters: DeadLetters,
        *,
        max_records: int = 200,
        retry_seconds: float = 1.0,
        max_retry_seconds: float = 30.0,
        max_tries: int = 3,
        stage: BatchStager | None = None,
    ) -> None:
        self._consumer = consumer
        self._handler = handler
        self._stage = stage
        self._dead_letters = dead_letters
        self._name = dead_letters.consumer
        self._max_records = max_records
        self._retry_seconds = retry_seconds
        self._max_retry_seconds = max_retry_seconds
        self._max_tries = max_tries
        self._paused: dict[TopicPartition, float] = {}  # resume at (monotonic)
        self._failures: dict[TopicPartition, int] = {}
        self._strikes: dict[tuple[TopicPartition, int], int] = {}
        self._lag_at = 0.0
        for kind in ("transient", "permanent"):
            CONSUMER_RETRIES.labels(self._name, kind)
        PAUSED_PARTITIONS.labels(self._name).set(0)

    @property
    def joined(self) -> bool:
        """The consumer is in its group: it has partitions, or a generation (more members than partitions)."""
        if self._consumer.assignment():
            return True
        coordinator = getattr(self._consumer, "_coordinator", None)
        return bool(coordinator is not None and getattr(coordinator, "generation", -1) > 0)

    async def ready_check(self) -> None:
        if not self.joined:
            raise RuntimeError("consumer has not joined its group yet")

    async def run(self, stop: asyncio.Event) -> None:
        ahead: _Ahead | None = None
        try:
            while not stop.is_set():
                self._resume_due()
                timeout = 0 if ahead else 300  # a staged batch waits for no more than what is there
                batches = await self._consumer.getmany(timeout_ms=timeout, max_records=self._max_records)
                if ahead is not None and not any(batches.values()):
                    await self._settle(ahead, None)
                    ahead = None
                for tp, records in batches.items():
                    if records and tp not in self._paused:
                        ahead = await self._take(_Batch.read(tp, records), ahead)
                await self._update_lag()
            if ahead is not None:
                await self._settle(ahead, None)
                ahead = None
        finally:
            await self._drop(ahead, cancel=True)

    async def _take(self, batch: _Batch, ahead: _Ahead | None) -> _Ahead | None:
        """Stages `batch`, then settles the batch staged before it; returns what is staged now."""
        if self._stage is None or batch.bad or batch.tp in self._failures:  # a failing one goes alone
            if ahead is not None:
                await self._settle(ahead, None)
            await self._one(batch)
            return None
        staging = _Ahead(batch, asyncio.create_task(self._stage(batch.good)))
        try:
            settled = ahead is None or await self._settle(ahead, staging)
        except BaseException:  # cancelled (the service stops): nothing of `staging` is kept
            await self._drop(staging, cancel=True)
            raise
        return staging if settled else None

    async def _settle(self, ahead: _Ahead, after: _Ahead | None) -> bool:
        """Commits and acknowledges `ahead`. If that fails, `after` (staged behind it) is rolled back,
        and both go the one-at-a-time way (`after` not, if its partition now backs off: it is read again)."""
        batch = ahead.batch
        try:
            rejected = await (await ahead.task).commit()
        except Exception as err:
            log.info("%s: staged batch on %s failed (%s); applying it alone", self._name, batch.tp, err)
            await self._drop(after)
            await self._one(batch)
            await self._redo(after)
            return False
        try:
            await self._acknowledge(batch, rejected, [])
        except Exception as err:
            await self._drop(after)
            self._back_off(batch, err)
            await self._redo(after)
            return False
        self._succeeded(batch.tp)
        return True

    async def _drop(self, ahead: _Ahead | None, *, cancel: bool = False) -> None:
        """Gives a staged batch up: its transaction rolls back (a failed staging rolled back already)."""
        if ahead is None:
            return
        if cancel:
            ahead.task.cancel()
        with contextlib.suppress(BaseException):
            await (await ahead.task).abort()

    async def _redo(self, ahead: _Ahead | None) -> None:
        if ahead is not None and ahead.batch.tp not in self._paused:
            await self._one(ahead.batch)

    async def _one(self, batch: _Batch) -> None:
        try:
            await self._process(batch)
        except Exception as err:
            self._back_off(batch, err)
        else:
            self._succeeded(batch.tp)

    def _succeeded(self, tp: TopicPartition) -> None:
        self._failures.pop(tp, None)
        self._strikes = {k: v for k, v in self._strikes.items() if k[0] != tp}

    def _back_off(self, batch: _Batch, err: Exception) -> None:
        """Pauses `batch`'s partition and rewinds it to the batch's first record (never skip: the
        records are read again; a `Retry` is a known transient, anything else is wrapped as one)."""
        tp, offset = batch.tp, batch.records[0].offset
        retry = err if isinstance(err, Retry) else Retry(err)
        failures = self._failures[tp] = self._failures.get(tp, 0) + 1
        delay = min(self._retry_seconds * 2 ** (failures - 1), self._max_retry_seconds)
        CONSUMER_RETRIES.labels(self._name, "transient").inc()
        log.warning(
            "%s: apply failed on %s (try %d): %s; partition paused, retrying from offset %s in %.1fs",
            self._name, tp, failures, retry, offset, delay,
            exc_info=retry.cause if failures == 1 else None,
        )  # fmt: skip
        with contextlib.suppress(Exception):  # a partition revoked meanwhile is simply not ours anymore
            self._consumer.seek(tp, offset)
            self._consumer.pause(tp)
            self._paused[tp] = time.monotonic() + delay
        PAUSED_PARTITIONS.labels(self._name).set(len(self._paused))

    def _resume_due(self) -> None:
        if not self._paused:
            return
        now = time.monotonic()
        assigned = self._consumer.assignment()
        for tp, at in list(self._paused.items()):
            if tp not in assigned:
                del self._paused[tp]
            elif at <= now:
                with contextlib.suppress(Exception):
                    self._consumer.resume(tp)
                del self._paused[tp]
        PAUSED_PARTITIONS.labels(self._name).set(len(self._paused))

    async def _process(self, batch: _Batch) -> None:
        for record, err in batch.bad:
            await self._dead_letters.send(record, str(err), stage="decode", exception="DecodeError")
        good = batch.good
        rejected, poison = await self._apply(batch.tp, batch.records[0].offset, good) if good else ([], [])
        await self._acknowledge(batch, rejected, poison)

    async def _acknowledge(self, batch: _Batch, rejected: list[Rejected], poison: list[_Poison]) -> None:
        """Dead-letters the refused and poison events, then commits the partition's offset."""
        for item in rejected:
            await self._dead_letters.send(batch.record_of(item.envelope), item.reason, stage="apply")
        for bad in poison:
            CONSUMER_RETRIES.labels(self._name, "permanent").inc()
            name = describe(bad.error)
            await self._dead_letters.send(
                batch.record_of(bad.envelope), reason(bad.error), stage="apply", exception=name
            )
        await self._consumer.commit({batch.tp: batch.records[-1].offset + 1})

    async def _apply(
        self, tp: TopicPartition, offset: int, envelopes: list[Envelope]
    ) -> tuple[list[Rejected], list[_Poison]]:
        try:
            return await self._handler(envelopes), []
        except Exception as err:
            kind = classify(err)
            if kind is Failure.TRANSIENT:
                raise Retry(err) from err
            if kind is Failure.UNKNOWN:
                strikes = self._strikes[tp, offset] = self._strikes.get((tp, offset), 0) + 1
                if strikes < self._max_tries:
                    raise Retry(err) from err
            first = err
        log.warning(
            "%s: %s on %s@%s; isolating the event(s) that cause it", self._name, reason(first), tp, offset
        )
        rejected, poison = await self._isolate(envelopes, first)
        if len(envelopes) > 1 and len(poison) == len(envelopes) and classify(first) is Failure.UNKNOWN:
            # Every event fails alone with an error of unknown kind: not the events' fault, the service's.
            raise Retry(first)
        return rejected, poison

    async def _isolate(
        self, envelopes: list[Envelope], known: BaseException | None = None
    ) -> tuple[list[Rejected], list[_Poison]]:
        """Applies `envelopes` in order, in halves down to single events; the ones that fail alone are poison."""
        if known is None:
            try:
                return await self._handler(envelopes), []
            except Exception as err:
                if is_transient(err):
                    raise Retry(err) from err
                known = err
        if len(envelopes) == 1:
            return [], [_Poison(envelopes[0], known)]
        middle = len(envelopes) // 2
        left_rejected, left_poison = await self._isolate(envelopes[:middle])
        right_rejected, right_poison = await self._isolate(envelopes[middle:])
        return left_rejected + right_rejected, left_poison + right_poison

    async def _update_lag(self) -> None:
        if time.monotonic() < self._lag_at:
            return
        self._lag_at = time.monotonic() + 2.0
        for tp in self._consumer.assignment():
            highwater = self._consumer.highwater(tp)
            if highwater is None:
                continue
            with contextlib.suppress(Exception):
                position = await self._consumer.position(tp)
                CONSUMER_LAG.labels(self._name, tp.topic, str(tp.partition)).set(max(0, highwater - position))


def make_consumer(settings: KafkaSettings, *, topic: str, group_id: str, **options: int) -> AIOKafkaConsumer:
    """`options` are further AIOKafkaConsumer settings (a service's fetch sizes, …)."""
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        # A killed replica's partitions move on after 6 s (Kafka's minimum) rather than 10 s; heartbeats
        # run in the background, so a long batch does not miss them.
        session_timeout_ms=6000,
        heartbeat_interval_ms=1500,
        **options,
    )
