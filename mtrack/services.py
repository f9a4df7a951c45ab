"""Builds each service from its environment settings; runs scheduled jobs once from the command line."""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import disable_created_metrics

from shared.logs import configure_logging


def build(name: str) -> FastAPI:
    configure_logging(name)
    disable_created_metrics()  # type: ignore[no-untyped-call]  # the `_created` series only add noise to dashboards
    if name == "ingest":
        from services.ingest.app import IngestSettings
        from services.ingest.app import create_app as create_ingest

        return create_ingest(IngestSettings())  # type: ignore[call-arg]
    if name == "milestones":
        from services.milestones.app import MilestonesSettings
        from services.milestones.app import create_app as create_milestones

        return create_milestones(MilestonesSettings())  # type: ignore[call-arg]
    from services.notifier.app import NotifierSettings
    from services.notifier.app import create_app as create_notifier

    return create_notifier(NotifierSettings())  # type: ignore[call-arg]


def job_schedule() -> dict[str, float]:
    from services.milestones.app import ScheduleSettings, job_intervals

    return job_intervals(ScheduleSettings())


async def run_job_once(name: str, *, now: str | None) -> dict[str, int]:
    from services.milestones.app import MilestonesSettings, core_context
    from services.milestones.jobs import JOBS, JobContext
    from shared.clock import clock_from_env
    from shared.db import make_engine

    if name not in JOBS:
        raise SystemExit(f"mtrack jobs run: no job {name!r}; known: {', '.join(JOBS)}")
    settings = MilestonesSettings()  # type: ignore[call-arg]
    engine = make_engine(settings.database_url)
    clock = clock_from_env(now or settings.mtrack_now)
    try:
        return await JOBS[name][0](JobContext(core=core_context(settings, engine, clock)))
    finally:
        await engine.dispose()
