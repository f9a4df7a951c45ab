"""Faults on the real servers, bounded in count and time: an SMTP outage and a milestones restart mid-stream."""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from email.policy import default
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from mtrack.stack.smtp import MailFolder
from services.milestones.app import MilestonesSettings
from services.milestones.app import create_app as create_milestones
from services.milestones.models import MilestoneHistory
from services.notifier.models import Mail, PendingItem
from shared.clock import Clock
from shared.db import make_engine
from shared.events import MilestoneDeclared, Topics, encode, new_envelope
from tests.kafka_tools import produce
from tests.waiting import eventually

pytestmark = pytest.mark.chaos


def _declared(subject: str, due: date) -> bytes:
    payload = MilestoneDeclared(title=f"장애 시험 {subject}", due=due, owner="산업기술정책과")
    return encode(new_envelope(payload, subject=subject, source="chaos", occurred_at=datetime.now(UTC)))


async def _scalar(url: str, stmt: Any) -> Any:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return await conn.scalar(stmt)
    finally:
        await engine.dispose()


@asynccontextmanager
async def _running(app: Any):  # type: ignore[no-untyped-def]
    async with app.router.lifespan_context(app):
        yield httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app")


async def test_smtp_outage_delays_mail_but_loses_none(stack, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The immediate officer's mail (tech-policy-2) waits out a dead SMTP server and arrives once."""
    stack.clock.pin(date(2025, 1, 6))  # a Monday, 09:00 KST: inside working hours
    notifier = stack.notifier._transport.app  # the in-process app behind the client
    notifier.state.dispatcher.retry_first = timedelta(seconds=0.2)
    stack.mail.stop()
    subject = f"smtp-down-{uuid.uuid4().hex[:8]}"
    mail_of = (
        select(Mail.attempts, Mail.status)
        .join(PendingItem, PendingItem.mail_key == Mail.key)
        .where(PendingItem.milestone_id == subject, Mail.recipient == "tech-policy-2@example.com")
    )
    try:
        await produce(stack.kafka_servers, Topics(stack.topics_prefix).milestone_events,
                      [(subject.encode(), _declared(subject, date(2024, 12, 31)))])  # fmt: skip

        async def retried() -> bool:
            await notifier.state.run_job()
            row = await _row(stack.database_url, mail_of)
            return bool(row and row[0] >= 2 and row[1] == "pending")

        await eventually(retried, timeout=60)
    finally:
        restarted = MailFolder(stack.mail.folder, port=stack.mail.port)
        restarted.start()
    try:

        async def delivered() -> list[Any]:
            await notifier.state.run_job()
            return [
                p
                for p in restarted.messages()
                if "tech-policy-2@example.com" in p.name and subject in _plain_body(p)
            ]

        mails = await eventually(delivered)
        assert len(mails) == 1
        assert (await _row(stack.database_url, mail_of))[1] == "sent"
    finally:
        restarted.stop()
        stack.mail.start()


def _plain_body(path: Any) -> str:
    message = message_from_bytes(path.read_bytes(), policy=default)
    return str(message.get_body(("plain",)).get_content())


async def _row(url: str, stmt: Any) -> Any:
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(stmt)).first()
    finally:
        await engine.dispose()


async def test_milestones_restart_mid_stream_applies_each_event_once(env_for) -> None:  # type: ignore[no-untyped-def]
    settings = MilestonesSettings(**{**env_for, "MTRACK_MILESTONES_GROUP": f"chaos-{uuid.uuid4().hex[:6]}"})
    clock = Clock()
    clock.pin(date(2025, 1, 6))
    batch = f"restart-{uuid.uuid4().hex[:6]}"
    subjects = [f"{batch}-{i:03d}" for i in range(300)]
    records = [(s.encode(), _declared(s, date(2025, 12, 31))) for s in subjects]
    history = (
        select(func.count())
        .select_from(MilestoneHistory)
        .where(MilestoneHistory.milestone_id.like(f"{batch}-%"))
    )
    async with _running(create_milestones(settings, clock=clock)):
        await produce(
            env_for["KAFKA_BOOTSTRAP_SERVERS"],
            Topics(env_for["MTRACK_TOPIC_PREFIX"]).milestone_events,
            records,
        )
        await eventually(lambda: _at_least(env_for["DATABASE_URL"], history, 1), timeout=60)
    # stopped part-way (or just after): a new replica of the service takes over the same consumer group
    async with _running(create_milestones(settings, clock=clock)):
        await eventually(lambda: _at_least(env_for["DATABASE_URL"], history, len(subjects)), timeout=90)
    assert await _scalar(env_for["DATABASE_URL"], history) == len(subjects)


async def _at_least(url: str, stmt: Any, n: int) -> bool:
    return (await _scalar(url, stmt) or 0) >= n
