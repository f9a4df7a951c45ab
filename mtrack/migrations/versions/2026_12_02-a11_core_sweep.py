"""core sweep: the check-day index holds open milestones only; every open row gets a check day

The sweep reads `next_check_date <= today AND state NOT IN ('done', 'withdrawn')` through this partial
index (no walk of the table). Rows written before the rules kept `next_check_date` (or still carrying
a9_core's 2000-01-01 marker) get today in Seoul: the next sweep evaluates each once and stores its real
check day. That first look says at most the *current* reminder step of each milestone (never the steps
it missed) and at most one escalation per due date (`rules.evaluate`; tests/integration/test_core.py).

Revision ID: a11_core_sweep
Revises: a10_notifier
Create Date: 2026-12-02 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a11_core_sweep"
down_revision: str | None = "a10_notifier"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "state NOT IN ('done', 'withdrawn')"


def upgrade() -> None:
    op.execute(
        f"UPDATE milestone SET next_check_date = NULL WHERE NOT ({OPEN}) AND next_check_date IS NOT NULL"
    )
    op.execute(
        f"""UPDATE milestone SET next_check_date = (now() AT TIME ZONE 'Asia/Seoul')::date
            WHERE {OPEN} AND (next_check_date IS NULL OR next_check_date = DATE '2000-01-01')"""
    )
    op.drop_index("ix_milestone_next_check_date", table_name="milestone")
    op.create_index(
        "ix_milestone_next_check_date", "milestone", ["next_check_date"], postgresql_where=sa.text(OPEN)
    )


def downgrade() -> None:
    op.drop_index("ix_milestone_next_check_date", table_name="milestone")
    op.create_index(
        "ix_milestone_next_check_date",
        "milestone",
        ["next_check_date"],
        postgresql_where=sa.text("next_check_date IS NOT NULL"),
    )
