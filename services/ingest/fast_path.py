"""The hot path of a single status update (no Idempotency-Key): the ownership check and the outbox insert
as one SQL statement on a plain asyncpg pool, so an update costs one round trip to PostgreSQL (autocommit:
one statement is one transaction). Same rows and checks as the general path (`service.publish` +
`ownership`); anything unusual falls back to it."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from services.ingest.metrics import EVENTS
from services.ingest.service import PRODUCER, EventTooLarge, max_event_bytes
from shared.auth import Principal
from shared.clock import Clock
from shared.events import Payload, encode, new_envelope, record_key
from shared.observe import current_request_id

STATEMENT = """
WITH m AS (SELECT owner FROM ingest_milestone WHERE id = $1),
ins AS (
    INSERT INTO outbox_message (event_id, producer, topic, key, value)
    SELECT $2, $3, $4, $5, $6 FROM m WHERE $7::text[] IS NULL OR m.owner = ANY($7::text[])
    ON CONFLICT (event_id) DO NOTHING
    RETURNING id
)
SELECT EXISTS (SELECT 1 FROM m) AS known, (SELECT owner FROM m) AS owner, (SELECT count(*) FROM ins) AS queued
"""


POOL_SIZE = 32  # commits wait for the WAL flush: concurrent ones share it, so more in flight = more per flush


class Fallback(Exception):
    """The fast path cannot decide; the general path answers."""


def dsn(database_url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


async def make_pool(database_url: str) -> asyncpg.Pool:
    return await asyncpg.create_pool(dsn(database_url), min_size=1, max_size=POOL_SIZE)


async def publish_status(
    pool: asyncpg.Pool,
    principal: Principal,
    milestone_id: str,
    payload: Payload,
    *,
    topic: str,
    clock: Clock,
    event_id: uuid.UUID | None = None,
) -> tuple[int, uuid.UUID | None]:
    """(202, event id), (404, None) or (403, None); raises Fallback when it cannot tell."""
    envelope = new_envelope(
        payload,
        subject=milestone_id,
        source=PRODUCER,
        occurred_at=clock.now(),
        event_id=event_id,
        request_id=current_request_id(),
    )
    value = encode(envelope)
    if len(value) > max_event_bytes():
        raise EventTooLarge(milestone_id, len(value), max_event_bytes())
    owners = principal.visible_owners()
    row = await _fetch(
        pool,
        milestone_id,
        envelope.event_id,
        PRODUCER,
        topic,
        record_key(envelope),
        value,
        sorted(owners) if owners is not None else None,
    )
    if not row["known"]:
        return 404, None
    if row["queued"]:
        EVENTS.labels(payload.TYPE).inc()
        return 202, envelope.event_id
    if principal.sees(row["owner"]):
        raise Fallback()  # visible by a spelling the SQL list does not hold, or the event was queued before
    return 403, None


async def _fetch(pool: asyncpg.Pool, *args: Any) -> asyncpg.Record:
    try:
        async with pool.acquire() as conn:
            return await conn.fetchrow(STATEMENT, *args)
    except (TimeoutError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError) as err:
        raise ConnectionError(f"database unreachable: {type(err).__name__}") from err
