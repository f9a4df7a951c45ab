"""A schedule's detail sentence (fifteenth pass): `4월 23일에는 … 출범식이 있습니다. … 4월 23일 수요일
오후 2시 코엑스에서 … 진행이 됩니다.` gives the day, weekday, hour and place of the event just
announced; it is that event again, not another step. After a `같은 날, X가 있습니다.` line it is X's day,
titled X. Only a day followed by its weekday is read so, and only against the two lines before:
linear in the text."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from .extract import Candidate

_WEEKDAY_AFTER = re.compile(r"\s?(?:\(?[월화수목금토일]\)?\s)?[월화수목금토일]요일")
_SAME_DAY = re.compile(
    r"^\s*같은\s?날\s?,?\s?(?P<event>.{4,80}?)(?:이|가)\s?(?:있습니다|열립니다|개최됩니다)\.?\s*$"
)
_NEAR = 2


def _previous_filled(lines: list[str], line: int) -> str:
    for n in range(line - 1, max(0, line - 1 - _NEAR), -1):
        if lines[n - 1].strip():
            return lines[n - 1]
    return ""


def title_schedule_details(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """Retitle a detail sentence after `같은 날, X가 있습니다`; drop one restating a day just given."""
    seen: dict[date, int] = {}
    out = []
    for item in items:
        e = item.expr_norm
        text = item.located(lines) if e.grain == "day" and e.due is not None else None
        if text is not None and e.due is not None and _WEEKDAY_AFTER.match(text, e.end):
            same_day = _SAME_DAY.match(_previous_filled(lines, item.line))
            if same_day:
                out.append(replace(item, title=same_day.group("event").strip()))
                seen[e.due] = item.line
                continue
            if e.due in seen and item.line - seen[e.due] <= _NEAR:
                continue
        if e.due is not None:
            seen[e.due] = item.line
        out.append(item)
    return out
