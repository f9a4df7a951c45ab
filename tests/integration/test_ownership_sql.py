"""Ingest's ownership table (services/ingest/ownership.py) against real PostgreSQL: who may restate what,
and one SQL text per statement whatever the number of rows (asyncpg prepares and caches every distinct
text on every pooled connection: texts that vary with a batch's size grew RSS under the soak)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import event, select

from services.ingest import ownership
from services.ingest.models import KnownMilestone
from shared.auth import Principal
from shared.db import make_engine, make_sessionmaker

MARKET, POLICY = "산업기술시장과", "산업기술정책과"


def _key(*departments: str) -> Principal:
    return Principal("k", frozenset(departments), frozenset({"milestones:write"}))


async def test_ownership_statements_keep_one_text_and_their_rules(database_url: str) -> None:
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    texts: list[set[str]] = []

    def seen(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        texts[-1].add(statement)

    tag = uuid.uuid4().hex[:8]
    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        for size in range(1, 6):
            texts.append(set())
            plan = [{"id": f"plan-{tag}-{size}-{i}", "owner": POLICY} for i in range(size)]
            external = {f"ext-{tag}-{size}-{i}": MARKET for i in range(size)}
            async with sessions() as session, session.begin():
                await ownership.register_plan(session, plan, plan_key=f"p-{tag}")
                await ownership.claim_external(session, _key(MARKET), external)
                owners = await ownership.owners_of(session, [*external, *(p["id"] for p in plan)])
            assert owners == {**external, **{p["id"]: POLICY for p in plan}}
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)
    assert set().union(*texts[2:]) <= texts[0] | texts[1]

    async with sessions() as session, session.begin():
        # a plan's id, or another department's, is refused; restating one's own is allowed
        with pytest.raises(ownership.IdTaken):
            await ownership.claim_external(session, _key(MARKET), {f"plan-{tag}-1-0": MARKET})
    async with sessions() as session, session.begin():
        with pytest.raises(ownership.IdTaken):
            await ownership.claim_external(session, _key(POLICY), {f"ext-{tag}-1-0": POLICY})
    async with sessions() as session, session.begin():
        await ownership.claim_external(session, _key("*"), {f"ext-{tag}-1-0": POLICY})
        # a re-ingested plan keeps its ids the plan's, with the owner the new version writes
        await ownership.register_plan(session, [{"id": f"plan-{tag}-1-0", "owner": None}], plan_key="p2")
    async with sessions() as session:
        rows = {
            m.id: (m.owner, m.origin, m.plan_key)
            for m in await session.scalars(
                select(KnownMilestone).where(KnownMilestone.id.in_([f"ext-{tag}-1-0", f"plan-{tag}-1-0"]))
            )
        }
    assert rows == {f"ext-{tag}-1-0": (POLICY, "external", None), f"plan-{tag}-1-0": (None, "plan", "p2")}
    await engine.dispose()
