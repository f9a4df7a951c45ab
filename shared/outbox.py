"""Transactional outbox: events are written with the state change and relayed to Kafka afterwards."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import uuid
from datetime import datetime, timedelta

from aiokafka import AIOKafkaProducer
from sqlalchemy import BigInteger, DateTime, LargeBinary, String, Uuid, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base, created_at_column
from shared.events import Envelope, encode, record_key

log = logging.getLogger(__name__)
PRUNE_EVERY_SECONDS = 3600.0


class OutboxMessage(Base):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    producer: Mapped[str] = mapped_column(String(32), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    key: Mapped[bytes] = mapped_column(LargeBinary)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = created_at_column()
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


async def add_to_outbox(session: AsyncSession, *, producer: str, topic: str, envelope: Envelope) -> bool:
    """Queue `envelope` in the caller's transaction; False when the same event id is already queued."""
    stmt = (
        insert(OutboxMessage)
        .values(
            event_id=envelope.event_id,
            producer=producer,
            topic=topic,
            key=record_key(envelope),
            value=encode(envelope),
        )
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(OutboxMessage.id)
    )
    return (await session.execute(stmt)).first() is not None


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
        async with self._sessions() as session, session.begin():
            # One relay per producer at a time, whatever the replica count, so one milestone's events
            # leave in the order they were written.
            if not await session.scalar(select(func.pg_try_advisory_xact_lock(_lock_id(self._name)))):
                return 0
            rows = (
                await session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.producer == self._name, OutboxMessage.published_at.is_(None))
                    .order_by(OutboxMessage.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            sent = [await self._producer.send(row.topic, value=row.value, key=row.key) for row in rows]
            await asyncio.gather(*sent)
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([row.id for row in rows]))
                .values(published_at=datetime.now().astimezone())
            )
            return len(rows)

    async def run(self, stop: asyncio.Event) -> None:
        next_prune = 0.0
        while not stop.is_set():
            try:
                if time.monotonic() >= next_prune:
                    await self.prune_published(self._retention)
                    next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
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
