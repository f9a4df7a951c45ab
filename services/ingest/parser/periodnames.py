"""Periods that are part of a name, not a step's date (fifteenth pass).

`‘15년도 상반기 기술성평가 부처 사업설명회’를 개최한다`, `[2013년도 하반기 기술성 평가]를 실시한다`,
`2015년도 하반기 예타조사 및 기술성평가는 …`: the half names the round of an evaluation (its steps are
dated elsewhere in the text); `오늘 2025년 과학·정보통신의 날 기념식이` names the day's edition. A
careful reader emails nobody about these periods. Each item is checked in a window around its own
expression (located at its recorded offset, never searched for): linear in the text."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .extract import Candidate

_OPENERS = "‘'\"“[「『<《〈"
_CLOSERS = "’'\"”]」』>》〉"
_BEFORE = 2
_AFTER = 40
# words of the name after the period, up to its closing mark (no other date or clause inside)
_NAMED_TAIL = re.compile(
    rf"\s?[^{re.escape(_CLOSERS + _OPENERS)}.。\d]{{2,{_AFTER}}}?[{re.escape(_CLOSERS)}]"
)
_OWN_YEAR = re.compile(r"\d\s?년")
_STEP_PARTICLE = re.compile(r"\s?(?:까지|부터|에|중|내|말|초)")
# `YYYY년도 하반기 기술성평가`: a fiscal year's half naming an evaluation or review round
_ROUND_TAIL = re.compile(
    r"\s?(?:[가-힣A-Za-z&]{1,10}\s?)?(?:평가|조사|심사)(?:는|은|를|을|가|이|\s?및|\s?결과는)?(?=[\s,])"
)
_EVENT_TAIL = re.compile(r"\s?[가-힣A-Za-z·]{1,16}의\s?날(?![가-힣])")


def _is_name(line: str, start: int, end: int, grain: str) -> bool:
    before = line[max(0, start - _BEFORE) : start]
    after = line[end : end + _AFTER + 2]
    # a name opens on its own year (`‘15년도 상반기 …’`); a quoted sentence (`"내년 상반기까지 …"`) dates a step
    own_name = _OWN_YEAR.search(line[start:end]) and any(mark in before for mark in _OPENERS)
    if own_name and not _STEP_PARTICLE.match(after) and _NAMED_TAIL.match(after):
        return True
    if grain == "half" and "년도" in line[start:end] and _ROUND_TAIL.match(after):
        return True
    return grain == "year" and _EVENT_TAIL.match(after) is not None


_HEAD = 5
_LINE_REACH = 400
_ROUND_NAME_YEAR = re.compile(
    rf"[{re.escape(_OPENERS)}]\s?((?:19|20)\d{{2}}|\d{{2}})\s?년도\s?(?:상|하)\s?반기\s[가-힣]"
)


def named_round_year(lines: list[str]) -> int | None:
    """`[2013년도 하반기 기술성 평가]를 실시한다`, `‘15년도 상반기 기술성평가 …’`: the year of the round
    an undated news item is about; it places the round's bare months (`9월말 통보`)."""
    for line in lines[:_HEAD]:
        match = _ROUND_NAME_YEAR.search(line[:_LINE_REACH])
        if match:
            value = int(match.group(1))
            return value if value >= 1900 else 2000 + value
    return None


def drop_named_periods(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """Drop the half-year and year items whose expression is part of a round's or an event's name."""
    out = []
    for item in items:
        e = item.expr_norm
        if e.grain in ("half", "year"):
            line = item.source_line(lines)
            if line[e.start : e.end] == item.expr and _is_name(line, e.start, e.end, e.grain):
                continue
        out.append(item)
    return out
