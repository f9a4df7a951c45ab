"""Throughput of the milestones consumer on the real stack: N declared events on the broker → applied in
PostgreSQL (state, history, processed-event row). Prints one JSON object.

Uses DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS when set, else the embedded servers; loopback only, bounded."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from mtrack.stack.scratch import scratch_broker, scratch_database
from services.milestones.app import MilestonesSettings, create_app
from services.milestones.models import Milestone
from shared.clock import Clock
from shared.db import make_engine
from shared.events import MilestoneDeclared, Topics, encode, new_envelope
from shared.kafka import make_producer

EVENTS = int(os.environ.get("BENCH_EVENTS", "3000"))


async def _send(producer: Any, topic: str, subject: str, n: int) -> None:
    payload = MilestoneDeclared(title=f"성능 시험 과제 {n}", due=date(2025, 1, 1) + timedelta(days=n % 365))
    env = new_envelope(payload, subject=subject, source="bench", occurred_at=datetime.now(UTC))
    await producer.send(topic, encode(env), key=subject.encode())


async def _wait_for(engine: Any, count: int) -> None:
    while True:
        async with engine.connect() as conn:
            if await conn.scalar(select(func.count()).select_from(Milestone)) >= count:
                return
        await asyncio.sleep(0.05)


async def _run(database_url: str, kafka: str) -> dict[str, object]:
    settings = MilestonesSettings(
        DATABASE_URL=database_url,
        KAFKA_BOOTSTRAP_SERVERS=kafka,
        MTRACK_TOPIC_PREFIX=f"bench{uuid.uuid4().hex[:6]}",
    )
    clock = Clock()
    clock.pin(date(2025, 1, 6))
    app = create_app(settings, clock=clock)
    engine = make_engine(database_url, pool_size=1)
    topic = Topics(settings.topic_prefix).milestone_events
    async with app.router.lifespan_context(app):
        producer = make_producer(settings)
        await producer.start()
        await _send(producer, topic, "bench-warmup", 0)
        await _wait_for(engine, 1)  # the consumer has joined its group (the broker delays a first join)
        start = time.perf_counter()
        for n in range(1, EVENTS + 1):
            await _send(producer, topic, f"bench-{n:06d}", n)
        await producer.flush()
        produced = time.perf_counter() - start
        await producer.stop()
        await _wait_for(engine, EVENTS + 1)
        elapsed = time.perf_counter() - start
    await engine.dispose()
    return {
        "benchmark": "milestones_apply",
        "events": EVENTS,
        "produce_seconds": round(produced, 3),
        "end_to_end_seconds": round(elapsed, 3),
        "events_per_second": round(EVENTS / elapsed, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    with scratch_broker() as kafka, scratch_database("mtrack_bench") as url:
        print(json.dumps(asyncio.run(_run(url, kafka))))


if __name__ == "__main__":
    main()
