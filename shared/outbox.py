"""Transactional outbox: events are written with the state change and relayed to Kafka afterwards."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

import asyncpg
from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    CorruptRecordException,
    InvalidTopicError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
    TopicAuthorizationFailedError,
)
from prometheus_client import Counter, Gauge
from sqlalchemy import (
    BigInteger,
    DateTime,
    Index,
    LargeBinary,
    String,
    Text,
    Uuid,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base, created_at_column
from shared.events import Envelope, encode, record_key

log = logging.getLogger(__name__)
PRUNE_EVERY_SECONDS = 3600.0
BACKLOG_EVERY_SECONDS = 5.0

QUARANTINED = Counter(
    "mtrack_outbox_quarantined_total", "Outbox rows the broker permanently refused", ["producer"]
)
PENDING_ROWS = Gauge("mtrack_outbox_pending_rows", "Outbox rows not yet published", ["producer"])
OLDEST_PENDING = Gauge(
    "mtrack_outbox_oldest_pending_age_seconds", "Age of the oldest unpublished outbox row", ["producer"]
)

# Refusals that no retry changes: the record itself is the problem (size, topic name, …).
PERMANENT_PUBLISH_ERRORS: tuple[type[Exception], ...] = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    RecordListTooLargeError,
    InvalidTopicError,
    TopicAuthorizationFailedError,
    CorruptRecordException,
)


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    # The relay's queue: only the rows still to publish, in its order (migration a12_outbox_pending).
    __table_args__ = (
        Index(
            "ix_outbox_message_pending",
            "producer",
            "id",
            postgresql_where=text("published_at IS NULL AND quarantined_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    producer: Mapped[str] = mapped_column(String(32))  # no index of its own (migration a14)
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[bytes] = mapped_column(LargeBinary)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = created_at_column()
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # A row the broker permanently refused (too large …): kept, skipped by the relay, listed by
    # `mtrack dead-letters list`, released again by `mtrack dead-letters replay outbox:ID`.
    quarantined_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    quarantine_reason: Mapped[str | None] = mapped_column(Text)


# The one writer of outbox rows: a batch of envelopes → one INSERT (unnest over three arrays), in the
# caller's transaction. `$1` producer, `$2` topic, `$3` event ids, `$4` keys, `$5` values; RETURNING the
# ids newly queued (an id already queued is left alone). A caller that must add a condition in the same
# statement (ingest's fast path: the ownership check) can embed OUTBOX_INSERT in a CTE with these params.
OUTBOX_INSERT = """INSERT INTO outbox_message (event_id, producer, topic, key, value)
    SELECT u.event_id, $1, $2, u.key, u.value FROM unnest($3::uuid[], $4::bytea[], $5::bytea[]) AS u(event_id, key, value)
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id"""


def outbox_arrays(envelopes: Sequence[Envelope]) -> tuple[list[uuid.UUID], list[bytes], list[bytes]]:
    """The event ids, record keys and encoded values of `envelopes` (OUTBOX_INSERT's `$3`–`$5`)."""
    return [e.event_id for e in envelopes], [record_key(e) for e in envelopes], [encode(e) for e in envelopes]


async def queue_envelopes(
    pg: asyncpg.Connection, *, producer: str, topic: str, envelopes: Sequence[Envelope]
) -> set[uuid.UUID]:
    """Queues `envelopes` with one INSERT in `pg`'s open transaction; returns the event ids newly queued."""
    if not envelopes:
        return set()
    rows = await pg.fetch(OUTBOX_INSERT, producer, topic, *outbox_arrays(envelopes))
    return {r["event_id"] for r in rows}


async def add_to_outbox(session: AsyncSession, *, producer: str, topic: str, envelope: Envelope) -> bool:
    """Queue `envelope` in the session's transaction (the same writer, on the session's connection);
    False when the same event id is already queued."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    queued = await queue_envelopes(
        raw.driver_connection, producer=producer, topic=topic, envelopes=[envelope]
    )
    return envelope.event_id in queued


# The relay's read: the next unpublished, unquarantined rows of `$1` (the producer), oldest first.
PENDING_SELECT = """SELECT id, topic, key, value FROM outbox_message
    WHERE producer = $1 AND published_at IS NULL AND quarantined_at IS NULL
    ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED"""


def _lock_id(producer: str) -> int:
    return int.from_bytes(hashlib.sha1(f"mtrack-outbox:{producer}".encode()).digest()[:8], "big", signed=True)


class OutboxRelay:
    """Publishes unpublished rows in the order they were written. Every replica runs one; an advisory
    lock lets one at a time publish, so a second replica is a hot standby, not a reorderer."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker,  # type: ignore[type-arg]
        producer: AIOKafkaProducer,
        name: str,
        batch_size: int = 200,
        idle_seconds: float = 0.5,
        retention: timedelta = timedelta(days=7),
    ) -> None:
        self._sessions = sessions
        self._producer = producer
        self._name = name
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self._retention = retention
        self._wake = asyncio.Event()
        QUARANTINED.labels(name)
        PENDING_ROWS.labels(name)
        OLDEST_PENDING.labels(name)

    async def prune_published(self, older_than: timedelta) -> int:
        """Deletes this producer's published rows older than `older_than`; unpublished rows are never touched."""
        cutoff = datetime.now().astimezone() - older_than
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(OutboxMessage).where(
                    OutboxMessage.producer == self._name,
                    OutboxMessage.published_at.is_not(None),
                    OutboxMessage.published_at < cutoff,
                )
            )
        return int(getattr(result, "rowcount", 0) or 0)

    def wake(self) -> None:
        """Called after a commit that queued events, so they leave without waiting for the next poll."""
        self._wake.set()

    async def publish_pending(self) -> int:
        """Publishes the next batch in order; returns the rows done (published or quarantined).
        A permanent refusal quarantines that row and the relay goes on; a transient error raises after
        marking the rows before it, so later rows never overtake an earlier one.
        Set-based on asyncpg (one SELECT, one UPDATE per outcome), no ORM objects: the relay shares
        the service's process and event loop with the consumer, so its per-row cost is the apply's."""
        engine = self._sessions.kw["bind"]
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            pg: asyncpg.Connection = raw.driver_connection
            async with pg.transaction():
                # One relay per producer at a time, whatever the replica count, so one milestone's
                # events leave in the order they were written.
                if not await pg.fetchval("SELECT pg_try_advisory_xact_lock($1)", _lock_id(self._name)):
                    return 0
                rows = await pg.fetch(PENDING_SELECT, self._name, self._batch_size)
                if not rows:
                    return 0
                outcomes = await self._send_in_order(rows)
                published: list[int] = []
                refused: list[tuple[int, str]] = []
                failure: BaseException | None = None
                for row, outcome in zip(rows, outcomes, strict=False):
                    if outcome is None:
                        published.append(row["id"])
                    elif isinstance(outcome, PERMANENT_PUBLISH_ERRORS):
                        refused.append((row["id"], f"{type(outcome).__name__}: {outcome}"[:2000]))
                    else:
                        failure = outcome
                        break  # rows after it are sent again next time (consumers are idempotent)
                if published:
                    await pg.execute(
                        "UPDATE outbox_message SET published_at = now() WHERE id = ANY($1::bigint[])",
                        published,
                    )
                if refused:
                    await pg.execute(
                        """UPDATE outbox_message o SET quarantined_at = now(), quarantine_reason = r.reason
                           FROM unnest($1::bigint[], $2::text[]) AS r(id, reason) WHERE o.id = r.id""",
                        [row_id for row_id, _ in refused],
                        [reason for _, reason in refused],
                    )
        for row_id, reason in refused:
            QUARANTINED.labels(self._name).inc()
            log.error("outbox %s: row %s quarantined: %s", self._name, row_id, reason)
        if failure is not None:
            if not published and not refused:
                raise failure
            log.warning(
                "outbox %s: publish interrupted after %d rows: %s", self._name, len(published), failure
            )
        return len(published) + len(refused)

    async def _send_in_order(self, rows: Sequence[asyncpg.Record]) -> list[BaseException | None]:
        """Queues the rows one after the other (so they leave in order), then waits for every delivery.
        `send` itself raises for a record over the producer's max request size; the delivery future
        for what the broker refuses."""
        queued: list[asyncio.Future[object] | BaseException] = []
        for row in rows:
            try:
                queued.append(await self._producer.send(row["topic"], value=row["value"], key=row["key"]))
            except PERMANENT_PUBLISH_ERRORS as err:
                queued.append(err)
            except Exception as err:
                queued.append(err)
                break
        outcomes: list[BaseException | None] = []
        for item in queued:
            if isinstance(item, BaseException):
                outcomes.append(item)
                continue
            try:
                await item
                outcomes.append(None)
            except Exception as err:
                outcomes.append(err)
        return outcomes

    async def update_backlog(self) -> None:
        """The backlog gauges: one indexed query for this producer's unpublished, unquarantined rows."""
        async with self._sessions() as session:
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(OutboxMessage.created_at)).where(
                        OutboxMessage.producer == self._name,
                        OutboxMessage.published_at.is_(None),
                        OutboxMessage.quarantined_at.is_(None),
                    )
                )
            ).one()
        PENDING_ROWS.labels(self._name).set(count)
        age = (datetime.now().astimezone() - oldest).total_seconds() if oldest is not None else 0.0
        OLDEST_PENDING.labels(self._name).set(max(0.0, age))

    async def run(self, stop: asyncio.Event) -> None:
        next_prune = next_backlog = 0.0
        while not stop.is_set():
            try:
                if time.monotonic() >= next_prune:
                    await self.prune_published(self._retention)
                    next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
                if time.monotonic() >= next_backlog:
                    next_backlog = time.monotonic() + BACKLOG_EVERY_SECONDS
                    await self.update_backlog()
                published = await self.publish_pending()
            except Exception:
                log.exception("outbox relay %s failed; retrying", self._name)
                published = 0
                await asyncio.sleep(1.0)
            if published:
                continue
            self._wake.clear()
            waiters = {asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())}
            _, pending = await asyncio.wait(
                waiters, timeout=self._idle_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending:
                task.cancel()


async def republish_retained(sessions: async_sessionmaker) -> int:  # type: ignore[type-arg]
    """Marks every published, still retained row unpublished, so the relays publish it again in its
    original order (for a new, empty broker: `mtrack run`'s in-memory one after a restart).
    Quarantined rows stay set aside. Returns how many rows were queued again."""
    async with sessions() as session, session.begin():
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.published_at.is_not(None), OutboxMessage.quarantined_at.is_(None))
            .values(published_at=None)
        )
    return int(getattr(result, "rowcount", 0) or 0)
