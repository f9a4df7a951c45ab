"""A throw-away database (and broker) for benchmarks and one-off runs: the configured servers
(`DATABASE_URL`, `KAFKA_BOOTSTRAP_SERVERS`) or embedded ones, a fresh database migrated to head,
everything dropped and stopped afterwards."""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url


def plain_dsn(url: str) -> str:
    """The libpq form of a SQLAlchemy URL (asyncpg takes no driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def execute(url: str, sql: str) -> None:
    conn = await asyncpg.connect(plain_dsn(url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """The URL of a new database named `<prefix>_<random>`, at the Alembic head; dropped on exit."""
    from mtrack.migrate import upgrade
    from mtrack.stack.postgres import EmbeddedPostgres

    with ExitStack() as stack:
        server = os.environ.get("DATABASE_URL")
        if not server:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            embedded = EmbeddedPostgres(folder / "pg", keep=False)
            server = embedded.start()
            stack.callback(embedded.stop)
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        asyncio.run(execute(server, f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
        stack.callback(lambda: asyncio.run(execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url


@contextmanager
def scratch_broker() -> Iterator[str]:
    """`KAFKA_BOOTSTRAP_SERVERS`, or an embedded broker stopped on exit."""
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    from mtrack.stack.kafka import EmbeddedKafka

    broker = EmbeddedKafka()
    try:
        yield broker.start()
    finally:
        broker.stop()
