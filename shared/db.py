"""SQLAlchemy 2 base with a constraint naming convention, and the async engine factory."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, String, bindparam, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)


def async_url(url: str) -> str:
    """Accept plain `postgresql://` URLs (as libpq and the embedded server write them) for asyncpg."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


# A statement or an idle transaction that hangs (a lock wait behind a stuck session, a runaway query)
# is cancelled by PostgreSQL instead of holding a connection and a consumer forever; the cancellation
# (SQLSTATE 57014; an idle transaction's session is closed) is a transient failure for the consumer loop (shared/failures.py).
# MTRACK_DB_STATEMENT_TIMEOUT_MS=0 turns it off (e.g. for a one-off bulk load).
DEFAULT_STATEMENT_TIMEOUT_MS = 30_000
IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000


def session_settings(env: dict[str, str] | None = None) -> dict[str, str]:
    """PostgreSQL settings every service connection starts with (asyncpg `server_settings`)."""
    env = dict(os.environ) if env is None else env
    raw = env.get("MTRACK_DB_STATEMENT_TIMEOUT_MS", str(DEFAULT_STATEMENT_TIMEOUT_MS))
    try:
        timeout = int(raw)
    except ValueError:
        raise ValueError(f"MTRACK_DB_STATEMENT_TIMEOUT_MS must be an integer, got {raw!r}") from None
    if timeout < 0:
        raise ValueError("MTRACK_DB_STATEMENT_TIMEOUT_MS must be >= 0")
    return {
        "statement_timeout": str(timeout),
        "idle_in_transaction_session_timeout": str(IDLE_IN_TRANSACTION_TIMEOUT_MS if timeout else 0),
    }


def make_engine(url: str, *, pool_size: int = 5, bulk: bool = False) -> AsyncEngine:
    """`bulk`: no statement timeout (migrations: a backfill may rightly run for minutes)."""
    settings = session_settings({"MTRACK_DB_STATEMENT_TIMEOUT_MS": "0"} if bulk else None)
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        pool_pre_ping=True,
        connect_args={"server_settings": settings},
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:  # type: ignore[type-arg]
    return async_sessionmaker(engine, expire_on_commit=False)


def array(name: str, values: list[Any] | None, item: Any = String) -> Any:
    """A bound array parameter (`= ANY(:name)`, `!= ALL(:name)`, `unnest(:name)`): one SQL text whatever
    the length. An IN list or a multi-row VALUES is a new text for every length, and asyncpg prepares and
    keeps each one in every pooled connection's statement cache: under a varying load RSS grows in the C
    heap (the notifier's soak, +11 %) while the Python heap looks flat."""
    return bindparam(name, values, type_=ARRAY(item))


def columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Rows (dicts with the same keys) as one list per key: the arrays of an `unnest` statement."""
    return {key: [row[key] for row in rows] for key in rows[0]}
