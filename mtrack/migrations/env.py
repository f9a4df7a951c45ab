"""Alembic environment: one schema for the three services, applied once before they start."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

import shared.dead_letters  # (registers the tables on the metadata)
import shared.outbox  # noqa: F401
from shared.db import Base, make_engine

target_metadata = Base.metadata


def _url() -> str:
    return context.config.get_main_option("sqlalchemy.url") or os.environ["DATABASE_URL"]


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = make_engine(_url(), bulk=True)  # a backfill may run longer than the services' timeout
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = context.config.attributes.get("connection")
    if connection is None:
        asyncio.run(_run_online())
    else:
        _run(connection)
