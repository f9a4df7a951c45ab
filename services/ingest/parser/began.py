"""`청송군은 이달 4일까지 '… 보고회'를 진행한다.` then `지난 달 30일부터 진행된 이번 보고회는 …`: the next
line says when the event under way began, so the step is the range from that day (fifteenth pass).
Only the start of the line after a `…까지` day is read: linear in the text."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .extract import Candidate

_BEGAN = re.compile(
    r"^\s*(?P<prev>지난\s?달|지난달|지난)\s?(?P<day>\d{1,2})\s?일\s?부터\s?(?:진행|시작|개최)(?:된|되고\s?있는|한)\s?이번"
)


def _start(due: date, previous_month: bool, day: int) -> date | None:
    month_first = due.replace(day=1)
    base = (month_first - timedelta(days=1)).replace(day=1) if previous_month else month_first
    try:
        start = base.replace(day=day)
    except ValueError:
        return None
    return start if start < due else None


def join_began_days(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """A `…까지` day whose next line tells the day the event began is the range from that day."""
    out = []
    for item in items:
        e = item.expr_norm
        if e.grain == "day" and e.starts is None and e.due is not None and item.line < len(lines):
            began = _BEGAN.match(lines[item.line][:60])
            if began:
                start = _start(e.due, "달" in began.group("prev"), int(began.group("day")))
                if start is not None:
                    item = _ranged(item, start)
        out.append(item)
    return out


def _ranged(item: Candidate, start: date) -> Candidate:
    return replace(item, expr_norm=item.expr_norm._replace(kind="range", starts=start))
