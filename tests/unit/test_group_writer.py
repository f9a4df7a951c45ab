"""The status group writer's logic (services/ingest/fast_path.py), with a stand-in pool: concurrent
updates share one statement and each gets its own answer; a lost database is a ConnectionError (503)
for every update of the group, any other refusal a Fallback to the general path. The statement itself
runs against PostgreSQL in tests/integration (test_api_security.py)."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import asynccontextmanager
from typing import Any

import pytest

from services.ingest.fast_path import Fallback, GroupWriter, _Row


class Pool:
    def __init__(self, fail: BaseException | None = None) -> None:
        self.calls: list[list[str]] = []
        self.fail = fail

    @asynccontextmanager
    async def acquire(self) -> Any:
        yield self

    async def fetch(self, sql: str, n: list[int], ids: list[str], *rest: Any) -> list[dict[str, Any]]:
        self.calls.append(ids)
        await asyncio.sleep(0.01)  # the statement's round trip, while more updates arrive
        if self.fail is not None:
            raise self.fail
        return [{"known": i != "unknown", "owner": "과", "queued": i != "unknown"} for i in ids]


def _row(mid: str) -> _Row:
    return _Row(mid, uuid.uuid4(), "topic", mid.encode(), b"{}", None)


async def _with_writer(pool: Pool, ids: list[str], writers: int = 1) -> list[Any]:
    writer = GroupWriter(pool, writers=writers)  # type: ignore[arg-type]
    stop = asyncio.Event()
    running = asyncio.create_task(writer.run(stop))
    try:
        return await asyncio.gather(*(writer.write(_row(i)) for i in ids), return_exceptions=True)
    finally:
        stop.set()
        await running


async def test_concurrent_updates_share_one_statement_and_get_their_own_answers() -> None:
    pool = Pool()
    answers = await _with_writer(pool, ["a", "unknown", "c"])
    assert pool.calls == [["a", "unknown", "c"]]
    assert [(a.known, a.queued) for a in answers] == [(True, True), (False, False), (True, True)]


@pytest.mark.parametrize(
    ("failure", "expected"), [(OSError("refused"), ConnectionError), (ValueError("x"), Fallback)]
)
async def test_a_failed_group_fails_each_update_alike(failure: BaseException, expected: type) -> None:
    answers = await _with_writer(Pool(failure), ["a", "b"])
    assert [type(a) for a in answers] == [expected, expected]
