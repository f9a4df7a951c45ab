"""The hot path of a single status update (no Idempotency-Key): the ownership check and the outbox insert
as one SQL statement on a plain asyncpg pool, with **group commit**: the updates that arrive while a
statement is running wait for the next one, which checks and inserts all of them at once (one multi-row
`INSERT … SELECT` over `unnest` arrays, autocommit, so one COMMIT and one WAL flush for the group). Each
request awaits its own future and answers 202 only after that commit. Same rows and checks as the general
path (`service.publish` + `ownership`); anything unusual falls back to it.

Why asyncpg and not SQLAlchemy here: one prepared statement per group, no ORM or session per request
(measured: SQLAlchemy's session and result machinery cost more than the statement itself)."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Protocol

import asyncpg

from services.ingest.metrics import EVENTS
from services.ingest.service import PRODUCER, EventTooLarge, max_event_bytes
from shared.auth import Principal
from shared.clock import Clock
from shared.db import session_settings
from shared.events import Payload, Topics, encode, new_envelope, record_key
from shared.observe import current_request_id

log = logging.getLogger(__name__)

# One row per update: its position, milestone, event, record, and the owner texts its key may write for
# (a JSON array; NULL = every owner). An update is queued only for a known milestone its key may write.
STATEMENT = """
WITH req AS (
    SELECT * FROM unnest($1::int[], $2::text[], $3::uuid[], $4::text[], $5::bytea[], $6::bytea[], $7::text[])
        AS r(n, milestone_id, event_id, topic, key, value, allowed)
),
m AS (
    SELECT req.n, req.event_id, req.topic, req.key, req.value, im.id IS NOT NULL AS known, im.owner,
           (req.allowed IS NULL OR req.allowed::jsonb ? im.owner) AS permitted
    FROM req LEFT JOIN ingest_milestone im ON im.id = req.milestone_id
),
ins AS (
    INSERT INTO outbox_message (event_id, producer, topic, key, value)
    SELECT event_id, $8, topic, key, value FROM m WHERE known AND permitted ORDER BY n
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id
)
SELECT m.n, m.known, m.owner, EXISTS (SELECT 1 FROM ins WHERE ins.event_id = m.event_id) AS queued
FROM m ORDER BY m.n
"""

POOL_SIZE = 4
WRITERS = 2  # groups in flight at once: one forms while the other waits for its commit
MAX_GROUP = 500


class Fallback(Exception):
    """The fast path cannot decide; the general path answers."""


def dsn(database_url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _no_reset(conn: asyncpg.Connection) -> None:
    """The pool's default reset (`RESET ALL; UNLISTEN *; …`) is a round trip per release; these
    connections only run the autocommit statement above and keep no session state."""


async def make_pool(database_url: str) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn(database_url),
        min_size=1,
        max_size=POOL_SIZE,
        reset=_no_reset,
        server_settings=session_settings(),  # the services' statement timeout (shared/db.py)
    )


@dataclass(frozen=True)
class _Row:
    milestone_id: str
    event_id: uuid.UUID
    topic: str
    key: bytes
    value: bytes
    allowed: str | None


@dataclass(frozen=True)
class Answer:
    known: bool
    owner: str | None
    queued: bool


class GroupWriter:
    """Collects the updates of concurrent requests and writes each group in one statement (see above)."""

    def __init__(self, pool: asyncpg.Pool, *, writers: int = WRITERS, max_group: int = MAX_GROUP) -> None:
        self._pool = pool
        self._writers = writers
        self._max_group = max_group
        self._waiting: list[tuple[_Row, asyncio.Future[Answer]]] = []
        self._arrived = asyncio.Event()

    async def write(self, row: _Row) -> Answer:
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, future))
        self._arrived.set()
        return await asyncio.shield(future)  # a cancelled request still leaves its group intact

    async def run(self, stop: asyncio.Event) -> None:
        """The writer tasks, until `stop`; updates still waiting then are written before returning."""
        tasks = [asyncio.create_task(self._writer(stop)) for _ in range(self._writers)]
        try:
            await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            while self._waiting:
                await self._write_group()

    async def _writer(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            if not self._waiting:
                self._arrived.clear()
                await self._arrived.wait()
                continue
            await self._write_group()

    async def _write_group(self) -> None:
        group, self._waiting = self._waiting[: self._max_group], self._waiting[self._max_group :]
        rows = [row for row, _ in group]
        try:
            answers = await self._execute(rows)
        except (TimeoutError, OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError) as err:
            failure: BaseException = ConnectionError(f"database unreachable: {type(err).__name__}")
            failure.__cause__ = err
            answers = None
        except Exception as err:  # a value the statement refused: each update goes the general way
            log.warning("group of %d status updates fell back: %s", len(rows), str(err)[:200])
            failure, answers = Fallback(), None
        for n, (_, future) in enumerate(group):
            if future.done():
                continue
            if answers is None:
                future.set_exception(failure)
            else:
                future.set_result(answers[n])

    async def _execute(self, rows: list[_Row]) -> list[Answer]:
        async with self._pool.acquire() as conn:
            records = await conn.fetch(
                STATEMENT,
                list(range(len(rows))),
                [r.milestone_id for r in rows],
                [r.event_id for r in rows],
                [r.topic for r in rows],
                [r.key for r in rows],
                [r.value for r in rows],
                [r.allowed for r in rows],
                PRODUCER,
            )
        return [Answer(rec["known"], rec["owner"], rec["queued"]) for rec in records]


class IngestState(Protocol):
    """What the fast path reads of the ingest app's state."""

    topics: Topics
    clock: Clock


async def publish_status(
    writer: GroupWriter,
    principal: Principal,
    milestone_id: str,
    payload: Payload,
    *,
    state: IngestState,
) -> tuple[int, uuid.UUID | None]:
    """(202, event id), (404, None) or (403, None); raises Fallback when it cannot tell."""
    topic, clock = state.topics.milestone_events, state.clock
    envelope = new_envelope(
        payload,
        subject=milestone_id,
        source=PRODUCER,
        occurred_at=clock.now(),
        request_id=current_request_id(),
    )
    value = encode(envelope)
    if len(value) > max_event_bytes():
        raise EventTooLarge(milestone_id, len(value), max_event_bytes())
    answer = await writer.write(
        _Row(milestone_id, envelope.event_id, topic, record_key(envelope), value, _allowed(principal))
    )
    if not answer.known:
        return 404, None
    if answer.queued:
        EVENTS.labels(payload.TYPE).inc()
        return 202, envelope.event_id
    if principal.sees(answer.owner):
        raise Fallback()  # visible by a spelling the SQL list does not hold
    return 403, None


_ALLOWED: dict[frozenset[str], str] = {}


def _allowed(principal: Principal) -> str | None:
    """The key's owner texts as a JSON array (cached per set of departments), or None for every owner."""
    owners = principal.visible_owners()
    if owners is None:
        return None
    text = _ALLOWED.get(owners)
    if text is None:
        if len(_ALLOWED) > 1000:
            _ALLOWED.clear()
        text = _ALLOWED[owners] = json.dumps(sorted(owners), ensure_ascii=False)
    return text
