"""`오늘` in a dated release or briefing (`먼저, 오늘 … 기념식이 오후 2시 과학기술회관에서 있습니다`) is
the dateline's day (fifteenth pass). Only an announcement is read so: `오늘` opening the words of an
event held (`… 있습니다`, `열립니다`, `개최합니다`) in the same sentence; `오늘의 …` and a speaker's
`오늘 우리는 …` are not days of a step. One regex pass over the text: linear."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .dates import TimeExpr

if TYPE_CHECKING:
    from datetime import date

_TODAY = re.compile(r"(?<![가-힣])오늘(?:은|도)?(?=\s)")
_REACH = 90
_HELD = re.compile(r"[^.?!]{2,90}?(?:있습니다|열립니다|열린다|개최합니다|개최됩니다|개최한다|진행됩니다)")


def today_exprs(text: str, doc_date: date, exprs: list[TimeExpr]) -> list[TimeExpr]:
    """The expressions with each `오늘` announcing an event added, on the document's day."""
    added = []
    index = 0  # `exprs` is in text order, as are the matches: one pass over both
    for m in _TODAY.finditer(text):
        while index < len(exprs) and exprs[index].end <= m.start():
            index += 1
        if index < len(exprs) and exprs[index].start < m.end():
            continue
        if _HELD.match(text, m.end(), m.end() + _REACH + 12):
            added.append(TimeExpr(m.start(), m.start() + 2, "deadline", None, doc_date, "day", False))
    return sorted([*exprs, *added], key=lambda e: e.start) if added else exprs
