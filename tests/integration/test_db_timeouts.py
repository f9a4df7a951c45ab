"""A runaway statement is cancelled by PostgreSQL, and the consumer loop sees it as transient."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from shared.db import make_engine
from shared.failures import Failure, classify


async def test_service_connections_carry_the_statement_timeout(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            assert await conn.scalar(text("SHOW statement_timeout")) == "30s"
    finally:
        await engine.dispose()


async def test_a_statement_past_the_timeout_is_cancelled_as_transient(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MTRACK_DB_STATEMENT_TIMEOUT_MS", "50")
    engine = make_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            with pytest.raises(DBAPIError) as caught:
                await conn.execute(text("SELECT pg_sleep(30)"))
        assert classify(caught.value) is Failure.TRANSIENT
        assert "statement timeout" in str(caught.value)
    finally:
        await engine.dispose()


async def test_migrations_run_without_the_timeout(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=1, bulk=True)
    try:
        async with engine.connect() as conn:
            assert await conn.scalar(text("SHOW statement_timeout")) == "0"
    finally:
        await engine.dispose()
