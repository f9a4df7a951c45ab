"""outbox: a partial index of the rows still to publish

The relay asks for `producer = X AND published_at IS NULL AND quarantined_at IS NULL ORDER BY id LIMIT n`.
Without this index PostgreSQL walked the primary key through the published rows kept for the retention
window (7 days), so each relay pass, and the latency of every write waiting on the relay's lock, grew
with the outbox's history (seen in the status POST bench: p99 16 ms fresh, 158 ms after 10,000 rows).
The partial index holds only the pending rows: small, and already in the relay's order.

Revision ID: a12_outbox_pending
Revises: a11_core_sweep
Create Date: 2026-12-02 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a12_outbox_pending"
down_revision: str | None = "a11_core_sweep"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_outbox_message_pending",
        "outbox_message",
        ["producer", "id"],
        postgresql_where=sa.text("published_at IS NULL AND quarantined_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_message_pending", table_name="outbox_message")
