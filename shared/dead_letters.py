"""Dead letters: records no consumer could use, kept in full in PostgreSQL and announced, bounded, on the
dead-letter topic. Also lists them (with the outbox rows the broker refused) and replays one."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from prometheus_client import Counter
from sqlalchemy import (
    BigInteger,
    DateTime,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base, created_at_column

log = logging.getLogger(__name__)

VALUE_BOUND = 64 * 1024  # bytes of the value carried on the dead-letter topic; the table keeps all of it
KEY_BOUND = 1024
REASON_BOUND = 2000
STAGES = ("decode", "apply")

DEAD_LETTERS = Counter(
    "mtrack_dead_letter_records_total", "Records sent to the dead letters", ["consumer", "stage"]
)


class DeadLetter(Base):
    __tablename__ = "dead_letter"
    __table_args__ = (UniqueConstraint("consumer", "topic", "partition", "offset"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    consumer: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    exception: Mapped[str | None] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(249))
    partition: Mapped[int] = mapped_column(Integer)
    offset: Mapped[int] = mapped_column(BigInteger)
    key: Mapped[bytes | None] = mapped_column(LargeBinary)
    value: Mapped[bytes | None] = mapped_column(LargeBinary)
    value_length: Mapped[int] = mapped_column(Integer)
    value_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()
    replayed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def init_metrics(consumer: str) -> None:
    """Every stage's series exists at 0 before the first dead letter."""
    for stage in STAGES:
        DEAD_LETTERS.labels(consumer, stage)


def clean_text(text: str, bound: int = REASON_BOUND) -> str:
    """Reasons can quote input: no NUL (PostgreSQL refuses it in text), bounded length."""
    return text.replace("\x00", "\\x00")[:bound]


def bounded(raw: bytes | None, bound: int) -> dict[str, Any] | None:
    """The bytes as text (or base64 when not UTF-8), cut at `bound` bytes, with length and SHA-256."""
    if raw is None:
        return None
    cut = raw[:bound]
    body: dict[str, Any] = {"length": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
    try:
        raw.decode("utf-8")
        body["text"] = cut.decode("utf-8", errors="ignore")  # drops only a character split by the cut
    except UnicodeDecodeError:
        body["base64"] = base64.b64encode(cut).decode()
    body["truncated"] = len(cut) < len(raw)
    return body


@dataclass(frozen=True)
class Letter:
    consumer: str
    stage: str
    reason: str
    exception: str | None
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None

    def record(self, dead_letter_id: int | None) -> bytes:
        body = {
            "dead_letter_id": dead_letter_id,
            "reason": self.reason,
            "exception": self.exception,
            "stage": self.stage,
            "consumer": self.consumer,
            "topic": self.topic,
            "partition": self.partition,
            "offset": self.offset,
            "key": bounded(self.key, KEY_BOUND),
            "value": bounded(self.value, VALUE_BOUND),
            "failed_at": datetime.now(UTC).isoformat(),
        }
        return json.dumps(body, ensure_ascii=False).encode()


async def store(session: AsyncSession, letter: Letter) -> int:
    """The row for `letter` (one per consumer and record, so re-dead-lettering after a crash adds none)."""
    value = letter.value or b""
    inserted = await session.scalar(
        insert(DeadLetter)
        .values(
            consumer=letter.consumer,
            stage=letter.stage,
            reason=letter.reason,
            exception=letter.exception,
            topic=letter.topic,
            partition=letter.partition,
            offset=letter.offset,
            key=letter.key,
            value=letter.value,
            value_length=len(value),
            value_sha256=hashlib.sha256(value).hexdigest(),
        )
        .on_conflict_do_nothing(index_elements=["consumer", "topic", "partition", "offset"])
        .returning(DeadLetter.id)
    )
    if inserted is not None:
        return int(inserted)
    existing = await session.scalar(
        select(DeadLetter.id).where(
            DeadLetter.consumer == letter.consumer,
            DeadLetter.topic == letter.topic,
            DeadLetter.partition == letter.partition,
            DeadLetter.offset == letter.offset,
        )
    )
    return int(existing or 0)


async def list_entries(sessions: async_sessionmaker, *, limit: int = 100) -> list[dict[str, Any]]:  # type: ignore[type-arg]
    """Dead letters and quarantined outbox rows, newest first (`id` is `N` or `outbox:N`)."""
    from shared.outbox import OutboxMessage

    async with sessions() as session:
        letters = (
            await session.scalars(select(DeadLetter).order_by(DeadLetter.id.desc()).limit(limit))
        ).all()
        held = (
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.quarantined_at.is_not(None))
                .order_by(OutboxMessage.id.desc())
                .limit(limit)
            )
        ).all()
    entries = [
        {
            "id": str(d.id),
            "kind": "dead-letter",
            "at": d.created_at.isoformat(),
            "consumer": d.consumer,
            "stage": d.stage,
            "exception": d.exception,
            "reason": d.reason,
            "topic": d.topic,
            "partition": d.partition,
            "offset": d.offset,
            "key": _preview(d.key),
            "value_length": d.value_length,
            "value_sha256": d.value_sha256,
            "replayed_at": d.replayed_at.isoformat() if d.replayed_at else None,
        }
        for d in letters
    ]
    entries += [
        {
            "id": f"outbox:{m.id}",
            "kind": "outbox-quarantine",
            "at": m.quarantined_at.isoformat() if m.quarantined_at else None,
            "consumer": m.producer,
            "stage": "publish",
            "exception": None,
            "reason": m.quarantine_reason,
            "topic": m.topic,
            "partition": None,
            "offset": None,
            "key": _preview(m.key),
            "value_length": len(m.value),
            "value_sha256": hashlib.sha256(m.value).hexdigest(),
            "replayed_at": None,
        }
        for m in held
    ]
    entries.sort(key=lambda e: e["at"] or "", reverse=True)
    return entries[:limit]


def _preview(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    return raw[:80].decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Replayed:
    id: str
    published: bool
    detail: str


async def replay(
    sessions: async_sessionmaker,  # type: ignore[type-arg]
    producer: AIOKafkaProducer,
    entry_id: str,
) -> Replayed:
    """Publishes a dead letter's original value to its topic once (`replayed_at` marks it; a second
    replay publishes nothing). `outbox:N` releases a quarantined outbox row to the relay instead."""
    if entry_id.startswith("outbox:"):
        return await _release(sessions, int(entry_id.removeprefix("outbox:")))
    async with sessions() as session, session.begin():
        letter = await session.get(DeadLetter, int(entry_id), with_for_update=True)
        if letter is None:
            raise LookupError(f"no dead letter {entry_id}")
        if letter.replayed_at is not None:
            return Replayed(entry_id, False, f"already replayed at {letter.replayed_at.isoformat()}")
        if letter.stage == "apply":
            await _forget_rejection(session, letter.value)
        # Published while the row is locked: a concurrent replay waits, then sees replayed_at.
        await producer.send_and_wait(letter.topic, value=letter.value, key=letter.key)
        await session.execute(
            update(DeadLetter).where(DeadLetter.id == letter.id).values(replayed_at=datetime.now(UTC))
        )
    return Replayed(entry_id, True, f"published to {letter.topic}")


async def _forget_rejection(session: AsyncSession, value: bytes | None) -> None:
    """An event the core's rules refused (a status for a milestone not declared yet, a snooze too long) is
    marked processed as `rejected`, so a redelivery is not dead-lettered twice. A replay comes after a fix
    and must be applied, not deduplicated: the mark goes, in the replay's transaction. Poison events
    (their transaction rolled back) left no mark; applied ones keep theirs, so a replay stays idempotent."""
    try:
        event_id = uuid.UUID(str(json.loads(value or b"")["event_id"]))
    except (ValueError, KeyError, TypeError):
        return
    await session.execute(
        text("DELETE FROM processed_event WHERE event_id = :id AND outcome = 'rejected'"), {"id": event_id}
    )


async def _release(sessions: async_sessionmaker, row_id: int) -> Replayed:  # type: ignore[type-arg]
    from shared.outbox import OutboxMessage

    async with sessions() as session, session.begin():
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.quarantined_at.is_not(None))
            .values(quarantined_at=None, quarantine_reason=None)
            .returning(OutboxMessage.topic)
        )
        topic = result.scalar()
    if topic is None:
        return Replayed(f"outbox:{row_id}", False, "not quarantined (already released or unknown)")
    return Replayed(f"outbox:{row_id}", True, f"released to the outbox relay for {topic}")
