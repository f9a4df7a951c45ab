"""HTTP inbound edge: plan documents, single milestones and status updates become events (202)."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator
from sqlalchemy.exc import IntegrityError

from services.ingest import service
from services.ingest.documents import DocumentError, read_document
from shared.events import MilestoneDeclared, MilestoneStatusReported, TargetModel
from shared.events.envelope import SUBJECT_PATTERN

router = APIRouter(prefix="/v1", tags=["ingest"])
API_NAMESPACE = uuid.UUID("9d4c2b7a-1e3f-4a6b-8c5d-0f2e1a3b4c5d")


class Accepted(BaseModel):
    event_ids: list[uuid.UUID]


class PlanAccepted(Accepted):
    plan_key: str
    version: int
    milestones: int
    unchanged: bool


class MilestoneIn(BaseModel):
    """A milestone another system tracks. `id` is yours to choose (stable); derived from title and owner
    when omitted."""

    id: str | None = Field(default=None, pattern=SUBJECT_PATTERN)
    title: str = Field(min_length=1, max_length=500)
    starts: date | None = None
    due: date | None = None
    kind: Literal["deadline", "ongoing", "range", "program"] | None = None
    owner: str | None = Field(default=None, max_length=200)
    section: list[str] = Field(default_factory=list, max_length=20)
    target: TargetModel | None = None
    status: Literal["planned", "in_progress", "done"] = "planned"
    done_date: date | None = None

    @model_validator(mode="after")
    def _dated(self) -> MilestoneIn:
        if self.starts is None and self.due is None:
            raise ValueError("a milestone needs `due`, `starts`, or both")
        if self.starts and self.due and self.starts > self.due:
            raise ValueError(f"starts {self.starts} is after due {self.due}")
        return self

    def subject(self) -> str:
        if self.id:
            return self.id
        digest = hashlib.sha1(f"{self.owner or ''}|{' '.join(self.title.split())}".encode()).hexdigest()
        return f"api-{digest[:16]}"

    def inferred_kind(self) -> str:
        if self.kind:
            return self.kind
        if self.starts and self.due:
            return "range"
        return "deadline" if self.due else "ongoing"


class StatusIn(BaseModel):
    status: Literal["planned", "in_progress", "done"]
    done_date: date | None = None
    note: str | None = Field(default=None, max_length=2000)
    reported_by: str | None = Field(default=None, max_length=200)


@router.post("/plans", status_code=202, response_model=PlanAccepted)
async def ingest_plan(
    request: Request,
    plan_key: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,47}$")] = None,
    doc_date: date | None = None,
) -> Any:
    """A plan document as UTF-8 text (the request body). Re-sending the same text publishes nothing."""
    state = request.app.state
    try:
        text = read_document(await request.body(), request.headers.get("content-type"))
    except DocumentError as err:
        raise HTTPException(err.status, str(err)) from err
    try:
        async with state.sessions() as session, session.begin():
            result = await service.ingest_plan(
                session, text=text, topics=state.topics, clock=state.clock, plan_key=plan_key, doc_date=doc_date
            )
    except IntegrityError as err:
        raise HTTPException(409, "this plan is being ingested concurrently; retry") from err
    state.relay.wake()
    body = PlanAccepted(**result.__dict__)
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if result.unchanged else 202)


@router.post("/milestones", status_code=202, response_model=Accepted)
async def declare_milestone(milestone: MilestoneIn, request: Request) -> Accepted:
    payload = MilestoneDeclared(
        title=milestone.title, kind=milestone.inferred_kind(), starts=milestone.starts, due=milestone.due,
        owner=milestone.owner, section=milestone.section, target=milestone.target, part="other",
        status=milestone.status, done_date=milestone.done_date,
    )  # fmt: skip
    subject = milestone.subject()
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    event_id = uuid.uuid5(API_NAMESPACE, f"{subject}|{canonical}")
    return Accepted(event_ids=[await _publish(request, payload, subject, event_id)])


@router.post("/milestones/{milestone_id}/status", status_code=202, response_model=Accepted)
async def report_status(
    milestone_id: Annotated[str, Path(pattern=SUBJECT_PATTERN)],
    update: StatusIn,
    request: Request,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Accepted:
    """Progress from an officer or another system. Send an `Idempotency-Key` header to make retries safe."""
    await request.app.state.milestone_lookup.require(milestone_id)
    payload = MilestoneStatusReported(**update.model_dump())
    event_id = uuid.uuid5(API_NAMESPACE, f"{milestone_id}|{idempotency_key}") if idempotency_key else None
    return Accepted(event_ids=[await _publish(request, payload, milestone_id, event_id)])


async def _publish(request: Request, payload: Any, subject: str, event_id: uuid.UUID | None) -> uuid.UUID:
    state = request.app.state
    async with state.sessions() as session, session.begin():
        published = await service.publish(
            session, payload, subject=subject, topics=state.topics, clock=state.clock, event_id=event_id
        )
    state.relay.wake()
    return published

