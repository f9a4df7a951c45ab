"""`mtrack jobs run digest [--now D]`: the digests (and immediate mails, webhooks) due, sent at once,
whatever the hour, with the clock pinned to D (09:00 Asia/Seoul) when given."""

from __future__ import annotations

from services.notifier.app import JOB, DeliverySettings, NotifierSettings, job_intervals, make_dispatcher
from shared.clock import clock_from_env
from shared.db import make_engine, make_sessionmaker

JOBS = (JOB,)


def schedule() -> dict[str, float]:
    return job_intervals(DeliverySettings())


async def run_once(name: str, *, now: str | None) -> dict[str, int]:
    settings = NotifierSettings()  # type: ignore[call-arg]
    engine = make_engine(settings.database_url)
    try:
        clock = clock_from_env(now or settings.mtrack_now)
        dispatcher = make_dispatcher(settings, make_sessionmaker(engine), clock=clock)
        return await dispatcher.run(force=True)
    finally:
        await engine.dispose()
