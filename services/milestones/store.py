"""Set-based reads and writes of the milestones core, one statement per table whatever the batch size.

asyncpg directly (inside an explicit transaction on a connection of the service's SQLAlchemy pool):
`unnest` over one array per column turns a batch into rows server-side, so 2,000 rows cost one round
trip and no per-row ORM work (the ORM path cost 6–7 statements per event)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import fields
from datetime import date, datetime

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from services.milestones.domain import Milestone
from services.milestones.rules import AlertDue, HistoryRow
from shared.clock import SEOUL
from shared.events import EVENT_TYPES, AlertPayload, Envelope, encode, new_envelope, record_key

PRODUCER = "milestones"

# column → PostgreSQL type of its unnest array (jsonb travels as text and is cast per row)
COLUMNS: dict[str, str] = {
    "id": "text",
    "title": "text",
    "section": "jsonb",
    "kind": "text",
    "expr": "text",
    "line": "int",
    "part": "text",
    "starts_date": "date",
    "due_date": "date",
    "owner": "text",
    "target": "jsonb",
    "plan_key": "text",
    "plan_version": "int",
    "state": "text",
    "reported_status": "text",
    "done_date": "date",
    "on_time": "bool",
    "baseline_due": "date",
    "health": "text",
    "progress": "int",
    "expected_date": "date",
    "delay_reason": "text",
    "last_update_at": "timestamptz",
    "acknowledged_at": "timestamptz",
    "snoozed_until": "date",
    "next_check_date": "date",
    "reminder_due": "date",
    "reminder_on": "date",
    "escalated_due": "date",
    "created_at": "timestamptz",
    "updated_at": "timestamptz",
}
assert list(COLUMNS) == [f.name for f in fields(Milestone)]
SELECT_COLUMNS = ", ".join(COLUMNS)
JSON_COLUMNS = frozenset(c for c, t in COLUMNS.items() if t == "jsonb")
# what a reader of the milestone (API, ICS feed) sees: updated_at moves only when one of these does
VISIBLE = tuple(
    c for c in COLUMNS if c not in ("next_check_date", "reminder_due", "reminder_on", "updated_at")
)


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[asyncpg.Connection]:
    """One asyncpg transaction on a pooled connection: commits on exit, rolls back on any exception."""
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        pg: asyncpg.Connection = raw.driver_connection
        async with pg.transaction():
            yield pg


def _row(record: asyncpg.Record) -> Milestone:
    m = Milestone(*record)  # SELECT_COLUMNS is in field order (checked above)
    for column in JSON_COLUMNS:
        value = m.__dict__[column]
        if isinstance(value, str):
            m.__dict__[column] = json.loads(value)
    if m.section is None:
        m.__dict__["section"] = []
    return m


async def first_seen(pg: asyncpg.Connection, envelopes: Sequence[Envelope]) -> set[uuid.UUID]:
    """Records the batch's event ids; returns those never seen before (one statement)."""
    rows = await pg.fetch(
        """INSERT INTO processed_event (event_id, event_type, outcome)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])
           ON CONFLICT DO NOTHING RETURNING event_id""",
        [e.event_id for e in envelopes],
        [e.type for e in envelopes],
        ["applied"] * len(envelopes),
    )
    return {r["event_id"] for r in rows}


async def mark_outcome(pg: asyncpg.Connection, event_ids: Sequence[uuid.UUID], outcome: str) -> None:
    if event_ids:
        await pg.execute(
            "UPDATE processed_event SET outcome = $2 WHERE event_id = ANY($1::uuid[])",
            list(event_ids),
            outcome,
        )


async def lock(pg: asyncpg.Connection, ids: Sequence[str]) -> dict[str, Milestone]:
    """The stored milestones among `ids`, locked until commit (in id order, so batches cannot deadlock)."""
    rows = await pg.fetch(
        f"SELECT {SELECT_COLUMNS} FROM milestone WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE",
        list(ids),
    )
    return {r["id"]: _row(r) for r in rows}


async def due_for_check(pg: asyncpg.Connection, today: date, limit: int) -> list[Milestone]:
    """Milestones whose check day has come, through the partial index; rows another replica is
    sweeping are skipped (SKIP LOCKED), so two sweeps never evaluate one row twice."""
    rows = await pg.fetch(
        f"""SELECT {SELECT_COLUMNS} FROM milestone WHERE next_check_date <= $1
            ORDER BY next_check_date LIMIT $2 FOR UPDATE SKIP LOCKED""",
        today,
        limit,
    )
    return [_row(r) for r in rows]


async def write_milestones(pg: asyncpg.Connection, rows: Sequence[Milestone], now: datetime) -> None:
    """Upserts whole rows (one statement); `updated_at` becomes `now` where a visible column changed."""
    if not rows:
        return
    arrays = []
    dicts = [m.__dict__ for m in rows]
    for column in COLUMNS:
        values = [now] * len(dicts) if column == "updated_at" else [d[column] for d in dicts]
        if column in JSON_COLUMNS:
            values = [None if v is None else json.dumps(v, ensure_ascii=False) for v in values]
        arrays.append(values)
    casts = ", ".join(f"${i}::{'text' if t == 'jsonb' else t}[]" for i, t in enumerate(COLUMNS.values(), 1))
    select = ", ".join(f"u.{c}::jsonb" if c in JSON_COLUMNS else f"u.{c}" for c in COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS if c not in ("id", "created_at", "updated_at"))
    await pg.execute(
        f"""INSERT INTO milestone ({SELECT_COLUMNS})
            SELECT {select} FROM unnest({casts}) AS u({SELECT_COLUMNS})
            ON CONFLICT (id) DO UPDATE SET {updates}, updated_at = {_touched("milestone", "EXCLUDED")}""",
        *arrays,
    )


def _touched(old: str, new: str) -> str:
    """`updated_at` moves only when a column a reader sees changed (the ICS feed's SEQUENCE uses it)."""
    before = ", ".join(f"{old}.{c}" for c in VISIBLE)
    after = ", ".join(f"{new}.{c}" for c in VISIBLE)
    return f"CASE WHEN ({before}) IS DISTINCT FROM ({after}) THEN {new}.updated_at ELSE {old}.updated_at END"


EVALUATED = {
    "state": "text",
    "on_time": "bool",
    "health": "text",
    "next_check_date": "date",
    "reminder_due": "date",
    "reminder_on": "date",
    "escalated_due": "date",
    "updated_at": "timestamptz",
}


async def write_evaluated(pg: asyncpg.Connection, rows: Sequence[Milestone], now: datetime) -> None:
    """Writes back what `rules.evaluate` computes (the sweep changes nothing else): one UPDATE."""
    if not rows:
        return
    dicts = [m.__dict__ for m in rows]
    arrays = [[d["id"] for d in dicts]] + [
        [now if c == "updated_at" else d[c] for d in dicts] for c in EVALUATED
    ]
    casts = ", ".join(f"${i}::{t}[]" for i, t in enumerate(["text", *EVALUATED.values()], 1))
    sets = ", ".join(f"{c} = u.{c}" for c in EVALUATED if c != "updated_at")
    visible = [c for c in EVALUATED if c in VISIBLE]
    moved = " OR ".join(f"m.{c} IS DISTINCT FROM u.{c}" for c in visible)
    sets += f", updated_at = CASE WHEN {moved} THEN u.updated_at ELSE m.updated_at END"
    await pg.execute(
        f"""UPDATE milestone m SET {sets}
            FROM unnest({casts}) AS u(id, {", ".join(EVALUATED)}) WHERE m.id = u.id""",
        *arrays,
    )


async def write_history(pg: asyncpg.Connection, rows: Sequence[HistoryRow], now: datetime) -> None:
    if not rows:
        return
    await pg.execute(
        """INSERT INTO milestone_history (milestone_id, event_id, event_type, from_state, to_state, data,
                                          occurred_at)
           SELECT u.m, u.e, u.t, u.f, u.s, u.d::jsonb, $7
           FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(m, e, t, f, s, d)""",
        [h.milestone_id for h in rows],
        [h.event_id for h in rows],
        [h.event_type for h in rows],
        [h.from_state for h in rows],
        [h.to_state for h in rows],
        [json.dumps(h.data, ensure_ascii=False, default=str) for h in rows],
        now,
    )


async def queue_alerts(
    pg: asyncpg.Connection, alerts: Sequence[AlertDue], *, topic: str, today: date, now: datetime
) -> list[AlertDue]:
    """Claims each alert's (milestone, step, due) key, then queues the claimed ones in the outbox
    (two statements); an alert already claimed by another replica or an earlier run is not queued."""
    if not alerts:
        return []
    claimed = await pg.fetch(
        """INSERT INTO alert (milestone_id, alert_type, step, audience, due_date, event_id)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::uuid[])
           ON CONFLICT DO NOTHING RETURNING event_id""",
        [a.milestone.id for a in alerts],
        [a.alert_type for a in alerts],
        [a.step for a in alerts],
        [a.audience for a in alerts],
        [a.key_date for a in alerts],
        [a.event_id for a in alerts],
    )
    ids = {r["event_id"] for r in claimed}
    queued = [a for a in alerts if a.event_id in ids]
    envelopes = [alert_envelope(a, today=today, now=now) for a in queued]
    if envelopes:
        await pg.execute(
            """INSERT INTO outbox_message (event_id, producer, topic, key, value)
               SELECT u.e, $2, $3, u.k, u.v FROM unnest($1::uuid[], $4::bytea[], $5::bytea[]) AS u(e, k, v)
               ON CONFLICT (event_id) DO NOTHING""",
            [e.event_id for e in envelopes],
            PRODUCER,
            topic,
            [record_key(e) for e in envelopes],
            [encode(e) for e in envelopes],
        )
    return queued


def alert_envelope(alert: AlertDue, *, today: date, now: datetime) -> Envelope:
    m = alert.milestone
    model: type[AlertPayload] = EVENT_TYPES[alert.alert_type]  # type: ignore[assignment]
    payload = model(
        title=m.title,
        owner=m.owner,
        section=list(m.section or []),
        due=m.due_date,
        as_of=today,
        days=alert.days,
        step=alert.step,
        audience=alert.audience,  # type: ignore[arg-type]
        health=m.health,
        plan_key=m.plan_key,
    )
    return new_envelope(
        payload, subject=m.id, source=PRODUCER, occurred_at=now.astimezone(SEOUL), event_id=alert.event_id
    )
