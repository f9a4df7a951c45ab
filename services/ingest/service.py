"""Ingest use cases: each writes its events to the outbox in one transaction with its own records."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.metrics import EVENTS
from services.ingest.models import PlanVersion
from services.ingest.ownership import register_plan
from services.ingest.parser.model import ParsedPlan
from services.ingest.revisions import plan_events
from services.ingest.schemas import MilestoneIn
from shared.clock import Clock
from shared.events import Payload, Topics, encode, new_envelope
from shared.observe import current_request_id
from shared.outbox import add_to_outbox

PRODUCER = "ingest"
EXTERNAL_NAMESPACE = uuid.UUID("9d4c2b7a-1e3f-4a6b-8c5d-0f2e1a3b4c5d")
DEFAULT_MAX_EVENT_BYTES = 256 * 1024


class EventTooLarge(ValueError):
    """An event over `MTRACK_MAX_EVENT_BYTES` (well below the broker's record limit) is never queued."""

    def __init__(self, subject: str, size: int, limit: int) -> None:
        super().__init__(f"the event for {subject[:128]!r} would be {size:,} bytes; the limit is {limit:,}")


@lru_cache(maxsize=1)
def max_event_bytes() -> int:
    return int(os.environ.get("MTRACK_MAX_EVENT_BYTES") or DEFAULT_MAX_EVENT_BYTES)


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
    plan: ParsedPlan,
    digest: str,
    topics: Topics,
    clock: Clock,
) -> PlanIngested:
    """Stores the plan version and queues what changed since the last one; `digest` identifies the text."""
    latest = await session.scalar(
        select(PlanVersion)
        .where(PlanVersion.plan_key == plan.plan_key)
        .order_by(PlanVersion.version.desc())
        .limit(1)
        .with_for_update()
    )
    if latest is not None and latest.content_sha256 == digest:
        await register_plan(session, latest.milestones, plan_key=plan.plan_key)
        return PlanIngested(plan.plan_key, latest.version, len(latest.milestones), [], unchanged=True)
    version = (latest.version if latest else 0) + 1
    items = _one_per_id([m.to_json() for m in plan.milestones])
    session.add(
        PlanVersion(
            plan_key=plan.plan_key,
            version=version,
            content_sha256=digest,
            title=plan.title,
            doc_date=plan.doc_date,
            milestones=items,
        )
    )
    await register_plan(session, items, plan_key=plan.plan_key)
    previous = latest.milestones if latest else []
    ids = []
    for subject, payload, event_id in plan_events(previous, items, plan_key=plan.plan_key, version=version):
        ids.append(
            await publish(session, payload, subject=subject, topics=topics, clock=clock, event_id=event_id)
        )
    return PlanIngested(plan.plan_key, version, len(items), ids, unchanged=False)


def _one_per_id(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first item of each id, in order."""
    first: dict[str, dict[str, Any]] = {}
    for item in items:
        first.setdefault(item["id"], item)
    return list(first.values())


async def declare_external(
    session: AsyncSession, milestone: MilestoneIn, *, topics: Topics, clock: Clock
) -> uuid.UUID:
    """A milestone from another system (ownership already claimed). The event id follows the content:
    the same post twice is one event."""
    payload = milestone.declared()
    subject = milestone.subject()
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    event_id = uuid.uuid5(EXTERNAL_NAMESPACE, f"{subject}|{canonical}")
    return await publish(session, payload, subject=subject, topics=topics, clock=clock, event_id=event_id)


def keyed_event_id(
    key_name: str, subject: str, event_type: str, idempotency_key: str | None
) -> uuid.UUID | None:
    """With an idempotency key a retried request is the same event (scoped to the API key)."""
    if idempotency_key is None:
        return None
    return uuid.uuid5(EXTERNAL_NAMESPACE, f"{key_name}|{subject}|{event_type}|{idempotency_key}")


async def publish(
    session: AsyncSession,
    payload: Payload,
    *,
    subject: str,
    topics: Topics,
    clock: Clock,
    event_id: uuid.UUID | None = None,
) -> uuid.UUID:
    envelope = new_envelope(
        payload,
        subject=subject,
        source=PRODUCER,
        occurred_at=clock.now(),
        event_id=event_id,
        request_id=current_request_id(),
    )
    size, limit = len(encode(envelope)), max_event_bytes()
    if size > limit:
        raise EventTooLarge(subject, size, limit)
    if await add_to_outbox(session, producer=PRODUCER, topic=topics.milestone_events, envelope=envelope):
        EVENTS.labels(payload.TYPE).inc()
    return envelope.event_id


async def plan_versions(session: AsyncSession, plan_key: str) -> list[PlanVersion]:
    rows = await session.scalars(
        select(PlanVersion).where(PlanVersion.plan_key == plan_key).order_by(PlanVersion.version)
    )
    return list(rows)
