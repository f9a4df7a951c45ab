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
