"""The notifier's records: what each recipient is owed (items), the mails that carry them, webhook
deliveries, and (for ingest's action pages) the form nonces already used.

A mail is recorded (with its items attached) before it is sent and marked after; a digest's key is
(recipient, working day), so two replicas can never both send one."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, DateTime, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base, created_at_column

JSONType = JSON().with_variant(JSONB(), "postgresql")


class PendingItem(Base):
    """One alert addressed to one recipient; `mail_key` is set when a mail claims it."""

    __tablename__ = "notifier_item"
    __table_args__ = (
        UniqueConstraint("alert_event_id", "recipient"),
        Index("ix_notifier_item_unclaimed", "recipient", postgresql_where="mail_key IS NULL"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    alert_event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    recipient: Mapped[str] = mapped_column(String(320))
    delivery: Mapped[str] = mapped_column(String(16))  # digest | immediate | escalation
    milestone_id: Mapped[str] = mapped_column(String(128), index=True)
    alert_type: Mapped[str] = mapped_column(String(40))
    department: Mapped[str] = mapped_column(String(40))  # directory code or `other`
    due: Mapped[date | None] = mapped_column(Date)
    alert: Mapped[dict[str, Any]] = mapped_column(JSONType)  # the alert payload, for the mail body
    mail_key: Mapped[str | None] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = created_at_column()


class Mail(Base):
    """A digest or immediate mail. `status`: pending (to send, or retry at `next_attempt_at`), sent, failed."""

    __tablename__ = "notifier_mail"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(16))  # digest | immediate | escalation
    slot: Mapped[date] = mapped_column(Date)  # the working day it belongs to
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()


class WebhookDelivery(Base):
    """One alert to one subscription; `id` is the Standard Webhooks `webhook-id` receivers dedupe on.
    `status`: pending, delivered, dead (retries exhausted or refused: the dead-letter record)."""

    __tablename__ = "notifier_webhook"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    alert_event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    subscription: Mapped[str] = mapped_column(String(80))  # department code / webhook id
    url: Mapped[str] = mapped_column(String(500))
    secret_env: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()
