"""pipeline: dead_letter table, outbox quarantine columns

Revision ID: a7_pipeline
Revises: 3c2ac4a59668
Create Date: 2026-12-01 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a7_pipeline"
down_revision: str | None = "3c2ac4a59668"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dead_letter",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("consumer", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("exception", sa.String(length=200), nullable=True),
        sa.Column("topic", sa.String(length=249), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=True),
        sa.Column("value", sa.LargeBinary(), nullable=True),
        sa.Column("value_length", sa.Integer(), nullable=False),
        sa.Column("value_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letter")),
        sa.UniqueConstraint("consumer", "topic", "partition", "offset", name=op.f("uq_dead_letter_consumer")),
    )
    op.add_column("outbox_message", sa.Column("quarantined_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("outbox_message", sa.Column("quarantine_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("outbox_message", "quarantine_reason")
    op.drop_column("outbox_message", "quarantined_at")
    op.drop_table("dead_letter")
