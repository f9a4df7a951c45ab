"""api keys, ingest's own milestone table (ownership), idempotency records

Revision ID: a8_api
Revises: 3c2ac4a59668
Create Date: 2026-12-01 21:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "a8_api"
down_revision: str | None = "a7_pipeline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONB = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    default = None if nullable else sa.text("now()")
    return sa.Column(name, sa.DateTime(timezone=True), server_default=default, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("departments", JSONB, nullable=False),
        sa.Column("scopes", JSONB, nullable=False),
        _timestamp("created_at"),
        _timestamp("last_used_at", nullable=True),
        _timestamp("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_api_key")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_key_key_hash")),
    )
    op.create_table(
        "ingest_milestone",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("plan_key", sa.String(length=64), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingest_milestone")),
    )
    op.create_table(
        "idempotency_record",
        sa.Column("key_name", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("key_name", "idempotency_key", name=op.f("pk_idempotency_record")),
    )
    op.create_index(op.f("ix_idempotency_record_created_at"), "idempotency_record", ["created_at"])
    # Milestones declared before this table existed keep working: those of the latest plan versions,
    # then external ones still in the outbox (owner as declared; rows that are not clean JSON are skipped).
    op.execute(
        """
        INSERT INTO ingest_milestone (id, owner, origin, plan_key)
        SELECT DISTINCT ON (item ->> 'id') item ->> 'id', left(item ->> 'owner', 200), 'plan', v.plan_key
        FROM plan_version v
        CROSS JOIN LATERAL jsonb_array_elements(v.milestones::jsonb) AS item
        WHERE v.version = (SELECT max(version) FROM plan_version w WHERE w.plan_key = v.plan_key)
          AND item ->> 'id' IS NOT NULL
        ORDER BY item ->> 'id', v.plan_key
        ON CONFLICT DO NOTHING
        """
    )
    op.execute(
        """
        INSERT INTO ingest_milestone (id, owner, origin, plan_key)
        SELECT DISTINCT ON (e.subject) e.subject, left(e.doc -> 'data' ->> 'owner', 200), 'external', NULL
        FROM (
            SELECT id, convert_from(key, 'UTF8') AS subject, convert_from(value, 'UTF8')::jsonb AS doc
            FROM outbox_message
            WHERE producer = 'ingest' AND strpos(convert_from(value, 'UTF8'), '\\u0000') = 0
        ) e
        WHERE e.doc ->> 'type' = 'milestone.declared' AND e.doc -> 'data' ->> 'plan_key' IS NULL
        ORDER BY e.subject, e.id DESC
        ON CONFLICT DO NOTHING
        """
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_idempotency_record_created_at"), table_name="idempotency_record")
    op.drop_table("idempotency_record")
    op.drop_table("ingest_milestone")
    op.drop_table("api_key")
