"""Tables the milestones service owns."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base, created_at_column

JsonDoc = JSON().with_variant(JSONB(), "postgresql")
OPEN_SQL = "state NOT IN ('done', 'withdrawn')"  # the rows the sweep still looks at


class Milestone(Base):
    __tablename__ = "milestone"
    # The sweep reads open rows by next_check_date (a11_core_sweep); the lists filter by state and due.
    __table_args__ = (
        Index("ix_milestone_next_check_date", "next_check_date", postgresql_where=text(OPEN_SQL)),
        Index("ix_milestone_state_due_date", "state", "due_date"),
    )

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    section: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    kind: Mapped[str] = mapped_column(String(16))
    expr: Mapped[str | None] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    part: Mapped[str] = mapped_column(String(16), default="plan")
    starts_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    owner: Mapped[str | None] = mapped_column(String(200), index=True)
    target: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    plan_key: Mapped[str | None] = mapped_column(String(64), index=True)
    plan_version: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))  # indexed with due_date (migration a9_core)
    reported_status: Mapped[str] = mapped_column(String(16), default="planned")
    done_date: Mapped[date | None] = mapped_column(Date)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    baseline_due: Mapped[date | None] = mapped_column(Date)
    health: Mapped[str] = mapped_column(String(16), default="green")
    progress: Mapped[int | None] = mapped_column(Integer)
    expected_date: Mapped[date | None] = mapped_column(Date)
    delay_reason: Mapped[str | None] = mapped_column(Text)
    last_update_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    # The next day the rules may change something by the calendar alone; the sweep reads it via an index.
    next_check_date: Mapped[date | None] = mapped_column(Date)
    reminder_due: Mapped[date | None] = mapped_column(Date)
    reminder_on: Mapped[date | None] = mapped_column(Date)
    escalated_due: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class MilestoneHistory(Base):
    """Every applied event and every state change, in order."""

    __tablename__ = "milestone_history"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    # no foreign key (migration a9_core): append-only, and milestones are never deleted
    milestone_id: Mapped[str] = mapped_column(String(128), index=True)
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    event_type: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = created_at_column()


class ProcessedEvent(Base):
    """Makes the consumer idempotent: written in the same transaction as the change it caused."""

    __tablename__ = "processed_event"

    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    processed_at: Mapped[datetime] = created_at_column()


class Alert(Base):
    """One alert per milestone, step and due date, however many replicas or redeliveries."""

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("milestone_id", "step", "due_date", name="uq_alert_step"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    milestone_id: Mapped[str] = mapped_column(String(128))  # no foreign key (migration a9_core)
    alert_type: Mapped[str] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(16))
    audience: Mapped[str] = mapped_column(String(16), default="owner")
    due_date: Mapped[date] = mapped_column(Date)
    # uuid5 of (milestone, step, due date): unique through uq_alert_step (migration a13_alert_event_id)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = created_at_column()
