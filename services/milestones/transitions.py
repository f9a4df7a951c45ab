"""Applies the state rules to a stored milestone: history row, and an alert in the outbox when due."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.milestones import domain
from services.milestones.models import Alert, Milestone, MilestoneHistory
from shared.clock import SEOUL
from shared.events import EVENT_TYPES, AlertPayload, Topics, new_envelope
from shared.outbox import add_to_outbox

PRODUCER = "milestones"
ALERT_NAMESPACE = uuid.UUID("6f1d3a52-7c1e-4d0e-9a7b-2c6e5b8f4a10")


@dataclass(frozen=True)
class Policy:
    topics: Topics
    due_soon_days: int = 14


def facts_of(milestone: Milestone) -> domain.Facts:
    return domain.Facts(
        starts=milestone.starts_date,
        due=milestone.due_date,
        reported=milestone.reported_status,
        done_date=milestone.done_date,
        withdrawn=milestone.state == domain.State.WITHDRAWN,
    )


async def refresh_state(
    session: AsyncSession,
    milestone: Milestone,
    *,
    previous: str | None,
    today: date,
    now: datetime,
    policy: Policy,
    cause: str,
    event_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
) -> str | None:
    """Sets the state the rules give for `today`; records history; queues an alert. Returns the alert type."""
    facts = facts_of(milestone)
    current = domain.evaluate(facts, today, policy.due_soon_days)
    milestone.state = current
    milestone.on_time = domain.on_time(facts)
    if event_id is not None or current != previous:
        session.add(
            MilestoneHistory(
                milestone_id=milestone.id,
                event_id=event_id,
                event_type=cause,
                from_state=previous,
                to_state=current,
                data=data or {},
                occurred_at=now,
            )
        )
    alert = domain.alert_for(domain.State(previous) if previous else None, current)
    if alert is None or milestone.due_date is None:
        return None
    queued = await _queue_alert(session, milestone, alert, today=today, now=now, policy=policy)
    return alert if queued else None


async def _queue_alert(
    session: AsyncSession,
    milestone: Milestone,
    alert: domain.AlertType,
    *,
    today: date,
    now: datetime,
    policy: Policy,
) -> bool:
    assert milestone.due_date is not None
    event_id = uuid.uuid5(ALERT_NAMESPACE, f"{milestone.id}|{alert}|{milestone.due_date.isoformat()}")
    await session.flush()
    inserted = await session.execute(
        insert(Alert)
        .values(milestone_id=milestone.id, alert_type=alert, due_date=milestone.due_date, event_id=event_id)
        .on_conflict_do_nothing()
        .returning(Alert.id)
    )
    if inserted.first() is None:
        return False
    payload_model: type[AlertPayload] = EVENT_TYPES[alert]  # type: ignore[assignment]
    payload = payload_model(
        title=milestone.title,
        owner=milestone.owner,
        section=list(milestone.section or []),
        due=milestone.due_date,
        as_of=today,
        days=domain.alert_days(alert, milestone.due_date, today),
    )
    envelope = new_envelope(
        payload, subject=milestone.id, source=PRODUCER, occurred_at=now.astimezone(SEOUL), event_id=event_id
    )
    await add_to_outbox(session, producer=PRODUCER, topic=policy.topics.alerts, envelope=envelope)
    return True
