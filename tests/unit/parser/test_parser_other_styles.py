"""Plans written the way other ministries write them (documents we composed in their styles: schedule
tables, 가./나. headings, date-first steps, quoted plans, history and baselines). Each expected file
lists every milestone as `line | expr | kind | starts | due | title | owner`, reviewed by hand.
Regenerate with `MTRACK_REGEN=1`, then re-read the diff."""

import os
from pathlib import Path

import pytest

from services.ingest.parser import parse_plan

HERE = Path(__file__).parent / "other_styles"
DOCUMENTS = sorted(HERE.glob("*.txt"))


def _rows(text: str) -> list[str]:
    plan = parse_plan(text)
    return [
        " | ".join(str(value) for value in (m.line, m.expr, m.kind, m.starts, m.due, m.title, m.owner))
        for m in plan.milestones
    ]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.stem)
def test_other_style_plans(document: Path) -> None:
    expected_file = document.with_suffix(".expected")
    rows = _rows(document.read_text(encoding="utf-8"))
    if os.environ.get("MTRACK_REGEN") == "1":
        expected_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert rows == expected_file.read_text(encoding="utf-8").splitlines()


def test_every_document_has_an_expected_file() -> None:
    assert len(DOCUMENTS) >= 6
    assert all(path.with_suffix(".expected").exists() for path in DOCUMENTS)
