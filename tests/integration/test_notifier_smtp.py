"""The notifier against an SMTP server that refuses a recipient: recorded, dead-lettered, not retried forever."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select

from mtrack.stack.ports import free_port
from services.notifier.app import NotifierSettings
from services.notifier.app import create_app as create_notifier
from services.notifier.models import Notification
from shared.db import make_engine
from shared.events import MilestoneOverdue, Topics, encode, new_envelope
from tests.kafka_tools import produce, read_json
from tests.waiting import eventually


class RefuseSome:
    """Accepts mail, except for local parts starting with `nobody`, which it refuses with 550."""

    def __init__(self) -> None:
        self.accepted: list[bytes] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("nobody"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.accepted.append(envelope.original_content)
        return "250 Message accepted"


def _alert(subject: str, owner: str) -> bytes:
    payload = MilestoneOverdue(
        title=f"반송 시험 {subject}", owner=owner, due=date(2025, 1, 31), as_of=date(2025, 2, 3), days=3
    )
    return encode(new_envelope(payload, subject=subject, source="test", occurred_at=datetime.now(UTC)))


async def test_refused_recipient_is_dead_lettered_and_others_still_get_mail(env_for) -> None:  # type: ignore[no-untyped-def]
    handler = RefuseSome()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    prefix = f"smtp{uuid.uuid4().hex[:6]}"
    settings = NotifierSettings(**{**env_for, "MTRACK_TOPIC_PREFIX": prefix, "SMTP_PORT": str(smtp.port)})
    app = create_notifier(settings)
    refused, delivered = f"bounce-{uuid.uuid4().hex[:6]}", f"fine-{uuid.uuid4().hex[:6]}"
    try:
        async with app.router.lifespan_context(app):
            await produce(
                env_for["KAFKA_BOOTSTRAP_SERVERS"],
                Topics(prefix).alerts,
                [
                    (refused.encode(), _alert(refused, "nobody@example.com")),
                    (delivered.encode(), _alert(delivered, "officer@example.com")),
                ],
            )
            dead = await read_json(
                env_for["KAFKA_BOOTSTRAP_SERVERS"],
                Topics(prefix).dead_letter,
                until=lambda got: len(got) >= 1,
            )
            await eventually(lambda: any(delivered.encode() in m for m in handler.accepted))
    finally:
        smtp.stop()
    assert dead[0]["consumer"] == "notifier" and dead[0]["stage"] == "apply"
    assert "nobody@example.com: recipient refused (550)" in dead[0]["reason"]
    engine = make_engine(env_for["DATABASE_URL"], pool_size=1)
    try:
        async with engine.connect() as conn:
            statuses = dict(
                (
                    await conn.execute(
                        select(Notification.milestone_id, Notification.status).where(
                            Notification.milestone_id.in_([refused, delivered])
                        )
                    )
                ).all()
            )
    finally:
        await engine.dispose()
    assert statuses == {refused: "failed", delivered: "sent"}
