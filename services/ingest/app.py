"""Wires the ingest service: API, outbox and its relay to Kafka."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from services.ingest import actions, api, fast_path, status_api
from services.ingest.owner_rules import load_owner_rules
from services.ingest.service import PRODUCER, EventTooLarge
from services.ingest.status_lane import StatusLane
from shared import api_errors
from shared.clock import Clock
from shared.db import make_engine, make_sessionmaker
from shared.docs import offline_docs
from shared.events import Topics
from shared.http import database_check, kafka_check, ops_router
from shared.kafka import ensure_topics, make_producer
from shared.memtrace import quiet_collector
from shared.observe import observe
from shared.outbox import OutboxRelay
from shared.runtime import Background
from shared.settings import ClockSettings, DatabaseSettings, KafkaSettings

PLAN_LIMIT = 10 * 1024 * 1024
IMPORT_LIMIT = 5 * 1024 * 1024


class IngestSettings(DatabaseSettings, KafkaSettings, ClockSettings):
    owner_rules: str | None = Field(default=None, alias="MTRACK_OWNER_RULES")
    # Read only by the action pages (GET /a/{token}) to show the milestone; never on the write path.
    milestones_url: str | None = Field(default=None, alias="MTRACK_MILESTONES_URL")


def body_limits(path: str) -> tuple[int, bool]:
    """Bytes a request body may have on `path`, and whether it must be JSON."""
    if path.startswith("/v1/plans"):
        return PLAN_LIMIT, False
    if path.startswith("/v1/imports"):
        return IMPORT_LIMIT, False
    return api_errors.JSON_LIMIT, path.startswith("/v1/")  # other routers (action pages) take forms


async def _too_large(request: Request, err: Exception) -> JSONResponse:
    api_errors.REJECTIONS.labels("size").inc()
    return JSONResponse({"detail": str(err)}, status_code=413)


def create_app(settings: IngestSettings, clock: Clock | None = None) -> FastAPI:
    topics = Topics(settings.topic_prefix)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.producer = producer = make_producer(settings)
        await producer.start()
        await ensure_topics(settings, topics.all())
        app.state.relay = OutboxRelay(sessions=sessions, producer=producer, name=PRODUCER)
        app.state.fast_pool = await fast_path.make_pool(settings.database_url)
        app.state.group_writer = fast_path.GroupWriter(app.state.fast_pool)
        background = Background()
        background.spawn("outbox-relay", app.state.relay.run)
        background.spawn("status-group-writer", app.state.group_writer.run)
        quiet_collector()
        try:
            yield
        finally:
            await background.close()
            await app.state.fast_pool.close()
            await producer.stop()
            await engine.dispose()

    app = FastAPI(title="mtrack ingest", version="0.1.0", lifespan=lifespan)
    app.add_middleware(StatusLane)  # added first: inside observe's metrics/log and the request guard
    observe(app, "ingest")  # HTTP metrics, access log, request id (shared/observe.py)
    offline_docs(app)  # /docs and /redoc with no internet (shared/docs.py)
    app.state.sessions = sessions
    app.state.topics = topics
    app.state.clock = clock or settings.clock()
    app.state.producer = None
    app.state.owner_rules = load_owner_rules(settings.owner_rules)
    app.state.relay = None
    app.state.fast_pool = None
    app.state.group_writer = None
    api_errors.install(app, limits=body_limits)
    app.add_exception_handler(EventTooLarge, _too_large)
    app.include_router(api.router)
    app.include_router(status_api.router)
    app.include_router(actions.router(settings))
    app.include_router(
        ops_router(
            {
                "database": database_check(engine),
                "kafka": kafka_check(lambda: app.state.producer, topics.milestone_events),
            }
        )
    )
    return app
