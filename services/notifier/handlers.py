"""What the notifier does with an alert: record one pending item per recipient (and one webhook delivery
per subscription) in one transaction. Sending happens later, in the dispatcher, by the clock's rules.
A milestone reported done or withdrawn (the milestone-events topic) takes its waiting items out.

Recipients come only from the directory: audience `owner` → the department's officers; `manager` → its
manager (the officers are copied when the mail goes); an unknown department → the fallback desk."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import any_, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.notifier.models import PendingItem
from shared.db import array, columns
from shared.directory import Department, Directory
from shared.events import ALERT_TYPES, AlertPayload, Envelope
from shared.kafka import Rejected

WEBHOOK_NAMESPACE = uuid.UUID("5f0c8f0e-7f6a-4d55-9a4f-3c7e2b1d9a11")

# One statement text whatever the batch size: `unnest` over one array per column (jsonb travels as text).
# A multi-row VALUES list is a new SQL text for every row count, and each one is prepared and kept in
# every pooled connection's statement cache (asyncpg, 100 a connection): under a varying alert load the
# notifier's RSS grew for as long as new batch sizes came (the soak: +11 %, in the C heap).
ITEM_INSERT = text(
    """INSERT INTO notifier_item
           (alert_event_id, recipient, delivery, milestone_id, alert_type, department, due, alert)
       SELECT u.e, u.r, u.d, u.m, u.t, u.dep, u.due, u.a::jsonb
       FROM unnest(CAST(:e AS uuid[]), CAST(:r AS text[]), CAST(:d AS text[]), CAST(:m AS text[]),
                   CAST(:t AS text[]), CAST(:dep AS text[]), CAST(:due AS date[]), CAST(:a AS text[]))
            AS u(e, r, d, m, t, dep, due, a)
       ON CONFLICT DO NOTHING"""
)
WEBHOOK_INSERT = text(
    """INSERT INTO notifier_webhook
           (id, alert_event_id, subscription, url, secret_env, body, status, attempts, next_attempt_at)
       SELECT u.id, u.e, u.s, u.url, u.env, u.body, 'pending', 0, now()
       FROM unnest(CAST(:id AS text[]), CAST(:e AS uuid[]), CAST(:s AS text[]), CAST(:url AS text[]),
                   CAST(:env AS text[]), CAST(:body AS text[]))
            AS u(id, e, s, url, env, body)
       ON CONFLICT DO NOTHING"""
)


@dataclass(frozen=True)
class Recipient:
    address: str
    delivery: str  # digest | immediate | escalation


def recipients(
    directory: Directory, alert: AlertPayload, *, escalation_immediate: bool
) -> tuple[Department | None, list[Recipient]]:
    """Who an alert is for, and how each wants it (pure)."""
    dept = directory.resolve(alert.owner)
    people: list[Recipient] = []
    if alert.audience == "manager":
        if dept is not None and dept.manager is not None:
            manager = dept.manager
            immediate = escalation_immediate or manager.delivery == "immediate"
            people.append(Recipient(manager.email, "escalation" if immediate else "digest"))
    elif dept is not None:
        people.extend(Recipient(p.email, p.delivery) for p in dept.officers)
        if not people and dept.desk:
            people.append(Recipient(dept.desk, "digest"))
    if not people:
        fallback = directory.fallback
        people = [Recipient(p.email, p.delivery) for p in fallback.officers] or [
            Recipient(fallback.desk, "digest")
        ]
    unique: dict[str, Recipient] = {}
    for person in people:
        unique.setdefault(person.address.lower(), person)
    return dept, list(unique.values())


def scrub(value: Any) -> Any:
    """NUL characters out of every string (PostgreSQL text and JSONB refuse them)."""
    if isinstance(value, str):
        return value.replace("\x00", " ")
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    return value


def webhook_body(env: Envelope, alert: AlertPayload, department: str) -> str:
    data = {
        "milestone_id": env.subject,
        "title": alert.title,
        "owner": alert.owner,
        "department": department,
        "section": alert.section,
        "due": alert.due.isoformat() if alert.due else None,
        "as_of": alert.as_of.isoformat(),
        "days": alert.days,
        "step": alert.step,
        "audience": alert.audience,
        "health": alert.health,
        "plan_key": alert.plan_key,
    }
    body = {"type": env.type, "timestamp": env.occurred_at.isoformat(), "data": scrub(data)}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


async def record_alerts(
    session: AsyncSession, envelopes: list[Envelope], *, directory: Directory, escalation_immediate: bool
) -> int:
    """Items and webhook deliveries for a batch, two statements; a redelivered alert adds nothing."""
    items: list[dict[str, object]] = []
    hooks: list[dict[str, object]] = []
    for env in envelopes:
        if env.type not in ALERT_TYPES:
            continue
        alert = env.payload()
        assert isinstance(alert, AlertPayload)
        dept, people = recipients(directory, alert, escalation_immediate=escalation_immediate)
        code = dept.code if dept else "other"
        snapshot = scrub({**alert.model_dump(mode="json"), "type": env.type, "milestone_id": env.subject})
        items.extend(
            {
                "e": env.event_id,
                "r": person.address,
                "d": person.delivery,
                "m": env.subject,
                "t": env.type,
                "dep": code,
                "due": alert.due,
                "a": json.dumps(snapshot, ensure_ascii=False),
            }
            for person in people
        )
        for hook in dept.webhooks if dept else []:
            hooks.append(
                {
                    "id": "msg_" + uuid.uuid5(WEBHOOK_NAMESPACE, f"{env.event_id}|{code}|{hook.id}").hex,
                    "e": env.event_id,
                    "s": f"{code}/{hook.id}",
                    "url": hook.url,
                    "env": hook.secret_env,
                    "body": webhook_body(env, alert, code),
                }
            )
    if items:
        await session.execute(ITEM_INSERT, columns(items))
    if hooks:
        await session.execute(WEBHOOK_INSERT, columns(hooks))
    return len(items)


RESOLVING = ("milestone.status_reported", "milestone.withdrawn")


def resolved_milestones(envelopes: list[Envelope]) -> set[str]:
    """Milestones a batch of milestone events finishes (done or withdrawn): what waits for them is moot."""
    done: set[str] = set()
    for env in envelopes:
        if env.type == "milestone.withdrawn" or (
            env.type == "milestone.status_reported" and env.data.get("status") == "done"
        ):
            done.add(env.subject)
    return done


async def drop_resolved(session: AsyncSession, milestones: set[str]) -> int:
    """Items not yet in a mail, for milestones now done or withdrawn, are set aside (never sent)."""
    if not milestones:
        return 0
    result = await session.execute(
        update(PendingItem)
        .where(
            PendingItem.milestone_id == any_(array("resolved", sorted(milestones))),
            PendingItem.mail_key.is_(None),
        )
        .values(mail_key="resolved")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def batch_handler(
    sessions: async_sessionmaker,  # type: ignore[type-arg]
    directory: Directory,
    *,
    escalation_immediate: bool,
    recorded: Callable[[], Awaitable[None]] | None = None,
) -> Callable[[list[Envelope]], Awaitable[list[Rejected]]]:
    async def handle(envelopes: list[Envelope]) -> list[Rejected]:
        async with sessions() as session, session.begin():
            count = await record_alerts(
                session, envelopes, directory=directory, escalation_immediate=escalation_immediate
            )
            await drop_resolved(session, resolved_milestones(envelopes))
        if count and recorded is not None:
            await recorded()
        return []

    return handle
