"""Wires the notifier: alert consumer, owner directory, SMTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from functools import partial

import aiosmtplib
from fastapi import FastAPI
from pydantic import Field

from services.notifier import sender
from services.notifier.directory import load_directory
from services.notifier.handlers import Context, handle_batch
from shared.db import make_engine, make_sessionmaker
from shared.docs import offline_docs
from shared.events import Topics
from shared.http import database_check, kafka_check, ops_router
from shared.kafka import ConsumerLoop, DeadLetters, ensure_topics, make_consumer, make_producer
from shared.observe import observe
from shared.runtime import Background
from shared.settings import DatabaseSettings, KafkaSettings, SmtpSettings

NAME = "notifier"


class NotifierSettings(DatabaseSettings, KafkaSettings, SmtpSettings):
    owner_directory: str | None = Field(default=None, alias="MTRACK_OWNER_DIRECTORY")
    consumer_group: str = Field(default="mtrack-notifier", alias="MTRACK_NOTIFIER_GROUP")


def create_app(settings: NotifierSettings) -> FastAPI:
    topics = Topics(settings.topic_prefix)
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    directory = load_directory(settings.owner_directory)

    async def send(message: EmailMessage) -> None:
        await sender.send(message, settings)

    ctx = Context(sessions=sessions, directory=directory, send=send, sender=settings.mail_from)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.producer = producer = make_producer(settings)
        await producer.start()
        await ensure_topics(settings, topics.all())
        consumer = make_consumer(settings, topic=topics.alerts, group_id=settings.consumer_group)
        await consumer.start()
        background = Background()
        loop = ConsumerLoop(
            consumer, partial(handle_batch, ctx=ctx), DeadLetters(producer, topics.dead_letter, NAME)
        )
        background.spawn("consumer", loop.run)
        try:
            yield
        finally:
            await background.close()
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
    checks = {
        "database": database_check(engine),
        "kafka": kafka_check(lambda: app.state.producer, topics.alerts),
        "smtp": smtp_check,
    }
    app.include_router(ops_router(checks))
    return app
