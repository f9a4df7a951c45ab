"""`제8대 … 의회는 2024년 1월부터 12월까지 운영된다. 의회는 1월 중 개원하며, … 2월부터 12월까지 …`:
in a text with no year of its own, a line's dated period (`2024년 1월`) places the year-less months
the line names after it. A line naming two years leaves them out (which year is meant is unknown)."""

from __future__ import annotations

import re

from .dates import TimeExpr, find_time_exprs

_DATED_MONTH = re.compile(r"(?<![\d.'’‘])((?:19|20)\d{2})\s?년\s?(?:도\s?)?\d{1,2}\s?월")
_ANY_YEAR = re.compile(r"(?<![\d.])(?:19|20)\d{2}(?!\d)")
_REACH = 600  # characters of the line before the sentence: the period is stated just before


def carried_in_line(
    line: str, offset: int, norm: str, exprs: list[TimeExpr], when: tuple[int | None, int | None]
) -> list[TimeExpr]:
    """The year-less dates of the sentence `norm` (at `offset` in `line`) after the line's one dated
    month, in that month's year. `when`: the reference year and month."""
    before = line[max(0, offset - _REACH) : offset]
    own = _DATED_MONTH.search(norm)
    found = own or _DATED_MONTH.search(before)
    if found is None or len(set(_ANY_YEAR.findall(before)) | set(_ANY_YEAR.findall(norm))) != 1:
        return []
    after = found.end() if own else 0  # a period stated in a sentence before covers all of this one
    taken = [(e.start, e.end) for e in exprs]  # in text order, as are the dates found again
    out: list[TimeExpr] = []
    index = 0
    for e in find_time_exprs(norm, when[0], int(found.group(1)), when[1]):
        while index < len(taken) and taken[index][1] <= e.start:
            index += 1
        if e.start >= after and not (index < len(taken) and taken[index][0] < e.end):
            out.append(e)
    return out
