"""Status updates, batches of them, acknowledgements and snoozes (scope `status:write`): checked against
ingest's own milestone table (404 unknown, 403 another department's), one transaction each, no call to
another service."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from services.ingest import fast_path, idempotency, service
from services.ingest.api import Accepted, IdempotencyKey
from services.ingest.idempotency import Outcome
from services.ingest.ownership import access, owners_of, refusal, require_access
from services.ingest.schemas import AcknowledgeIn, SnoozeIn, StatusBatchIn, StatusIn, StatusItem
from shared.api_errors import REJECTIONS, error_responses
from shared.auth import Principal, require
from shared.events import MilestoneAcknowledged, MilestoneSnoozed, MilestoneStatusReported, Payload
from shared.events.envelope import SUBJECT_PATTERN

router = APIRouter(prefix="/v1", tags=["status"])
StatusWriter = Annotated[Principal, Depends(require("status:write"))]
MilestonePath = Annotated[str, Path(pattern=SUBJECT_PATTERN, max_length=128)]
ERRORS = error_responses(401, 403, 404, 409, 413, 415, 422, 429, 503)
MAX_SNOOZE_DAYS = 30


@router.post("/milestones/{milestone_id}/status", status_code=202, response_model=Accepted, responses=ERRORS)
async def report_status(
    milestone_id: MilestonePath,
    update: StatusIn,
    request: Request,
    principal: StatusWriter,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Progress from an officer or another system, for a milestone of the key's departments. Send an
    `Idempotency-Key` header to make retries safe."""
    _check_dates(request, update)
    payload = MilestoneStatusReported(**update.model_dump())
    return await _one(request, principal, milestone_id, payload, idempotency_key)


@router.post(
    "/milestones/{milestone_id}/acknowledge", status_code=202, response_model=Accepted, responses=ERRORS
)
async def acknowledge(
    milestone_id: MilestonePath,
    request: Request,
    principal: StatusWriter,
    body: AcknowledgeIn | None = None,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """The owner has seen the milestone's alerts (stops escalation for the current due date)."""
    payload = MilestoneAcknowledged(**(body or AcknowledgeIn()).model_dump())
    return await _one(request, principal, milestone_id, payload, idempotency_key)


@router.post("/milestones/{milestone_id}/snooze", status_code=202, response_model=Accepted, responses=ERRORS)
async def snooze(
    milestone_id: MilestonePath,
    body: SnoozeIn,
    request: Request,
    principal: StatusWriter,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Reminders wait until `until` (after today, at most 30 days ahead)."""
    today = request.app.state.clock.today()
    if not today < body.until <= today + timedelta(days=MAX_SNOOZE_DAYS):
        raise _invalid(["body", "until"], f"must be after {today} and at most {MAX_SNOOZE_DAYS} days ahead")
    payload = MilestoneSnoozed(**body.model_dump())
    return await _one(request, principal, milestone_id, payload, idempotency_key)


async def _one(
    request: Request, principal: Principal, milestone_id: str, payload: Payload, key: str | None
) -> Any:
    state = request.app.state
    writer = getattr(state, "group_writer", None)
    if key is None and writer is not None:
        try:
            status, event_id = await fast_path.publish_status(
                writer, principal, milestone_id, payload, state=state
            )
        except fast_path.Fallback:
            pass
        else:
            if status != 202:
                raise refusal(status, milestone_id)
            wake_soon(state)
            return JSONResponse({"event_ids": [str(event_id)]}, status_code=202)

    async def work(session: Any) -> Outcome:
        require_access(principal, await owners_of(session, [milestone_id]), milestone_id)
        event_id = await service.publish(
            session,
            payload,
            subject=milestone_id,
            topics=state.topics,
            clock=state.clock,
            event_id=service.keyed_event_id(principal.key_name, milestone_id, payload.TYPE, key),
        )
        return Outcome(202, {"event_ids": [str(event_id)]})

    return await idempotency.run(request, principal, key, work)


WAKE_DELAY = 0.1  # measured: fewer relay transactions (each several round trips) under load


def wake_soon(state: Any) -> None:
    """Wakes the outbox relay once for the updates of the next 100 ms, so under load it publishes them in
    batches instead of one relay transaction per request."""
    if getattr(state, "wake_pending", False) or state.relay is None:
        return
    state.wake_pending = True

    def wake() -> None:
        state.wake_pending = False
        state.relay.wake()

    asyncio.get_running_loop().call_later(WAKE_DELAY, wake)


class ItemResult(BaseModel):
    milestone_id: str | None
    status: int
    event_id: uuid.UUID | None = None
    error: Any = None


class BatchResult(BaseModel):
    accepted: int
    results: list[ItemResult]


@router.post("/status-updates", response_model=BatchResult, responses=ERRORS)
async def report_statuses(
    batch: StatusBatchIn,
    request: Request,
    principal: StatusWriter,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Up to 1,000 status updates: one result per item, in order (202 with `event_id`, or 403 / 404 / 422
    with `error`). The accepted ones are committed together."""
    state = request.app.state
    today = state.clock.today()
    items: list[StatusItem | ItemResult] = [_item(raw, today) for raw in batch.updates]

    async def work(session: Any) -> Outcome:
        owners = await owners_of(session, [i.milestone_id for i in items if isinstance(i, StatusItem)])
        results = []
        for n, item in enumerate(items):
            if isinstance(item, ItemResult):
                results.append(item)
                continue
            status = access(principal, owners, item.milestone_id)
            if status != 202:
                error = "unknown milestone" if status == 404 else "another department's milestone"
                results.append(ItemResult(milestone_id=item.milestone_id, status=status, error=error))
                continue
            payload = MilestoneStatusReported(**item.model_dump(exclude={"milestone_id"}))
            key = f"{idempotency_key}#{n}" if idempotency_key else None
            event_id = await service.publish(
                session,
                payload,
                subject=item.milestone_id,
                topics=state.topics,
                clock=state.clock,
                event_id=service.keyed_event_id(principal.key_name, item.milestone_id, payload.TYPE, key),
            )
            results.append(ItemResult(milestone_id=item.milestone_id, status=202, event_id=event_id))
        body = BatchResult(accepted=sum(r.status == 202 for r in results), results=results)
        return Outcome(200, body.model_dump(mode="json"))

    return await idempotency.run(request, principal, idempotency_key, work)


def _item(raw: dict[str, Any], today: date) -> StatusItem | ItemResult:
    mid = raw.get("milestone_id")
    label = mid if isinstance(mid, str) and len(mid) <= 128 and mid.isprintable() else None
    try:
        item = StatusItem.model_validate(raw)
        if item.done_date and item.done_date > today:
            raise ValueError(f"done_date {item.done_date} is in the future (today is {today})")
    except ValidationError as err:
        REJECTIONS.labels("validation").inc()
        errors = [
            {"loc": list(e["loc"]), "msg": e["msg"][:300], "type": e["type"]} for e in err.errors()[:20]
        ]
        return ItemResult(milestone_id=label, status=422, error=errors)
    except ValueError as err:
        return ItemResult(
            milestone_id=label,
            status=422,
            error=[{"loc": ["done_date"], "msg": str(err), "type": "value_error"}],
        )
    return item


def _check_dates(request: Request, update: StatusIn) -> None:
    today = request.app.state.clock.today()
    if update.done_date and update.done_date > today:
        raise _invalid(["body", "done_date"], f"{update.done_date} is in the future (today is {today})")


def _invalid(loc: list[str], msg: str) -> HTTPException:
    REJECTIONS.labels("validation").inc()
    return HTTPException(422, [{"loc": loc, "msg": msg, "type": "value_error"}])
