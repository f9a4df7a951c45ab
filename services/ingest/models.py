"""Tables the ingest service owns: each plan version it received, with the milestones it published, and
the one-click action forms already posted."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base, created_at_column


class PlanVersion(Base):
    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("plan_key", "content_sha256"),)

    plan_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    doc_date: Mapped[date | None] = mapped_column(Date)
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    received_at: Mapped[datetime] = created_at_column()


class KnownMilestone(Base):
    """Every milestone ingest declared, with its owner and origin: answers "unknown milestone" (404) and
    "not yours" (403/409) without asking another service. Written in the declaring transaction."""

    __tablename__ = "ingest_milestone"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(16))  # plan | external
    plan_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()


class IdempotencyRecord(Base):
    """One `Idempotency-Key` of one API key: the request's hash and, once done, its response (24 h)."""

    __tablename__ = "idempotency_record"
    __table_args__ = (Index("ix_idempotency_record_created_at", "created_at"),)  # the 24 h clean-up

    key_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()


class UsedActionNonce(Base):
    """A one-click action form already posted (ingest refuses a replay)."""

    __tablename__ = "action_nonce"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    milestone_id: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    used_at: Mapped[datetime] = created_at_column()
