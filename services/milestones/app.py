"""Wires the milestones service: API, event consumer, outbox relay and deadline scheduler."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from fastapi import Depends, FastAPI
from pydantic import Field

from services.milestones import api
from services.milestones.handlers import Context, apply_batch
from services.milestones.jobs import JOBS, JobContext
from services.milestones.metrics import EVENTS, refresh_gauges
from services.milestones.transitions import PRODUCER, Policy
from shared import api_errors
from shared.auth import require
from shared.clock import SEOUL, Clock
from shared.db import make_engine, make_sessionmaker
from shared.docs import offline_docs
from shared.events import Envelope, Topics
from shared.http import database_check, kafka_check, ops_router
from shared.kafka import ConsumerLoop, DeadLetters, Rejected, ensure_topics, make_consumer, make_producer
from shared.observe import observe
from shared.outbox import OutboxRelay
from shared.runtime import Background
from shared.settings import ClockSettings, DatabaseSettings, EnvSettings, KafkaSettings

log = logging.getLogger(__name__)


class ScheduleSettings(EnvSettings):
    sweep_seconds: float = Field(default=60, gt=0, alias="MTRACK_SWEEP_SECONDS")


class MilestonesSettings(DatabaseSettings, KafkaSettings, ClockSettings, ScheduleSettings):
    due_soon_days: int = Field(default=14, ge=0, alias="MTRACK_DUE_SOON_DAYS")
    consumer_group: str = Field(default="mtrack-milestones", alias="MTRACK_MILESTONES_GROUP")


def job_intervals(settings: ScheduleSettings) -> dict[str, float]:
    """Seconds between runs of each scheduled job (the sweep's from MTRACK_SWEEP_SECONDS)."""
    return {
        name: settings.sweep_seconds if name == "deadline-sweep" else seconds
        for name, (_, seconds) in JOBS.items()
    }


def create_app(settings: MilestonesSettings, clock: Clock | None = None) -> FastAPI:
    clock = clock or settings.clock()
    topics = Topics(settings.topic_prefix)
    policy = Policy(topics=topics, due_soon_days=settings.due_soon_days)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    jobs = JobContext(sessions=sessions, clock=clock, policy=policy)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.producer = producer = make_producer(settings)
        await producer.start()
        await ensure_topics(settings, topics.all())
        relay = OutboxRelay(sessions=sessions, producer=producer, name=PRODUCER)
        consumer = make_consumer(settings, topic=topics.milestone_events, group_id=settings.consumer_group)
        await consumer.start()
        ctx = Context(clock=clock, policy=policy)

        async def handle(envelopes: list[Envelope]) -> list[Rejected]:
            async with sessions() as session, session.begin():
                outcomes, rejected = await apply_batch(session, envelopes, ctx)
            relay.wake()
            for (event_type, outcome), count in outcomes.items():
                EVENTS.labels(event_type, outcome).inc(count)
            return rejected

        async def run_job(name: str) -> dict[str, int]:
            result = await JOBS[name][0](jobs)
            relay.wake()
            return result

        scheduler = AsyncIOScheduler(timezone=SEOUL)
        for name, seconds in job_intervals(settings).items():
            scheduler.add_job(
                run_job,
                "interval",
                seconds=seconds,
                args=[name],
                id=name,
                max_instances=1,
                coalesce=True,
                next_run_time=datetime.now(SEOUL),
            )
        background = Background()
        background.spawn("outbox-relay", relay.run)
        background.spawn(
            "consumer",
            ConsumerLoop(consumer, handle, DeadLetters(producer, topics.dead_letter, PRODUCER)).run,
        )
        scheduler.start()
        app.state.run_job = run_job
        try:
            yield
        finally:
            scheduler.shutdown(wait=False)
            await background.close()
            await consumer.stop()
            await producer.stop()
            await engine.dispose()

    app = FastAPI(title="mtrack milestones", version="0.1.0", lifespan=lifespan)
    observe(app, "milestones")  # HTTP metrics, access log, request id (shared/observe.py)
    offline_docs(app)  # /docs and /redoc with no internet (shared/docs.py)
    app.state.producer = None
    app.state.sessions = sessions
    app.state.clock = clock
    app.state.jobs = jobs
    api_errors.install(app)
    app.include_router(
        api.router,
        dependencies=[Depends(require("read"))],
        responses=api_errors.error_responses(401, 403, 404, 422, 429, 503),
    )
    checks = {
        "database": database_check(engine),
        "kafka": kafka_check(lambda: app.state.producer, topics.milestone_events),
    }
    app.include_router(ops_router(checks, before_metrics=lambda: refresh_gauges(sessions)))
    return app
