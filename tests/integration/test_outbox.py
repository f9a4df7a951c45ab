"""Outbox housekeeping on the real database: only published rows past retention are pruned."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from shared.db import make_engine, make_sessionmaker
from shared.outbox import OutboxMessage, OutboxRelay


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
