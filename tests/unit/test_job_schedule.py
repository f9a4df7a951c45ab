"""`mtrack jobs list` shows the intervals the milestones service will use, from the environment."""

import pytest

from mtrack.cli import main


def test_jobs_list_shows_the_configured_sweep_interval(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MTRACK_SWEEP_SECONDS", "15")
    monkeypatch.setenv("MTRACK_DIGEST_SECONDS", "30")
    assert main(["jobs", "list"]) == 0
    assert capsys.readouterr().out == "deadline-sweep\tevery 15s\ndigest\tevery 30s\n"


def test_the_sweep_also_runs_right_after_midnight_in_seoul() -> None:
    from datetime import datetime

    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from services.milestones.app import ScheduleSettings, schedule_jobs
    from shared.clock import SEOUL

    scheduler = AsyncIOScheduler(timezone=SEOUL)
    schedule_jobs(scheduler, ScheduleSettings(MTRACK_SWEEP_SECONDS=900), lambda name: None)
    midnight = scheduler.get_job("deadline-sweep-midnight")
    after_lunch = datetime(2025, 3, 4, 13, 0, tzinfo=SEOUL)
    fire = midnight.trigger.get_next_fire_time(None, after_lunch)
    assert fire == datetime(2025, 3, 5, 0, 0, 5, tzinfo=SEOUL)
    assert scheduler.get_job("deadline-sweep").trigger.interval.total_seconds() == 900
