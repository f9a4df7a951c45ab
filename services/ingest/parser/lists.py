"""A sentence that lists rounds (`원서 접수는 제1회 오는 23~26일, 제2회 3월 23~27일, … 이며 필기시험은
제1회 3월 14일, …`): each date is its round's step (`제1회 원서 접수`), the topic carried to every
round; a bare day range of the coming days (`오는 23~26일`) is in the dateline's month."""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from .dates import TimeExpr
from .textnorm import normalise

if TYPE_CHECKING:
    from .extract import Candidate

_BARE_RANGE = re.compile(r"(?<![\d.,'/:~월])(?<=오는\s)([1-3]?\d)\s?[~∼]\s?([1-3]?\d)\s?일(?!\s?(?:간|동안))")


def bare_day_ranges(text: str, doc_date: date, taken: list[tuple[int, int]]) -> list[TimeExpr]:
    """`오는 23~26일` in a text dated the 12th: the 23rd to the 26th of the dateline's month."""
    if "오는" not in text:
        return []
    out: list[TimeExpr] = []
    last = calendar.monthrange(doc_date.year, doc_date.month)[1]
    index = 0  # `taken` is in text order, as are the matches: one pass over both
    for m in _BARE_RANGE.finditer(text):
        while index < len(taken) and taken[index][1] <= m.start():
            index += 1
        first, end = int(m.group(1)), int(m.group(2))
        overlaps = index < len(taken) and taken[index][0] < m.end()
        if overlaps or not doc_date.day < first < end <= last:
            continue
        starts, due = doc_date.replace(day=first), doc_date.replace(day=end)
        out.append(TimeExpr(m.start(), m.end(), "range", starts, due, "day", False))
    return out


_MAX_LINE = 600
_SPACE = re.compile(r"\s")
_TAIL = 160  # characters before a date: the list's topic and the rounds before it
_ROUND = r"(?:제\s?)?[1-9]\d?\s?[회차]"
_LISTED_ROUND = re.compile(
    rf"(?<![가-힣\d~])([가-힣]{{2,8}}(?:\s[가-힣]{{2,8}})?)\s?(?:은|는)\s"
    rf"(?:{_ROUND}\s?(?:오는\s)?[\d\s월일~∼.]+,\s?)*({_ROUND})\s?(?:오는\s)?$"
)


def listed_round_title(norm: str, at: int) -> str:
    """`제1회 원서 접수` for the date at `at` of a normalised sentence listing rounds, or ""."""
    found = _LISTED_ROUND.search(norm[max(0, at - _TAIL) : at]) if at > 0 else None
    return f"{_SPACE.sub('', found.group(2))} {found.group(1)}" if found else ""


def title_listed_rounds(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """Each date of a sentence listing rounds under a topic is that round's step of the topic."""
    out = []
    for item in items:
        line = item.source_line(lines, _MAX_LINE)
        if not item.expr or ("회" not in line and "차" not in line):
            out.append(item)
            continue
        norm = normalise(line)
        title = listed_round_title(norm, norm.find(normalise(item.expr)))
        out.append(replace(item, title=title) if title else item)
    return out
