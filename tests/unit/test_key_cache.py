"""The key cache's refresh-ahead: a request is answered from a valid entry while its reload runs; only an
expired entry makes requests wait (so a revocation takes effect within the TTL)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from shared.auth import KeyCache, Principal, _Entry, hash_key

SECRET = "mtk_example"
NO_DATABASE = object  # never called: the loads are stubbed
ALICE = Principal("alice", frozenset({"*"}), frozenset({"read"}))


class GatedCache(KeyCache):
    """Loads answer `answer` once `gate` is set; counts the loads."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.answer: Principal | None = ALICE
        self.loads = 0

    async def _load(self, session_factory: Any, digest: str, now: float) -> Principal | None:
        self.loads += 1
        await self.gate.wait()
        self.entries[digest] = _Entry(self.answer, now + self.ttl)
        return self.answer


def _age(cache: KeyCache, left: float) -> None:
    """Leaves the entry `left` seconds of its life (negative: expired that long ago)."""
    entry = cache.entries[hash_key(SECRET)]
    entry.expires = time.monotonic() + left


async def test_a_fresh_entry_is_served_without_a_load() -> None:
    cache = GatedCache()
    cache.gate.set()
    assert await cache.principal(NO_DATABASE, SECRET) == ALICE
    assert await cache.principal(NO_DATABASE, SECRET) == ALICE
    assert cache.loads == 1


async def test_an_aging_entry_is_served_while_one_reload_runs_behind_it() -> None:
    cache = GatedCache()
    cache.gate.set()
    await cache.principal(NO_DATABASE, SECRET)
    cache.gate.clear()
    cache.answer = None  # revoked meanwhile
    _age(cache, cache.ttl / 4)
    answers = [await cache.principal(NO_DATABASE, SECRET) for _ in range(3)]
    assert answers == [ALICE, ALICE, ALICE]  # nobody waited for the reload
    reload = cache.loading[hash_key(SECRET)]
    cache.gate.set()
    await reload
    assert cache.loads == 2  # one reload for all of them
    assert await cache.principal(NO_DATABASE, SECRET) is None  # the reload's answer replaces the entry


async def test_an_expired_entry_makes_requests_wait_for_the_reload() -> None:
    cache = GatedCache()
    cache.gate.set()
    await cache.principal(NO_DATABASE, SECRET)
    cache.gate.clear()
    cache.answer = None
    _age(cache, -0.001)
    waiting = asyncio.ensure_future(cache.principal(NO_DATABASE, SECRET))
    await asyncio.sleep(0)
    assert not waiting.done()
    cache.gate.set()
    assert await waiting is None


async def test_a_failed_background_reload_is_not_raised_and_the_entry_expires() -> None:
    class Failing(GatedCache):
        async def _load(self, session_factory: Any, digest: str, now: float) -> Principal | None:
            self.loads += 1
            if self.loads > 1:
                raise ConnectionError("database down")
            return await super()._load(session_factory, digest, now)

    cache = Failing()
    cache.gate.set()
    await cache.principal(NO_DATABASE, SECRET)
    _age(cache, cache.ttl / 4)
    assert await cache.principal(NO_DATABASE, SECRET) == ALICE
    with pytest.raises(ConnectionError):
        await cache.loading[hash_key(SECRET)]  # what the background reload met, raised nowhere else
    _age(cache, -0.001)
    with pytest.raises(ConnectionError):
        await cache.principal(NO_DATABASE, SECRET)  # an expired entry whose reload fails does not answer
