"""`mtrack jobs run digest [--now D]`: the digests (and immediate mails, webhooks) due, sent at once,
whatever the hour, with the clock pinned to D (09:00 Asia/Seoul) when given."""

from __future__ import annotations

import os
from pathlib import Path

from services.notifier.app import JOB, DeliverySettings, NotifierSettings, job_intervals, make_dispatcher
from shared.clock import clock_from_env
from shared.db import make_engine, make_sessionmaker

JOBS = (JOB,)


def load_stack_env(state_dir: Path = Path(".mtrack")) -> None:
    """Fills unset variables from a running `mtrack run`'s `stack.env` and `action-secret`, so
    `mtrack jobs run digest` in a second shell talks to that stack and signs links it accepts."""
    env_file = state_dir / "stack.env"
    if env_file.exists():
        for line in env_file.read_text(encoding="utf-8").splitlines():
            name, sep, value = line.partition("=")
            if sep and name and name not in os.environ:
                os.environ[name] = value
    secret = state_dir / "action-secret"
    if secret.exists() and "MTRACK_ACTION_SECRET" not in os.environ:
        os.environ["MTRACK_ACTION_SECRET"] = secret.read_text(encoding="utf-8").strip()


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
