"""Which guessed rows a staged batch must run its rules again on (services/milestones/staging.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.milestones.domain import Milestone
from services.milestones.staging import differing


def test_a_guess_differs_in_presence_or_any_written_column_not_in_the_stores_own() -> None:
    row = Milestone(id="a", title="과제", due_date=date(2025, 6, 30), progress=10)
    same = Milestone(**{**row.__dict__, "updated_at": datetime(2025, 3, 5, tzinfo=UTC)})  # store's own
    moved = Milestone(**{**row.__dict__, "progress": 20})
    guess = {"a": row, "b": row, "c": row}
    real = {"a": same, "b": moved, "d": row}
    assert differing(guess, real, ["a", "b", "c", "d", "e"]) == ["b", "c", "d"]
