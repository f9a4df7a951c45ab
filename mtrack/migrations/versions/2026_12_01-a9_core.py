"""milestones core: baseline, health, progress, acknowledgement, snooze, next check date; alert steps

Revision ID: a9_core
Revises: 3c2ac4a59668
Create Date: 2026-12-01 21:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a9_core"
down_revision: str | None = "a8_api"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_COLUMNS = (
    sa.Column("baseline_due", sa.Date(), nullable=True),
    sa.Column("health", sa.String(length=16), server_default="green", nullable=False),
    sa.Column("progress", sa.Integer(), nullable=True),
    sa.Column("expected_date", sa.Date(), nullable=True),
    sa.Column("delay_reason", sa.Text(), nullable=True),
    sa.Column("last_update_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("snoozed_until", sa.Date(), nullable=True),
    sa.Column("next_check_date", sa.Date(), nullable=True),
    sa.Column("reminder_due", sa.Date(), nullable=True),
    sa.Column("reminder_on", sa.Date(), nullable=True),
    sa.Column("escalated_due", sa.Date(), nullable=True),
)


def upgrade() -> None:
    for column in NEW_COLUMNS:
        op.add_column("milestone", column)
    # Existing rows: the first due date we know is the baseline; every open row is looked at by the next sweep.
    op.execute("UPDATE milestone SET baseline_due = due_date")
    op.execute(
        "UPDATE milestone SET next_check_date = DATE '2000-01-01' WHERE state NOT IN ('done', 'withdrawn')"
    )
    # The sweep reads only rows whose check day has come: a partial index keeps closed rows out of it.
    op.create_index(
        "ix_milestone_next_check_date",
        "milestone",
        ["next_check_date"],
        postgresql_where=sa.text("next_check_date IS NOT NULL"),
    )
    # (state, due_date) serves the state filters and the bare due-date scans; the single-column state
    # index it replaces only cost writes. No trigram index for titles: whether pg_trgm finds trigrams
    # in Hangul depends on the database's locale (none under C), and every index costs the set-based
    # apply on each status update; a title search is a plain ILIKE over the filtered rows.
    op.create_index("ix_milestone_state_due_date", "milestone", ["state", "due_date"])
    op.drop_index("ix_milestone_state", table_name="milestone")
    # Status updates rewrite the same rows all day: room on each page lets PostgreSQL update in place
    # (HOT) when no indexed column changes.
    op.execute("ALTER TABLE milestone SET (fillfactor = 80)")
    # History and alerts are append-only and milestones are never deleted (a plan withdraws them): the
    # foreign keys only cost a lookup per inserted row in the set-based apply and the sweep.
    op.drop_constraint("fk_milestone_history_milestone_id_milestone", "milestone_history", type_="foreignkey")
    op.drop_constraint("fk_alert_milestone_id_milestone", "alert", type_="foreignkey")
    op.add_column("alert", sa.Column("step", sa.String(length=16), nullable=True))
    op.add_column(
        "alert", sa.Column("audience", sa.String(length=16), server_default="owner", nullable=False)
    )
    op.execute(
        "UPDATE alert SET step = CASE alert_type WHEN 'milestone.overdue' THEN 'overdue' ELSE 'due-soon' END"
    )
    op.alter_column("alert", "step", nullable=False)
    op.drop_constraint("uq_alert_milestone_id", "alert", type_="unique")
    op.create_unique_constraint("uq_alert_step", "alert", ["milestone_id", "step", "due_date"])


def downgrade() -> None:
    op.create_foreign_key(
        "fk_alert_milestone_id_milestone", "alert", "milestone", ["milestone_id"], ["id"], ondelete="CASCADE"
    )
    op.create_foreign_key(
        "fk_milestone_history_milestone_id_milestone",
        "milestone_history",
        "milestone",
        ["milestone_id"],
        ["id"],
        ondelete="CASCADE",
    )
    op.execute("ALTER TABLE milestone RESET (fillfactor)")
    op.drop_constraint("uq_alert_step", "alert", type_="unique")
    # Several steps of one type and due date cannot survive the old key: keep the first of each.
    op.execute(
        """
        DELETE FROM alert a USING alert b
        WHERE a.milestone_id = b.milestone_id AND a.alert_type = b.alert_type
          AND a.due_date = b.due_date AND a.id > b.id
        """
    )
    op.create_unique_constraint("uq_alert_milestone_id", "alert", ["milestone_id", "alert_type", "due_date"])
    op.drop_column("alert", "audience")
    op.drop_column("alert", "step")
    op.create_index("ix_milestone_state", "milestone", ["state"])
    op.drop_index("ix_milestone_state_due_date", table_name="milestone")
    op.drop_index("ix_milestone_next_check_date", table_name="milestone")
    for column in reversed(NEW_COLUMNS):
        op.drop_column("milestone", column.name)
