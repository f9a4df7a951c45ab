"""notifier: pending items per recipient, digest/immediate mails, webhook deliveries, action nonces

Replaces the one-row-per-alert `notification` log (the notifier now records items, then mails).

Revision ID: a10_notifier
Revises: 3c2ac4a59668
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "a10_notifier"
down_revision: str | None = "a9_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)
JSONB = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _created() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("created_at", TS, server_default=sa.text("now()"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "notifier_item",
        sa.Column("id", sa.BigInteger(), autoincrement=True),
        sa.Column("alert_event_id", sa.Uuid(), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("delivery", sa.String(16), nullable=False),
        sa.Column("milestone_id", sa.String(128), nullable=False),
        sa.Column("alert_type", sa.String(40), nullable=False),
        sa.Column("department", sa.String(40), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("alert", JSONB, nullable=False),
        sa.Column("mail_key", sa.String(200), nullable=True),
        _created(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifier_item")),
        sa.UniqueConstraint("alert_event_id", "recipient", name=op.f("uq_notifier_item_alert_event_id")),
    )
    op.create_index(op.f("ix_notifier_item_milestone_id"), "notifier_item", ["milestone_id"])
    op.create_index(op.f("ix_notifier_item_mail_key"), "notifier_item", ["mail_key"])
    op.create_index(
        "ix_notifier_item_unclaimed", "notifier_item", ["recipient"], postgresql_where="mail_key IS NULL"
    )
    op.create_table(
        "notifier_mail",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("slot", sa.Date(), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", TS, nullable=True),
        _created(),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_notifier_mail")),
        sa.UniqueConstraint("message_id", name=op.f("uq_notifier_mail_message_id")),
    )
    op.create_index(op.f("ix_notifier_mail_status"), "notifier_mail", ["status"])
    op.create_table(
        "notifier_webhook",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("alert_event_id", sa.Uuid(), nullable=False),
        sa.Column("subscription", sa.String(80), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("secret_env", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("lease_until", TS, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", TS, nullable=True),
        _created(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifier_webhook")),
    )
    op.create_index(op.f("ix_notifier_webhook_status"), "notifier_webhook", ["status"])
    op.create_table(
        "action_nonce",
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("milestone_id", sa.String(128), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("used_at", TS, server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_action_nonce")),
    )
    op.drop_index(op.f("ix_notification_milestone_id"), table_name="notification")
    op.drop_table("notification")


def downgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("alert_event_id", sa.Uuid(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("milestone_id", sa.String(length=128), nullable=False),
        sa.Column("alert_type", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", TS, nullable=True),
        _created(),
        sa.PrimaryKeyConstraint("alert_event_id", "recipient", name=op.f("pk_notification")),
        sa.UniqueConstraint("message_id", name=op.f("uq_notification_message_id")),
    )
    op.create_index(op.f("ix_notification_milestone_id"), "notification", ["milestone_id"])
    op.drop_table("action_nonce")
    op.drop_index(op.f("ix_notifier_webhook_status"), table_name="notifier_webhook")
    op.drop_table("notifier_webhook")
    op.drop_index(op.f("ix_notifier_mail_status"), table_name="notifier_mail")
    op.drop_table("notifier_mail")
    op.drop_index("ix_notifier_item_unclaimed", table_name="notifier_item")
    op.drop_index(op.f("ix_notifier_item_mail_key"), table_name="notifier_item")
    op.drop_index(op.f("ix_notifier_item_milestone_id"), table_name="notifier_item")
    op.drop_table("notifier_item")
