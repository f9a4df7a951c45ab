"""What a plan version means as events, given the version before it: declared, rescheduled, withdrawn."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from shared.events import MilestoneDeclared, MilestoneRescheduled, MilestoneWithdrawn, Payload

EVENT_NAMESPACE = uuid.UUID("3c9b1f0e-8d2a-4e57-b6a1-7f0c2d9e5a34")
SCHEDULE_FIELDS = ("kind", "starts", "due")
DESCRIPTIVE_FIELDS = ("title", "section", "owner", "target", "part")

PlannedEvent = tuple[str, Payload, uuid.UUID]


def event_id(plan_key: str, version: int, subject: str, event_type: str) -> uuid.UUID:
    """Deterministic, so re-publishing the same plan version can never apply twice."""
    return uuid.uuid5(EVENT_NAMESPACE, f"{plan_key}|{version}|{subject}|{event_type}")


def declared_payload(item: dict[str, Any], *, plan_key: str, version: int) -> MilestoneDeclared:
    done = item.get("part") == "results"
    return MilestoneDeclared.model_validate(
        {
            **item,
            "plan_key": plan_key,
            "plan_version": version,
            "status": "done" if done else "planned",
            "done_date": item.get("due") if done else None,
        }
    )


def plan_events(
    previous: Iterable[dict[str, Any]], current: Iterable[dict[str, Any]], *, plan_key: str, version: int
) -> list[PlannedEvent]:
    before = {item["id"]: item for item in previous}
    events: list[PlannedEvent] = []

    def add(subject: str, payload: Payload) -> None:
        events.append((subject, payload, event_id(plan_key, version, subject, payload.TYPE)))

    seen: set[str] = set()
    for item in current:
        subject = item["id"]
        seen.add(subject)
        old = before.get(subject)
        if old is None:
            add(subject, declared_payload(item, plan_key=plan_key, version=version))
            continue
        if _changed(old, item, SCHEDULE_FIELDS):
            add(
                subject,
                MilestoneRescheduled(
                    kind=item["kind"],
                    starts=item["starts"],
                    due=item["due"],
                    expr=item.get("expr"),
                    previous_starts=old.get("starts"),
                    previous_due=old.get("due"),
                    plan_key=plan_key,
                    plan_version=version,
                ),
            )
        if _changed(old, item, DESCRIPTIVE_FIELDS):
            add(subject, declared_payload(item, plan_key=plan_key, version=version))
    for subject in sorted(before.keys() - seen):
        add(subject, MilestoneWithdrawn(plan_key=plan_key, plan_version=version))
    return events


def _changed(old: dict[str, Any], new: dict[str, Any], fields: tuple[str, ...]) -> bool:
    return any(old.get(f) != new.get(f) for f in fields)
