"""HTTP inbound edge: plan documents, declared and imported milestones become events (202). Every write
needs an API key with the right scope (`shared/auth.py`) and takes an `Idempotency-Key`."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from services.ingest import idempotency, service
from services.ingest.documents import DocumentError, read_document
from services.ingest.idempotency import KEY_PATTERN, Outcome
from services.ingest.imports import ImportRejected, RowError, read_rows
from services.ingest.metrics import DOCUMENTS, PARSE_SECONDS
from services.ingest.ownership import IdTaken, OwnerProblem, claim_external, owner_for
from services.ingest.parser import parse_plan
from services.ingest.schemas import MilestoneIn
from shared.api_errors import REJECTIONS, IsoDate, error_responses
from shared.auth import Principal, require

router = APIRouter(prefix="/v1", tags=["ingest"])
IdempotencyKey = Annotated[
    str | None,
    Header(
        pattern=KEY_PATTERN,
        description="Makes a retry safe: the same key and body replay the first answer (24 h).",
    ),
]
PlanWriter = Annotated[Principal, Depends(require("plans:write"))]
MilestoneWriter = Annotated[Principal, Depends(require("milestones:write"))]
Reader = Annotated[Principal, Depends(require("read"))]
WRITE_ERRORS = error_responses(401, 403, 409, 413, 415, 422, 429, 503)
_outbox_transaction = idempotency.unit_of_work  # the one unit of work (older name, for other routers)
BAD_TEXT = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f]")


class Accepted(BaseModel):
    event_ids: list[uuid.UUID]


class Declared(Accepted):
    milestone_id: str


class PlanAccepted(Accepted):
    plan_key: str
    version: int
    milestones: int
    unchanged: bool


@router.post(
    "/plans",
    status_code=202,
    response_model=PlanAccepted,
    responses={
        200: {"description": "the same text again: nothing published", "model": PlanAccepted},
        **WRITE_ERRORS,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/plain": {"schema": {"type": "string", "maxLength": 10 * 1024 * 1024}}},
        }
    },
)
async def ingest_plan(
    request: Request,
    principal: PlanWriter,
    plan_key: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,47}$")] = None,
    doc_date: Annotated[IsoDate | None, Query(ge=date(1990, 1, 1), le=date(2100, 12, 31))] = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """A plan document (the request body): HWP, HWPX, PDF, DOCX or text (UTF-8, UTF-16, CP949), detected
    by content, ≤ 10 MB. Re-sending the same text publishes nothing."""
    state = request.app.state
    try:
        body, content_type = await request.body(), request.headers.get("content-type")
        text = await run_in_threadpool(read_document, body, content_type)  # HWP/PDF: a bounded child
    except DocumentError as err:
        DOCUMENTS.labels("rejected").inc()
        raise HTTPException(err.status, str(err)) from err
    if "\x00" in text or re.search(r"[\ud800-\udfff]", text):
        DOCUMENTS.labels("rejected").inc()
        raise HTTPException(422, "the document contains NUL bytes; convert it to UTF-8 text first")
    text = BAD_TEXT.sub(" ", text)  # stray control characters (form feeds, escapes) are spaces
    with PARSE_SECONDS.time():
        plan = await run_in_threadpool(parse_plan, text, doc_date=doc_date, plan_key=plan_key)
    plan = state.owner_rules.apply(plan)
    digest = hashlib.sha256(text.encode()).hexdigest()

    async def work(session: Any) -> Outcome:
        result = await service.ingest_plan(
            session, plan=plan, digest=digest, topics=state.topics, clock=state.clock
        )
        DOCUMENTS.labels("unchanged" if result.unchanged else "new_version").inc()
        body = PlanAccepted(**result.__dict__).model_dump(mode="json")
        return Outcome(200 if result.unchanged else 202, body)

    try:
        return await idempotency.run(request, principal, idempotency_key, work)
    except IntegrityError as err:
        raise HTTPException(409, "this plan is being ingested concurrently; retry") from err


class PlanVersionOut(BaseModel):
    plan_key: str
    version: int
    title: str
    doc_date: date | None
    milestones: int
    content_sha256: str
    received_at: datetime


@router.get(
    "/plans/{plan_key}/versions",
    response_model=list[PlanVersionOut],
    responses=error_responses(401, 403, 404, 422, 429, 503),
)
async def list_plan_versions(
    plan_key: Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,47}$")],
    request: Request,
    principal: Reader,
) -> list[PlanVersionOut]:
    """Every version of a plan this service received, oldest first: for a key limited to departments,
    the versions with a milestone of one of them (404 when there is none, as for an unknown plan)."""
    async with request.app.state.sessions() as session:
        versions = await service.plan_versions(session, plan_key)
    versions = [v for v in versions if _visible_version(principal, v.milestones)]
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


def _visible_version(principal: Principal, milestones: list[dict[str, Any]]) -> bool:
    if principal.visible_owners() is None:
        return True
    return any(principal.sees(m.get("owner")) for m in milestones if isinstance(m, dict))


@router.post(
    "/milestones",
    status_code=202,
    response_model=Declared,
    responses={202: {"headers": {"Location": {"schema": {"type": "string"}}}}, **WRITE_ERRORS},
)
async def declare_milestone(
    milestone: MilestoneIn,
    request: Request,
    principal: MilestoneWriter,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """A milestone another system tracks, owned by one of the key's departments. Answers with its id and a
    `Location` naming its resource (`GET /v1/milestones/{id}` on the milestones service)."""
    state = request.app.state
    milestone = _owned(principal, milestone)

    async def work(session: Any) -> Outcome:
        subject = milestone.subject()
        await _claim(session, principal, {subject: milestone.owner})
        event_id = await service.declare_external(session, milestone, topics=state.topics, clock=state.clock)
        body = {"milestone_id": subject, "event_ids": [str(event_id)]}
        return Outcome(202, body, {"Location": f"/v1/milestones/{subject}"})

    return await idempotency.run(request, principal, idempotency_key, work)


def _owned(principal: Principal, milestone: MilestoneIn) -> MilestoneIn:
    try:
        owner = owner_for(principal, milestone.owner)
    except OwnerProblem as err:
        REJECTIONS.labels("validation").inc()
        raise HTTPException(
            422, [{"loc": ["body", "owner"], "msg": str(err), "type": "value_error.owner"}]
        ) from err
    return milestone.model_copy(update={"owner": owner})


async def _claim(session: Any, principal: Principal, ids_owners: dict[str, str]) -> None:
    try:
        await claim_external(session, principal, ids_owners)
    except IdTaken as err:
        REJECTIONS.labels("conflict").inc()
        raise HTTPException(409, str(err)) from err


@router.post(
    "/imports",
    status_code=202,
    response_model=Accepted,
    responses=WRITE_ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {
                    "schema": {"type": "array", "items": {"type": "object"}, "maxItems": 10000}
                },
            },
        }
    },
)
async def import_milestones(
    request: Request, principal: MilestoneWriter, idempotency_key: IdempotencyKey = None
) -> Any:
    """Many milestones at once (≤ 5 MB, ≤ 10,000 rows), as CSV (`text/csv`) or JSON (`application/json`);
    see the column list in `services/ingest/imports.py`. Row-level errors come back as 422 and nothing is
    imported."""
    media_type = (request.headers.get("content-type") or "").partition(";")[0].strip().lower()
    if media_type not in ("text/csv", "application/json"):
        raise HTTPException(415, "send the import as text/csv or application/json (UTF-8)")
    try:
        text = (await request.body()).decode("utf-8").removeprefix("\ufeff")
        rows = await run_in_threadpool(read_rows, text, media_type)
        rows = _owned_rows(principal, rows)
    except UnicodeDecodeError as err:
        raise HTTPException(422, f"the import is not UTF-8 (offset {err.start})") from err
    except ImportRejected as err:
        REJECTIONS.labels("validation").inc()
        detail = {"reason": str(err), "rows": [asdict(r) for r in err.rows[:100]]}
        return JSONResponse({"detail": detail}, status_code=err.status)
    state = request.app.state

    async def work(session: Any) -> Outcome:
        await _claim(session, principal, {row.subject(): row.owner for row in rows})
        ids = [
            await service.declare_external(session, row, topics=state.topics, clock=state.clock)
            for row in rows
        ]
        return Outcome(202, {"event_ids": [str(i) for i in ids]})

    return await idempotency.run(request, principal, idempotency_key, work)


def _owned_rows(principal: Principal, rows: list[MilestoneIn]) -> list[MilestoneIn]:
    owned, errors = [], []
    for number, row in enumerate(rows, 1):
        try:
            owned.append(row.model_copy(update={"owner": owner_for(principal, row.owner)}))
        except OwnerProblem as err:
            errors.append(RowError(number, [f"owner: {err}"]))
    if errors:
        raise ImportRejected(f"{len(errors)} of {len(rows)} rows are invalid; nothing was imported", errors)
    return owned
