"""outbox_message: drop the index on producer alone (the partial pending index serves the relay)

Every query by producer also filters on published_at: the relay's queue and the backlog metrics read
`ix_outbox_message_pending` (producer, id, pending rows only), the retention clean-up reads the
published_at index. The producer index (two or three distinct values) was read by nothing and paid for
on every outbox insert: each status POST, each declared event, each alert of the sweep.

Revision ID: a14_outbox_producer_index
Revises: a13_alert_event_id
Create Date: 2026-12-02 05:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a14_outbox_producer_index"
down_revision: str | None = "a13_alert_event_id"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_outbox_message_producer", table_name="outbox_message")


def downgrade() -> None:
    op.create_index("ix_outbox_message_producer", "outbox_message", ["producer"], unique=False)
