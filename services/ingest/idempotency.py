"""`Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): per API key, kept 24 h. The same key and
body replay the first response (no new event); the same key with another body is 422; a retry while the
first is still being processed is 409. The record is claimed in its own short transaction, and its
response is stored in the same transaction as the events the request queued."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.models import IdempotencyRecord
from shared.api_errors import REJECTIONS
from shared.auth import Principal

RETENTION = timedelta(hours=24)
PRUNE_EVERY = 600.0
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
STORED_STATUSES = {200, 202, 400, 403, 404, 413, 422}


@dataclass
class Outcome:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)


Work = Callable[[AsyncSession], Awaitable[Outcome]]


@asynccontextmanager
async def unit_of_work(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction; after its commit the outbox relay is woken so the queued events leave at once."""
    state = request.app.state
    async with state.sessions() as session, session.begin():
        yield session
    relay = getattr(state, "relay", None)
    if relay is not None:
        relay.wake()


async def run(request: Request, principal: Principal, key: str | None, work: Work) -> JSONResponse:
    if key is None:
        async with unit_of_work(request) as session:
            return (await work(session)).response()
    digest = await _request_hash(request)
    stored = await _claim(request, principal.key_name, key, digest)
    if stored is not None:
        return stored.response()
    try:
        async with unit_of_work(request) as session:
            outcome = await work(session)
            await _store(session, principal.key_name, key, outcome)
        return outcome.response()
    except HTTPException as err:
        if err.status_code in STORED_STATUSES:
            outcome = Outcome(err.status_code, {"detail": err.detail}, dict(err.headers or {}))
            async with request.app.state.sessions() as session, session.begin():
                await _store(session, principal.key_name, key, outcome)
        else:
            await _release(request, principal.key_name, key)
        raise
    except BaseException:
        await _release(request, principal.key_name, key)
        raise


async def _request_hash(request: Request) -> str:
    body = await request.body()
    target = f"{request.method} {request.url.path}?{request.url.query}\n".encode()
    return hashlib.sha256(target + body).hexdigest()


async def _claim(request: Request, key_name: str, key: str, digest: str) -> Outcome | None:
    """None when this request now owns the key; else the stored outcome (or 409/422)."""
    async with request.app.state.sessions() as session, session.begin():
        await _prune(request, session)
        inserted = await session.execute(
            insert(IdempotencyRecord)
            .values(key_name=key_name, idempotency_key=key, request_hash=digest)
            .on_conflict_do_nothing()
            .returning(IdempotencyRecord.key_name)
        )
        if inserted.first() is not None:
            return None
        record = await session.scalar(
            select(IdempotencyRecord)
            .where(IdempotencyRecord.key_name == key_name, IdempotencyRecord.idempotency_key == key)
            .with_for_update()
        )
        if record is None or record.created_at < datetime.now().astimezone() - RETENTION:
            await session.execute(
                update(IdempotencyRecord)
                .where(IdempotencyRecord.key_name == key_name, IdempotencyRecord.idempotency_key == key)
                .values(
                    request_hash=digest,
                    status_code=None,
                    response_body=None,
                    created_at=datetime.now().astimezone(),
                )
            )
            return None
    if record.request_hash != digest:
        REJECTIONS.labels("conflict").inc()
        raise HTTPException(422, "this Idempotency-Key was used with a different request body")
    if record.status_code is None:
        REJECTIONS.labels("conflict").inc()
        raise HTTPException(
            409, "a request with this Idempotency-Key is still being processed", headers={"Retry-After": "1"}
        )
    saved = json.loads(record.response_body or "{}")
    return Outcome(record.status_code, saved.get("body"), saved.get("headers") or {})


async def _store(session: AsyncSession, key_name: str, key: str, outcome: Outcome) -> None:
    await session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.key_name == key_name, IdempotencyRecord.idempotency_key == key)
        .values(
            status_code=outcome.status,
            response_body=json.dumps({"body": outcome.body, "headers": outcome.headers}, ensure_ascii=False),
        )
    )


async def _release(request: Request, key_name: str, key: str) -> None:
    async with request.app.state.sessions() as session, session.begin():
        await session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.key_name == key_name,
                IdempotencyRecord.idempotency_key == key,
                IdempotencyRecord.status_code.is_(None),
            )
        )


async def _prune(request: Request, session: AsyncSession) -> None:
    state = request.app.state
    now = time.monotonic()
    if now < getattr(state, "idempotency_pruned", 0.0):
        return
    state.idempotency_pruned = now + PRUNE_EVERY
    cutoff = datetime.now().astimezone() - RETENTION
    await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff))
