"""Faults on the real servers, bounded in count and time: an SMTP outage and a milestones restart mid-stream."""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from mtrack.stack.smtp import MailFolder
from services.milestones.app import MilestonesSettings
from services.milestones.app import create_app as create_milestones
from services.milestones.models import MilestoneHistory
from services.notifier.models import Notification
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
    stack.clock.pin(date(2025, 1, 6))
    stack.mail.stop()
    try:
        subject = f"smtp-down-{uuid.uuid4().hex[:8]}"
        await produce(stack.kafka_servers, Topics(stack.topics_prefix).milestone_events,
                      [(subject.encode(), _declared(subject, date(2024, 12, 31)))])  # fmt: skip
        attempts = select(Notification.attempts).where(Notification.milestone_id == subject)
        await eventually(lambda: _retried(stack.database_url, attempts), timeout=60)
    finally:
        restarted = MailFolder(stack.mail.folder, port=stack.mail.port)
        restarted.start()
    try:
        mails = await eventually(
            lambda: [p for p in restarted.messages() if subject in p.read_text(errors="replace")]
        )
        assert len(mails) == 1
        status = select(Notification.status).where(Notification.milestone_id == subject)
        assert await _scalar(stack.database_url, status) == "sent"
    finally:
        restarted.stop()
        stack.mail.start()


async def _retried(url: str, stmt: Any) -> bool:
    return (await _scalar(url, stmt) or 0) >= 2


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
