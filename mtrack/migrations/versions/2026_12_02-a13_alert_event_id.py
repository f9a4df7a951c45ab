"""alert: drop the unique index on event_id (uq_alert_step already enforces the same thing)

An alert's event_id is uuid5(milestone_id | step | due_date) (`rules.AlertDue.event_id`), so the
unique key (milestone_id, step, due_date) and the unique event_id refuse exactly the same rows: two
indexes doing one job, each insert paying for both. Nothing looks an alert up by its event_id.

Revision ID: a13_alert_event_id
Revises: a12_outbox_pending
Create Date: 2026-12-02 04:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a13_alert_event_id"
down_revision: str | None = "a12_outbox_pending"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint("uq_alert_event_id", "alert", type_="unique")


def downgrade() -> None:
    op.create_unique_constraint("uq_alert_event_id", "alert", ["event_id"])
