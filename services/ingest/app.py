"""Wires the ingest service: API, outbox and its relay to Kafka."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import Field

from services.ingest import actions, api
from services.ingest.lookup import MilestoneLookup
from services.ingest.owner_rules import load_owner_rules
from services.ingest.service import PRODUCER
from shared.clock import Clock
from shared.db import make_engine, make_sessionmaker
from shared.docs import offline_docs
from shared.events import Topics
from shared.http import database_check, kafka_check, ops_router
from shared.kafka import ensure_topics, make_producer
from shared.observe import observe
from shared.outbox import OutboxRelay
from shared.runtime import Background
from shared.settings import ClockSettings, DatabaseSettings, KafkaSettings


class IngestSettings(DatabaseSettings, KafkaSettings, ClockSettings):
    milestones_url: str | None = Field(default=None, alias="MTRACK_MILESTONES_URL")
    owner_rules: str | None = Field(default=None, alias="MTRACK_OWNER_RULES")


def create_app(
    settings: IngestSettings, clock: Clock | None = None, milestone_lookup: MilestoneLookup | None = None
) -> FastAPI:
    topics = Topics(settings.topic_prefix)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.producer = producer = make_producer(settings)
        await producer.start()
        await ensure_topics(settings, topics.all())
        app.state.relay = OutboxRelay(sessions=sessions, producer=producer, name=PRODUCER)
        background = Background()
        background.spawn("outbox-relay", app.state.relay.run)
        try:
            yield
        finally:
            await background.close()
            await app.state.milestone_lookup.close()
            await producer.stop()
            await engine.dispose()

    app = FastAPI(title="mtrack ingest", version="0.1.0", lifespan=lifespan)
    observe(app, "ingest")  # HTTP metrics, access log, request id (shared/observe.py)
    offline_docs(app)  # /docs and /redoc with no internet (shared/docs.py)
    app.state.sessions = sessions
    app.state.topics = topics
    app.state.clock = clock or settings.clock()
    app.state.producer = None
    app.state.owner_rules = load_owner_rules(settings.owner_rules)
    app.state.milestone_lookup = milestone_lookup or MilestoneLookup(settings.milestones_url)
    app.include_router(api.router)
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
