"""`shared.logs.BatchingHandler`: one write per loop pass for INFO lines, at once outside a loop and for
warnings, nothing lost on `flush()`."""

from __future__ import annotations

import asyncio
import io
import logging

from shared.logs import BatchingHandler


class CountingStream(io.StringIO):
    writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def _logger(stream: CountingStream) -> tuple[logging.Logger, BatchingHandler]:
    handler = BatchingHandler()
    handler.setStream(stream)
    log = logging.getLogger(f"batching-{id(stream)}")
    log.handlers[:], log.propagate = [handler], False
    log.setLevel(logging.INFO)
    return log, handler


def test_lines_of_one_loop_pass_are_one_write_in_order() -> None:
    stream = CountingStream()
    log, _ = _logger(stream)

    async def run() -> str:
        for n in range(5):
            log.info("line %d", n)
        seen = stream.getvalue()
        await asyncio.sleep(0)
        return seen

    assert asyncio.run(run()) == ""
    assert stream.getvalue() == "".join(f"line {n}\n" for n in range(5)) and stream.writes == 1


def test_outside_a_loop_and_for_warnings_it_writes_at_once() -> None:
    stream = CountingStream()
    log, handler = _logger(stream)
    log.info("outside")
    assert stream.getvalue() == "outside\n"

    async def run() -> str:
        log.info("first")
        log.warning("second")
        return stream.getvalue()

    assert asyncio.run(run()) == "outside\nfirst\nsecond\n"
    log.info("again")
    handler.flush()
    assert stream.getvalue().endswith("again\n")
