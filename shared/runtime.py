"""Background work a service runs beside its HTTP API, restarted on failure and stopped together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Background:
    def __init__(self) -> None:
        self.stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def spawn(self, name: str, work: Callable[[asyncio.Event], Awaitable[None]]) -> None:
        self._tasks.append(asyncio.create_task(self._supervise(name, work), name=name))

    async def _supervise(self, name: str, work: Callable[[asyncio.Event], Awaitable[None]]) -> None:
        delay = 0.5
        while not self.stop.is_set():
            try:
                await work(self.stop)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s failed; restarting in %.1fs", name, delay)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), timeout=delay)
                delay = min(delay * 2, 30.0)

    async def close(self, timeout: float = 10.0) -> None:
        self.stop.set()
        if not self._tasks:
            return
        _, pending = await asyncio.wait(self._tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
