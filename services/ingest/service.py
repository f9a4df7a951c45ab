"""Ingest use cases: each writes its events to the outbox in one transaction with its own records."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.models import PlanVersion
from services.ingest.parser import parse_plan
from services.ingest.revisions import plan_events
from shared.clock import Clock
from shared.events import Payload, Topics, new_envelope
from shared.outbox import add_to_outbox

PRODUCER = "ingest"


@dataclass(frozen=True)
class PlanIngested:
    plan_key: str
    version: int
    milestones: int
    event_ids: list[uuid.UUID]
    unchanged: bool


async def ingest_plan(
    session: AsyncSession,
    *,
    text: str,
    topics: Topics,
    clock: Clock,
    plan_key: str | None = None,
    doc_date: date | None = None,
) -> PlanIngested:
    digest = hashlib.sha256(text.encode()).hexdigest()
    plan = parse_plan(text, doc_date=doc_date, plan_key=plan_key)
    latest = await session.scalar(
        select(PlanVersion)
        .where(PlanVersion.plan_key == plan.plan_key)
        .order_by(PlanVersion.version.desc())
        .limit(1)
        .with_for_update()
    )
    if latest is not None and latest.content_sha256 == digest:
        return PlanIngested(plan.plan_key, latest.version, len(latest.milestones), [], unchanged=True)
    version = (latest.version if latest else 0) + 1
    items = _one_per_id([m.to_json() for m in plan.milestones])
    session.add(
        PlanVersion(
            plan_key=plan.plan_key, version=version, content_sha256=digest, title=plan.title,
            doc_date=plan.doc_date, milestones=items,
        )  # fmt: skip
    )
    previous = latest.milestones if latest else []
    ids = []
    for subject, payload, event_id in plan_events(previous, items, plan_key=plan.plan_key, version=version):
        ids.append(await publish(session, payload, subject=subject, topics=topics, clock=clock, event_id=event_id))
    return PlanIngested(plan.plan_key, version, len(items), ids, unchanged=False)


def _one_per_id(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    return [item for item in items if not (item["id"] in seen or seen.add(item["id"]))]


async def publish(
    session: AsyncSession,
    payload: Payload,
    *,
    subject: str,
    topics: Topics,
    clock: Clock,
    event_id: uuid.UUID | None = None,
) -> uuid.UUID:
    envelope = new_envelope(payload, subject=subject, source=PRODUCER, occurred_at=clock.now(), event_id=event_id)
    await add_to_outbox(session, producer=PRODUCER, topic=topics.milestone_events, envelope=envelope)
    return envelope.event_id


async def plan_versions(session: AsyncSession, plan_key: str) -> list[PlanVersion]:
    rows = await session.scalars(
        select(PlanVersion).where(PlanVersion.plan_key == plan_key).order_by(PlanVersion.version)
    )
    return list(rows)
