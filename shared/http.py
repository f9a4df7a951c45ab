"""The operational endpoints every service has: /healthz, /readyz and /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

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
        ready = all(value == "ok" for value in results.values())
        return JSONResponse({"ready": ready, "checks": results}, status_code=200 if ready else 503)

    @router.get("/metrics")
    async def metrics() -> Response:
        if before_metrics is not None:
            await before_metrics()
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


async def _run_check(check: ReadinessCheck) -> str:
    try:
        await asyncio.wait_for(check(), timeout=3.0)
    except Exception as err:
        return f"failed: {type(err).__name__}: {err}"[:300]
    return "ok"


def database_check(engine: AsyncEngine) -> ReadinessCheck:
    async def check() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    return check


def kafka_check(producer: Callable[[], AIOKafkaProducer | None], topic: str) -> ReadinessCheck:
    """`producer` returns the service's started producer (made in its lifespan), or None before that."""

    async def check() -> None:
        started = producer()
        if started is None:
            raise RuntimeError("producer not started")
        if not await started.partitions_for(topic):
            raise RuntimeError(f"no partitions for {topic}")

    return check
