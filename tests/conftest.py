"""Real servers for the integration and e2e tiers: PostgreSQL (DATABASE_URL or embedded), the tansu broker
(KAFKA_BOOTSTRAP_SERVERS or embedded) and an aiosmtpd server on loopback. Started once, lazily."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from mtrack.migrate import upgrade
from mtrack.stack.kafka import EmbeddedKafka
from mtrack.stack.postgres import EmbeddedPostgres
from mtrack.stack.smtp import MailFolder
from shared.clock import Clock

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "plans"


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database on the configured server (or an embedded one), migrated to head by Alembic."""
    embedded = None
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        embedded = EmbeddedPostgres(tmp_path_factory.mktemp("pg") / "data", keep=False)
        server_url = embedded.start()
    name = f"mtrack_test_{uuid.uuid4().hex[:10]}"
    admin = _asyncpg_dsn(server_url)
    asyncio.run(_execute(admin, f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    asyncio.run(_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if embedded:
        embedded.stop()


async def _execute(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def kafka_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    broker = EmbeddedKafka(log_file=tmp_path_factory.mktemp("kafka") / "tansu.log")
    yield broker.start()
    broker.stop()


@pytest.fixture(scope="session")
def mail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailFolder]:
    folder = MailFolder(tmp_path_factory.mktemp("mail"))
    folder.start()
    yield folder
    folder.stop()


@dataclass
class Stack:
    """The three services in-process, each with its real lifespan (consumers, relays, scheduler)."""

    ingest: httpx.AsyncClient
    milestones: httpx.AsyncClient
    notifier: httpx.AsyncClient
    milestones_app: object
    clock: Clock
    topics_prefix: str
    database_url: str
    kafka_servers: str
    mail: MailFolder
    ingest_app: object = None
    admin_key: str = ""


@pytest.fixture(scope="module")
def env_for(database_url: str, kafka_servers: str, mail: MailFolder) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_servers,
        "MTRACK_TOPIC_PREFIX": f"t{uuid.uuid4().hex[:8]}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(mail.port),
        "MTRACK_SWEEP_SECONDS": "3600",
        "MTRACK_MILESTONES_GROUP": f"g-milestones-{uuid.uuid4().hex[:6]}",
        "MTRACK_NOTIFIER_GROUP": f"g-notifier-{uuid.uuid4().hex[:6]}",
    }


@pytest.fixture(scope="module")
async def stack(env_for: dict[str, str], mail: MailFolder) -> AsyncIterator[Stack]:
    """One stack per test module (a consumer group join costs the broker's rebalance delay, ~5 s);
    tests use their own milestone ids and pin the clock they need."""
    from services.ingest.app import IngestSettings
    from services.ingest.app import create_app as create_ingest
    from services.milestones.app import MilestonesSettings
    from services.milestones.app import create_app as create_milestones
    from services.notifier.app import NotifierSettings
    from services.notifier.app import create_app as create_notifier

    clock = Clock()
    clock.pin(date(2025, 1, 6))
    from shared.auth import SCOPES, RateLimits

    milestones_app = create_milestones(MilestonesSettings(**env_for), clock=clock)
    apps = {
        "milestones": milestones_app,
        "notifier": create_notifier(NotifierSettings(**env_for), clock=clock),
        "ingest": create_ingest(IngestSettings(**env_for), clock=clock),
    }
    admin_key = await make_key(env_for["DATABASE_URL"], f"admin-{uuid.uuid4().hex[:8]}", ["*"], list(SCOPES))
    async with AsyncExitStack() as exits:
        clients = {}
        for name, app in apps.items():
            # the tests poll quickly with one key; a rate-limit test sets its own limits
            app.state.rate_limits = RateLimits("100000/second")
            await exits.enter_async_context(app.router.lifespan_context(app))
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url=f"http://{name}",
                headers={"authorization": f"Bearer {admin_key}"},
            )
            clients[name] = await exits.enter_async_context(client)
        yield Stack(
            ingest=clients["ingest"],
            milestones=clients["milestones"],
            notifier=clients["notifier"],
            milestones_app=apps["milestones"],
            clock=clock,
            topics_prefix=env_for["MTRACK_TOPIC_PREFIX"],
            database_url=env_for["DATABASE_URL"],
            kafka_servers=env_for["KAFKA_BOOTSTRAP_SERVERS"],
            mail=mail,
            ingest_app=apps["ingest"],
            admin_key=admin_key,
        )


async def make_key(database_url: str, name: str, departments: list[str], scopes: list[str]) -> str:
    """A new API key in the test database; returns its secret."""
    from shared.auth import create_key
    from shared.db import make_engine, make_sessionmaker

    engine = make_engine(database_url, pool_size=1)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            return await create_key(session, name=name, departments=departments, scopes=scopes)
    finally:
        await engine.dispose()
