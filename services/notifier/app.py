"""Wires the notifier: alert consumer (records items), the digest job (APScheduler), SMTP, webhooks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import aiosmtplib
from aiokafka import AIOKafkaProducer, ConsumerRecord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from fastapi import FastAPI
from pydantic import Field

from services.notifier.dispatch import Dispatcher
from services.notifier.handlers import batch_handler
from services.notifier.hours import Hours, parse_hour
from services.notifier.mailer import Send, smtp_sender
from services.notifier.metrics import init_series, watch_working_day
from services.notifier.webhooks import WebhookSender
from shared.action_tokens import action_key
from shared.clock import SEOUL, Clock
from shared.db import make_engine, make_sessionmaker
from shared.directory import load_directory
from shared.docs import offline_docs
from shared.events import Topics
from shared.http import consumer_check, database_check, kafka_check, ops_router
from shared.kafka import ConsumerLoop, DeadLetters, ensure_topics, make_consumer, make_producer
from shared.memtrace import quiet_collector
from shared.observe import observe
from shared.runtime import Background
from shared.settings import ClockSettings, DatabaseSettings, EnvSettings, KafkaSettings, SmtpSettings
from shared.workdays import load_calendar

NAME = "notifier"
JOB = "digest"


class DeliverySettings(EnvSettings):
    directory_file: str | None = Field(default=None, alias="MTRACK_DIRECTORY_FILE")
    digest_hour: str = Field(default="09:00", alias="MTRACK_DIGEST_HOUR")
    work_start: str = Field(default="09:00", alias="MTRACK_WORK_START")
    work_end: str = Field(default="18:00", alias="MTRACK_WORK_END")
    escalation_immediate: bool = Field(default=False, alias="MTRACK_ESCALATION_IMMEDIATE")
    dispatch_seconds: float = Field(default=60, gt=0, alias="MTRACK_DIGEST_SECONDS")
    public_url: str = Field(default="http://127.0.0.1:8001", alias="MTRACK_PUBLIC_URL")
    action_secret: str | None = Field(default=None, alias="MTRACK_ACTION_SECRET")
    action_days: int = Field(default=14, ge=1, le=90, alias="MTRACK_ACTION_DAYS")
    environment: str = Field(default="development", alias="MTRACK_ENVIRONMENT")
    webhook_retry_seconds: float = Field(default=3600, gt=0, alias="MTRACK_WEBHOOK_RETRY_SECONDS")
    mail_retry_seconds: float = Field(default=30, gt=0, alias="MTRACK_MAIL_RETRY_SECONDS")
    digest_settle_seconds: float = Field(default=20, ge=0, alias="MTRACK_DIGEST_SETTLE_SECONDS")
    immediate_settle_seconds: float = Field(default=5, ge=0, alias="MTRACK_IMMEDIATE_SETTLE_SECONDS")
    immediate_max_wait_seconds: float = Field(default=60, ge=0, alias="MTRACK_IMMEDIATE_MAX_WAIT_SECONDS")

    def hours(self) -> Hours:
        return Hours(parse_hour(self.work_start), parse_hour(self.work_end), parse_hour(self.digest_hour))


class AlertDeadLetters(DeadLetters):
    """Dead-letters only records of the alerts topic: the milestone-events topic, read here only to drop
    items of finished milestones, has its own consumer (milestones) that dead-letters its bad records."""

    def __init__(self, producer: AIOKafkaProducer, topics: Topics, sessions: object) -> None:
        super().__init__(producer, topics.dead_letter, NAME, sessions=sessions)  # type: ignore[arg-type]
        self._alerts = topics.alerts

    async def send(self, record: ConsumerRecord, reason: str, stage: str, **details: Any) -> None:
        if record.topic == self._alerts:
            await super().send(record, reason, stage, **details)


class NotifierSettings(DatabaseSettings, KafkaSettings, SmtpSettings, ClockSettings, DeliverySettings):
    consumer_group: str = Field(default="mtrack-notifier", alias="MTRACK_NOTIFIER_GROUP")


def make_dispatcher(
    settings: NotifierSettings,
    sessions: object,
    *,
    clock: Clock,
    send: Send | None = None,
) -> Dispatcher:
    key = action_key(
        settings.action_secret, environment=settings.environment, service=NAME, seed=settings.database_url
    )
    return Dispatcher(
        sessions=sessions,  # type: ignore[arg-type]
        directory=load_directory(settings.directory_file),
        calendar=load_calendar(),
        clock=clock,
        send=send or smtp_sender(settings),
        sender=settings.mail_from,
        public_url=settings.public_url,
        key=key,
        hours=settings.hours(),
        link_days=settings.action_days,
        retry_first=timedelta(seconds=settings.mail_retry_seconds),
        settle=timedelta(seconds=settings.digest_settle_seconds),
        immediate_settle=timedelta(seconds=settings.immediate_settle_seconds),
        immediate_max_wait=timedelta(seconds=settings.immediate_max_wait_seconds),
        webhooks=WebhookSender(sessions=sessions, retry_seconds=settings.webhook_retry_seconds),  # type: ignore[arg-type]
    )


def job_intervals(settings: DeliverySettings) -> dict[str, float]:
    return {JOB: settings.dispatch_seconds}


def create_app(settings: NotifierSettings, clock: Clock | None = None, send: Send | None = None) -> FastAPI:
    clock = clock or settings.clock()
    topics = Topics(settings.topic_prefix)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    dispatcher = make_dispatcher(settings, sessions, clock=clock, send=send)
    init_series()
    watch_working_day(dispatcher.calendar, clock)
    scheduler = AsyncIOScheduler(timezone=SEOUL)

    running = asyncio.Lock()
    again = asyncio.Event()

    async def run_digest(force: bool = False) -> dict[str, int]:
        """One pass, repeated while new items arrived during it (so none waits for the next interval)."""
        async with running:
            while True:
                again.clear()
                result = await dispatcher.run(force=force)
                if not again.is_set():
                    break
        wake = await dispatcher.settling_until()
        if wake is not None and scheduler.running:  # items held back for a burst to end: come back then
            scheduler.modify_job(JOB, next_run_time=wake.astimezone(SEOUL) + timedelta(milliseconds=200))
        return result

    async def recorded() -> None:
        again.set()
        if scheduler.running and not running.locked():  # run now rather than at the next interval
            scheduler.modify_job(JOB, next_run_time=datetime.now(SEOUL))

    handle = batch_handler(
        sessions, dispatcher.directory, escalation_immediate=settings.escalation_immediate, recorded=recorded
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        quiet_collector()
        app.state.producer = producer = make_producer(settings)
        await producer.start()
        await ensure_topics(settings, topics.all())
        consumer = make_consumer(settings, topic=topics.alerts, group_id=settings.consumer_group)
        # Milestone events too: a milestone done or withdrawn before the digest leaves is not listed.
        consumer.subscribe(topics=[topics.alerts, topics.milestone_events])
        await consumer.start()
        background = Background()
        loop = ConsumerLoop(consumer, handle, AlertDeadLetters(producer, topics, sessions))
        app.state.consumer_loop = loop
        background.spawn("consumer", loop.run)
        scheduler.add_job(
            run_digest,
            "interval",
            seconds=settings.dispatch_seconds,
            id=JOB,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(SEOUL),
        )
        scheduler.start()
        try:
            yield
        finally:
            scheduler.shutdown(wait=False)
            await background.close()
            app.state.consumer_loop = None
            await consumer.stop()
            await producer.stop()
            await engine.dispose()

    async def smtp_check() -> None:
        smtp = aiosmtplib.SMTP(hostname=settings.smtp_host, port=settings.smtp_port, timeout=3)
        await smtp.connect()
        await smtp.quit()

    app = FastAPI(title="mtrack notifier", version="0.1.0", lifespan=lifespan)
    observe(app, "notifier")  # HTTP metrics, access log, request id (shared/observe.py)
    offline_docs(app)  # /docs and /redoc with no internet (shared/docs.py)
    app.state.producer = None
    app.state.consumer_loop = None
    app.state.dispatcher = dispatcher
    app.state.run_job = run_digest
    checks = {
        "database": database_check(engine),
        "kafka": kafka_check(lambda: app.state.producer, topics.alerts),
        "smtp": smtp_check,
        "consumer": consumer_check(lambda: app.state.consumer_loop),
    }
    app.include_router(ops_router(checks, before_metrics=dispatcher.refresh_gauges))
    return app
