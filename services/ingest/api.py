"""HTTP inbound edge: plan documents, single milestones and status updates become events (202)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest import service
from services.ingest.documents import MAX_BYTES, DocumentError, read_document
from services.ingest.imports import ImportRejected, read_rows
from services.ingest.metrics import DOCUMENTS, PARSE_SECONDS
from services.ingest.parser import parse_plan
from services.ingest.schemas import MilestoneIn
from shared.events import MilestoneStatusReported
from shared.events.envelope import SUBJECT_PATTERN

router = APIRouter(prefix="/v1", tags=["ingest"])


class Accepted(BaseModel):
    event_ids: list[uuid.UUID]


class PlanAccepted(Accepted):
    plan_key: str
    version: int
    milestones: int
    unchanged: bool


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
    """A plan document (the request body): HWP, HWPX, PDF, DOCX or text (UTF-8, UTF-16, CP949), detected
    by content. Re-sending the same text publishes nothing."""
    state = request.app.state
    declared_size = request.headers.get("content-length", "")
    if declared_size.isdigit() and int(declared_size) > MAX_BYTES:
        DOCUMENTS.labels("rejected").inc()
        raise HTTPException(413, f"the plan is {int(declared_size):,} bytes; the limit is {MAX_BYTES:,}")
    try:
        body, content_type = await request.body(), request.headers.get("content-type")
        text = await run_in_threadpool(read_document, body, content_type)  # HWP/PDF: a bounded child
    except DocumentError as err:
        DOCUMENTS.labels("rejected").inc()
        raise HTTPException(err.status, str(err)) from err
    with PARSE_SECONDS.time():
        plan = await run_in_threadpool(parse_plan, text, doc_date=doc_date, plan_key=plan_key)
    plan = state.owner_rules.apply(plan)
    digest = hashlib.sha256(text.encode()).hexdigest()
    try:
        async with _outbox_transaction(request) as session:
            result = await service.ingest_plan(
                session, plan=plan, digest=digest, topics=state.topics, clock=state.clock
            )
    except IntegrityError as err:
        raise HTTPException(409, "this plan is being ingested concurrently; retry") from err
    DOCUMENTS.labels("unchanged" if result.unchanged else "new_version").inc()
    body = PlanAccepted(**result.__dict__)
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if result.unchanged else 202)


class PlanVersionOut(BaseModel):
    plan_key: str
    version: int
    title: str
    doc_date: date | None
    milestones: int
    content_sha256: str
    received_at: datetime


@router.get("/plans/{plan_key}/versions", response_model=list[PlanVersionOut])
async def list_plan_versions(plan_key: str, request: Request) -> list[PlanVersionOut]:
    """Every version of a plan this service received, oldest first."""
    async with request.app.state.sessions() as session:
        versions = await service.plan_versions(session, plan_key)
    if not versions:
        raise HTTPException(404, f"no plan {plan_key!r}")
    return [
        PlanVersionOut(
            plan_key=v.plan_key,
            version=v.version,
            title=v.title,
            doc_date=v.doc_date,
            milestones=len(v.milestones),
            content_sha256=v.content_sha256,
            received_at=v.received_at,
        )
        for v in versions
    ]


@router.post("/milestones", status_code=202, response_model=Accepted)
async def declare_milestone(milestone: MilestoneIn, request: Request) -> Accepted:
    state = request.app.state
    async with _outbox_transaction(request) as session:
        event_id = await service.declare_external(session, milestone, topics=state.topics, clock=state.clock)
    return Accepted(event_ids=[event_id])


@router.post("/imports", status_code=202, response_model=Accepted)
async def import_milestones(request: Request) -> Any:
    """Many milestones at once, as CSV (`text/csv`) or JSON (`application/json`); see the column list in
    `services/ingest/imports.py`. Row-level errors come back as 422 and nothing is imported."""
    media_type = (request.headers.get("content-type") or "").partition(";")[0].strip().lower()
    if media_type not in ("text/csv", "application/json"):
        raise HTTPException(415, "send the import as text/csv or application/json (UTF-8)")
    try:
        text = (await request.body()).decode("utf-8").removeprefix("\ufeff")
        rows = read_rows(text, media_type)
    except UnicodeDecodeError as err:
        raise HTTPException(422, f"the import is not UTF-8 (offset {err.start})") from err
    except ImportRejected as err:
        detail = {"reason": str(err), "rows": [asdict(r) for r in err.rows]}
        return JSONResponse({"detail": detail}, status_code=422)
    state = request.app.state
    async with _outbox_transaction(request) as session:
        ids = [
            await service.declare_external(session, row, topics=state.topics, clock=state.clock)
            for row in rows
        ]
    return Accepted(event_ids=ids)


@router.post("/milestones/{milestone_id}/status", status_code=202, response_model=Accepted)
async def report_status(
    milestone_id: Annotated[str, Path(pattern=SUBJECT_PATTERN)],
    update: StatusIn,
    request: Request,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Accepted:
    """Progress from an officer or another system. Send an `Idempotency-Key` header to make retries safe."""
    state = request.app.state
    await state.milestone_lookup.require(milestone_id)
    payload = MilestoneStatusReported(**update.model_dump())
    async with _outbox_transaction(request) as session:
        event_id = await service.report_status(
            session,
            milestone_id,
            payload,
            idempotency_key=idempotency_key,
            topics=state.topics,
            clock=state.clock,
        )
    return Accepted(event_ids=[event_id])


@asynccontextmanager
async def _outbox_transaction(request: Request) -> AsyncIterator[AsyncSession]:
    """One unit of work; after its commit the relay is woken so the queued events leave at once."""
    state = request.app.state
    async with state.sessions() as session, session.begin():
        yield session
    state.relay.wake()
