"""The operational endpoints every service has: /healthz, /readyz and /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.kafka import ConsumerLoop

ReadinessCheck = Callable[[], Awaitable[None]]


def ops_router(
    checks: dict[str, ReadinessCheck],
    *,
    before_metrics: Callable[[], Awaitable[None]] | None = None,
) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        outcomes = await asyncio.gather(*(_run_check(check) for check in checks.values()))
        results = dict(zip(checks, outcomes, strict=True))
        failing = [name for name, value in results.items() if value != "ok"]
        body = {"ready": not failing, "checks": results, "failing": failing}
        return JSONResponse(body, status_code=503 if failing else 200)

    @router.get("/metrics")
    async def metrics() -> Response:
        if before_metrics is not None:
            await before_metrics()
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


async def _run_check(check: ReadinessCheck, timeout: float = 3.0) -> str:
    task = asyncio.ensure_future(check())
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if not done:
        task.cancel()
        return f"failed: no answer within {timeout:g}s"
    err = task.exception()
    if err is not None:
        return f"failed: {type(err).__name__}: {err}"[:300]
    return "ok"


def schema_heads() -> frozenset[str]:
    """The Alembic head revision(s) of the code's migrations; read from the scripts, no database."""
    from alembic.script import ScriptDirectory

    from mtrack.migrate import MIGRATIONS

    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def database_check(engine: AsyncEngine, *, heads: frozenset[str] | None = None) -> ReadinessCheck:
    """PostgreSQL answers and its schema is at the code's Alembic head (computed once, here): a pod is
    not ready on an empty or older database, where every query would fail."""
    expected = heads if heads is not None else schema_heads()

    async def check() -> None:
        async with engine.connect() as conn:
            try:
                found = frozenset((await conn.scalars(text("SELECT version_num FROM alembic_version"))).all())
            except ProgrammingError as err:  # relation "alembic_version" does not exist
                raise SchemaNotReady(
                    "schema not migrated (no alembic_version); run `mtrack migrate`"
                ) from err
        if found != expected:
            raise SchemaNotReady(
                f"schema at {', '.join(sorted(found)) or 'nothing'}, code expects "
                f"{', '.join(sorted(expected))}; run `mtrack migrate`"
            )

    return check


class SchemaNotReady(RuntimeError):
    pass


def kafka_check(
    producer: Callable[[], AIOKafkaProducer | None], topic: str, *, timeout: float = 2.0
) -> ReadinessCheck:
    """A fresh metadata request to the broker (not the producer's cached metadata, which a frozen
    broker would never invalidate) answered within `timeout`, naming `topic`. `producer` returns the
    service's started producer (made in its lifespan), or None before that."""

    async def check() -> None:
        started = producer()
        if started is None:
            raise RuntimeError("producer not started")
        # Not wait_for: cancelling a request to a hung broker can itself hang; it is left to finish.
        request = asyncio.ensure_future(started.client.fetch_all_metadata())
        done, _ = await asyncio.wait({request}, timeout=timeout)
        if not done:
            request.cancel()
            raise TimeoutError(f"broker did not answer a metadata request within {timeout:g}s")
        cluster = request.result()
        if topic not in cluster.topics():
            raise RuntimeError(f"broker does not know topic {topic}")

    return check


def consumer_check(loop: Callable[[], ConsumerLoop | None]) -> ReadinessCheck:
    """The service's consumer has joined its group (partitions assigned, or a generation)."""

    async def check() -> None:
        started = loop()
        if started is None:
            raise RuntimeError("consumer not started")
        await started.ready_check()

    return check
