"""Wires the milestones service: API, event consumer, outbox relay and deadline scheduler."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from fastapi import Depends, FastAPI
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncEngine

from services.milestones import api, feeds, metrics
from services.milestones.domain import CachedCalendar, Policy
from services.milestones.handlers import BatchOutcome, Context, apply_batch, stage_batch
from services.milestones.jobs import JOBS, JobContext
from services.milestones.staging import StagedBatch, StagingLine
from services.milestones.store import PRODUCER
from shared import api_errors
from shared.auth import require
from shared.clock import SEOUL, Clock
from shared.db import make_engine, make_sessionmaker
from shared.directory import load_directory
from shared.docs import offline_docs
from shared.events import Envelope, Topics
from shared.http import consumer_check, database_check, kafka_check, ops_router
from shared.kafka import (
    ConsumerLoop,
    DeadLetters,
    Rejected,
    Staged,
    ensure_topics,
    make_consumer,
    make_producer,
)
from shared.memtrace import malloc_trim, quiet_collector
from shared.observe import observe
from shared.outbox import OutboxRelay
from shared.runtime import Background
from shared.settings import ClockSettings, DatabaseSettings, EnvSettings, KafkaSettings
from shared.workdays import load_calendar

log = logging.getLogger(__name__)
# Events per consumed batch: the set-based apply costs the same few statements at any size, and each
# milestone is evaluated once per batch however many of its events the batch holds. The consumer holds
# two batches at once (one staged while the other commits): at 3,000 that held the service's RSS at
# 156 MB after the apply bench (bound: 150); 1,500 gave 141 MB and the same throughput as 2,000–3,000
# (bench/core_bench.py, alternated, 2026-12-03). A fetch brings at most FETCH_PARTITION_BYTES per
# partition; FETCH_MAX_BYTES bounds one fetch response over all partitions.
BATCH_RECORDS = 1500
FETCH_PARTITION_BYTES = 2 * 1024 * 1024
FETCH_MAX_BYTES = 8 * 1024 * 1024
# The collector's first generation runs every GC_YOUNG allocations (Python's default: 700). A batch
# allocates some 30 objects per event (envelope, payload, milestone copy, history row), nearly all freed
# by reference counting, never by the collector; at 700 the collections cost more than decoding
# (measured: decode of 20,000 events 0.17 s with the collector off, 0.37-0.65 s with it on).
GC_YOUNG = 20_000
# After a batch this large, glibc's free heap is handed back at once (malloc_trim, 1-2 ms measured after a
# 3,000-event batch): a catch-up after a backlog otherwise leaves RSS at its high-water mark until the
# 30-second trimmer of `mtrack serve` (shared/memtrace.py) comes round (bench: 150-156 MB -> ~133 MB).
TRIM_AFTER_EVENTS = 1000


class ScheduleSettings(EnvSettings):
    sweep_seconds: float = Field(default=60, gt=0, alias="MTRACK_SWEEP_SECONDS")


def _offsets(text: str) -> tuple[int, ...]:
    return tuple(sorted({int(part) for part in text.replace(" ", "").split(",") if part}))


class PolicySettings(EnvSettings):
    """The thresholds of the rules (`domain.Policy`); offsets are comma-separated working days."""

    due_soon_days: int = Field(default=14, ge=0, alias="MTRACK_DUE_SOON_DAYS")
    remind_before: str = Field(
        default="7,3,1,0", pattern=r"^\s*\d+(\s*,\s*\d+)*\s*$", alias="MTRACK_REMIND_BEFORE"
    )
    remind_overdue: str = Field(
        default="1,3,7", pattern=r"^\s*\d+(\s*,\s*\d+)*\s*$", alias="MTRACK_REMIND_OVERDUE"
    )
    remind_every: int = Field(default=5, ge=0, alias="MTRACK_REMIND_EVERY")
    update_after_days: int = Field(default=30, ge=1, alias="MTRACK_UPDATE_AFTER_DAYS")
    escalate_after: int = Field(default=5, ge=0, alias="MTRACK_ESCALATE_AFTER")

    def policy(self) -> Policy:
        return Policy(
            due_soon_days=self.due_soon_days,
            remind_before=_offsets(self.remind_before),
            remind_overdue=_offsets(self.remind_overdue),
            remind_every=self.remind_every,
            update_after_days=self.update_after_days,
            escalate_after=self.escalate_after,
        )


class MilestonesSettings(DatabaseSettings, KafkaSettings, ClockSettings, ScheduleSettings, PolicySettings):
    consumer_group: str = Field(default="mtrack-milestones", alias="MTRACK_MILESTONES_GROUP")


def job_intervals(settings: ScheduleSettings) -> dict[str, float]:
    """Seconds between runs of each scheduled job (the sweep's from MTRACK_SWEEP_SECONDS)."""
    return {
        name: settings.sweep_seconds if name == "deadline-sweep" else seconds
        for name, (_, seconds) in JOBS.items()
    }


def schedule_jobs(scheduler: AsyncIOScheduler, settings: ScheduleSettings, run_job: Any) -> None:
    """Every job at its interval from start-up, and the sweep again right after midnight in Seoul
    (00:00:05 KST), when the day's reminders fall due, rather than at the next interval."""
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
    scheduler.add_job(
        run_job,
        CronTrigger(hour=0, minute=0, second=5, timezone=SEOUL),
        args=["deadline-sweep"],
        id="deadline-sweep-midnight",
        max_instances=1,
        coalesce=True,
    )


def core_context(settings: MilestonesSettings, engine: AsyncEngine, clock: Clock) -> Context:
    calendar = CachedCalendar(load_calendar())
    year = clock.today().year
    for y in (year - 1, year, year + 1):  # loads the holiday tables now, not inside the first batch
        calendar.count_working_days(date(y, 1, 1), date(y, 12, 31))
    return Context(
        engine=engine,
        clock=clock,
        calendar=calendar,
        policy=settings.policy(),
        alerts_topic=Topics(settings.topic_prefix).alerts,
    )


@dataclass
class _Staging:
    """A staged batch as the consumer loop sees it: its metrics are counted once it commits."""

    batch: StagedBatch
    started: float
    done: Callable[[BatchOutcome, float], list[Rejected]]

    async def commit(self) -> list[Rejected]:
        return self.done(await self.batch.commit(), self.started)

    async def abort(self) -> None:
        await self.batch.abort()


def create_app(settings: MilestonesSettings, clock: Clock | None = None) -> FastAPI:
    clock = clock or settings.clock()
    topics = Topics(settings.topic_prefix)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    ctx = core_context(settings, engine, clock)
    jobs = JobContext(core=ctx)
    directory = load_directory()
    metrics.prepare(directory, ctx.policy.remind_before, ctx.policy.remind_overdue)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        quiet_collector(young=GC_YOUNG)
        app.state.producer = producer = make_producer(settings)
        await producer.start()
        await ensure_topics(settings, topics.all())
        relay = OutboxRelay(sessions=sessions, producer=producer, name=PRODUCER)
        consumer = make_consumer(
            settings,
            topic=topics.milestone_events,
            group_id=settings.consumer_group,
            max_poll_records=BATCH_RECORDS,
            max_partition_fetch_bytes=FETCH_PARTITION_BYTES,
            fetch_max_bytes=FETCH_MAX_BYTES,
        )
        await consumer.start()
        trim = malloc_trim()

        line = StagingLine()  # batches staged one behind another (services.milestones.staging)

        async def stage(envelopes: list[Envelope]) -> Staged:
            started = time.perf_counter()
            return _Staging(await stage_batch(envelopes, ctx=ctx, line=line), started, done)

        async def handle(envelopes: list[Envelope]) -> list[Rejected]:
            started = time.perf_counter()
            return done(await apply_batch(envelopes, ctx=ctx), started)

        def done(outcome: BatchOutcome, started: float) -> list[Rejected]:
            metrics.APPLY_SECONDS.observe(time.perf_counter() - started)
            if trim is not None and outcome.counts.total() >= TRIM_AFTER_EVENTS:
                trim(0)
            if outcome.alerts:
                relay.wake()
            metrics.count_events(outcome.counts)
            metrics.count_alerts(outcome.alerts)
            metrics.count_completions(outcome.completions)
            return outcome.rejected

        async def run_job(name: str) -> dict[str, int]:
            result = await JOBS[name][0](jobs)
            relay.wake()
            return result

        scheduler = AsyncIOScheduler(timezone=SEOUL)
        schedule_jobs(scheduler, settings, run_job)
        background = Background()
        background.spawn("outbox-relay", relay.run)
        dead_letters = DeadLetters(producer, topics.dead_letter, PRODUCER, sessions=sessions)
        loop = ConsumerLoop(consumer, handle, dead_letters, max_records=BATCH_RECORDS, stage=stage)
        app.state.consumer_loop = loop
        background.spawn("consumer", loop.run)
        scheduler.start()
        app.state.run_job = run_job
        try:
            yield
        finally:
            scheduler.shutdown(wait=False)
            await background.close()
            app.state.consumer_loop = None
            await consumer.stop()
            await producer.stop()
            await engine.dispose()

    app = FastAPI(title="mtrack milestones", version="0.2.0", lifespan=lifespan)
    observe(app, "milestones")  # HTTP metrics, access log, request id (shared/observe.py)
    offline_docs(app)  # /docs and /redoc with no internet (shared/docs.py)
    app.state.producer = None
    app.state.consumer_loop = None
    app.state.sessions = sessions
    app.state.engine = engine
    app.state.clock = clock
    app.state.jobs = jobs
    app.state.core = ctx
    app.state.directory = directory
    api_errors.install(app)
    app.include_router(
        api.router,
        dependencies=[Depends(require("read"))],
        responses=api_errors.error_responses(401, 403, 404, 422, 429, 503),
    )
    app.include_router(feeds.router, responses=api_errors.error_responses(401, 403, 404, 422, 429, 503))
    checks = {
        "database": database_check(engine),
        "kafka": kafka_check(lambda: app.state.producer, topics.milestone_events),
        "consumer": consumer_check(lambda: app.state.consumer_loop),
    }
    app.include_router(
        ops_router(checks, before_metrics=lambda: metrics.refresh_gauges(engine, clock.today()))
    )
    return app
