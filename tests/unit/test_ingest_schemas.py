"""The strict input rules of ingest's request bodies, as pure validation."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.ingest.schemas import MilestoneIn, SnoozeIn, StatusIn

BASE = {"title": "로드맵 개정", "due": "2025-06-30", "owner": "산업기술정책과"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "a\x00b"}, "title"),
        ({"title": "a\x1bb"}, "title"),
        ({"title": "a\x85b"}, "title"),
        ({"title": "a\ud800b"}, "title"),
        ({"title": "=?UTF-8?Q?=EC=A0=9C?="}, "title"),
        ({"title": "a\tb"}, "title"),
        ({"title": "   "}, "title"),
        ({"owner": "x" * 201}, "owner"),
        ({"section": ["ok"] * 21}, "section"),
        ({"unknown": 1}, "unknown"),
        ({"starts": "1800-01-01"}, "starts"),
        ({"target": {"value": float("nan"), "unit": "건"}}, "target"),
        ({"status": "planned", "done_date": "2025-01-01"}, "done_date"),
    ],
)
def test_milestone_fields_are_refused_naming_the_field(change: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValidationError) as err:
        MilestoneIn.model_validate({**BASE, **change})
    assert field in str(err.value)


def test_notes_keep_tabs_and_newlines_but_not_other_controls() -> None:
    assert StatusIn(status="done", note="첫 줄\n\t둘째 줄").note == "첫 줄\n\t둘째 줄"
    for bad in ("a\x00", "a\x07", "a\udfff"):
        with pytest.raises(ValidationError):
            StatusIn(status="done", note=bad)
    with pytest.raises(ValidationError):
        StatusIn(status="done", progress=101)
    with pytest.raises(ValidationError):
        StatusIn.model_validate({"status": "done", "on_time": True})


def test_a_valid_milestone_becomes_its_declared_event() -> None:
    milestone = MilestoneIn.model_validate({**BASE, "target": {"value": 3, "unit": "건"}, "section": ["Ⅳ"]})
    event = milestone.declared()
    assert event.target is not None and event.target.value == 3 and isinstance(event.target.value, int)
    assert milestone.subject().startswith("api-") and event.kind == "deadline"
    assert SnoozeIn.model_validate({"until": "2025-01-20"}).until.isoformat() == "2025-01-20"
