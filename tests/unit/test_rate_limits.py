"""`shared.auth.RateLimits` gives the same answers as the `limits` library's sliding-window counter on
its memory storage (the implementation it replaced), on a pinned clock."""

from __future__ import annotations

import asyncio
import math
import random
import time

import pytest
from limits import parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from shared.auth import RateLimits


async def _reference(limiter: SlidingWindowCounterRateLimiter, spec: str, key: str) -> int | None:
    for item in parse_many(spec):
        if not await limiter.hit(item, key):
            reset, _ = await limiter.get_window_stats(item, key)
            return max(1, math.ceil(reset - time.time()))
    return None


@pytest.mark.parametrize("spec", ["3/minute", "30/second;1200/minute", "5/second;7/minute"])
def test_same_answers_as_the_limits_library(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr("time.time", lambda: now[0])
    ours, limiter = RateLimits(spec), SlidingWindowCounterRateLimiter(MemoryStorage())
    rng = random.Random(8)
    answers = []

    async def run() -> None:
        for _ in range(3000):
            now[0] += rng.expovariate(80 if "second" in spec else 0.1)
            key = rng.choice(["a", "b"])
            expected = await _reference(limiter, spec, key)
            answers.append((ours.retry_after(key), expected))

    asyncio.run(run())
    assert all(mine == theirs for mine, theirs in answers)
    assert any(mine is not None for mine, _ in answers)  # the limit was reached


def test_a_refused_hit_says_when_to_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.time", lambda: 630.0)
    limits = RateLimits("3/minute")
    assert [limits.retry_after("k") for _ in range(4)] == [None, None, None, 30]
