"""Waiting for a condition instead of sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


async def eventually(check: Callable[[], Any], *, timeout: float = 30.0, interval: float = 0.1) -> Any:
    """Polls `check` (sync or async) until it returns a truthy value; fails with the last value on timeout."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; last value: {value!r}")
        await asyncio.sleep(interval)


async def get_when_found(client: Any, path: str, *, timeout: float = 30.0) -> Any:
    """GET `path` until it answers 200 (the events behind it are applied asynchronously); the JSON body."""

    async def found() -> Any:
        response = await client.get(path)
        return response.json() if response.status_code == 200 else None

    return await eventually(found, timeout=timeout)
