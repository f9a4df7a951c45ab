"""Calls told in news (thirteenth pass of issue #12): the year a plan's later call is in, the end a
start's note gives (`11월 13일부터(18일 마감)`), and the call a sentence announces (`… 과제를 공고한다`)."""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date, timedelta
from itertools import islice
from typing import TYPE_CHECKING

from .textnorm import normalise

if TYPE_CHECKING:
    from .extract import Candidate

_HEAD = 12  # lines: the call is named in the lead paragraphs
_MAX_LINE = 400
# `'2020년도 국가혁신융복합단지지원(R&D) 지원계획' 2차 공고`: a year's plan issues its second and later
# calls in that year, so `올해` of a text about one is that year.
_LATER_CALL = re.compile(
    r"[‘'「“\"]\s?((?:19|20)\d{2})\s?년도?\s[^’'」”\"]{2,40}계획\s?[’'」”\"]\s?(?:에\s?따른\s)?제?\s?[2-9]\s?차\s?(?:추가\s?)?공고"
)


def later_call_year(lines: list[str]) -> int | None:
    """The year of the plan whose second or later call an undated text announces."""
    for line in lines[:_HEAD]:
        found = _LATER_CALL.search(normalise(line[:_MAX_LINE]))
        if found is not None:
            return int(found.group(1))
    return None


# `오는 11월 13일부터(18일 마감)`: the note after a start names the day it closes.
_CLOSING_NOTE = re.compile(r"\s?\(\s?([1-3]?\d)\s?일\s?(?:마감|까지)\s?\)")
# `올해 12월부터 1차년, 2021년 1월~12월 2차년`: a stage that opens where the next one's start closes it.
_STAGE_AFTER = re.compile(r"\s?(?:[1-9]\s?차\s?년도?|[1-9]\s?단계|[1-9]\s?년\s?차)(?=[\s,.]|$)")


def _closing_day(start: date, day: int) -> date | None:
    month, year = (start.month, start.year) if day >= start.day else (start.month % 12 + 1, start.year)
    if month < start.month:
        year += 1
    if day > calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def _closed(item: Candidate, line: str, next_start: date | None) -> Candidate:
    expr = item.expr_norm
    at = line.find(item.expr) if item.expr else -1
    if expr.kind != "ongoing" or expr.starts is None or at < 0:
        return item
    after = at + len(item.expr)
    note = _CLOSING_NOTE.match(line, after)
    due = _closing_day(expr.starts, int(note.group(1))) if note and expr.grain == "day" else None
    if (
        due is None
        and next_start is not None
        and next_start > expr.starts
        and _STAGE_AFTER.match(line, after)
    ):
        due = next_start - timedelta(days=1)
    return item if due is None else replace(item, expr_norm=expr._replace(kind="range", due=due))


def close_open_starts(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """A start closed by its note (`13일부터(18일 마감)`) or, as a stage, by the next stage's start
    on its line, is a period to that day."""
    out = []
    for index, item in enumerate(items):
        later = items[index + 1] if index + 1 < len(items) else None
        next_start = later.expr_norm.starts if later is not None and later.line == item.line else None
        out.append(_closed(item, item.source_line(lines, _MAX_LINE), next_start))
    return out


# `13일부터 3월 15일까지 … 8개 과제를 공고한다`: a period whose sentence closes on announcing a call is
# the call, named by its quoted name (`'2020년도 … 지원계획' 2차 공고`) in the sentence or the headlines.
_ANNOUNCES = re.compile(r"공고(?:한다|할\s?(?:예정|계획)|를\s?(?:추진한다|낸다|실시한다|진행한다))")
_NAMED_CALL = re.compile(
    r"[‘'「“\"]\s?([^‘’'「」“”\"]{4,50}?)\s?[’'」”\"]\s?((?:제?\s?[1-9]\s?차|[가-힣]{1,4})\s)?공고"
)
_HEADLINES = 3
_SENTENCE_REACH = 300


def _call_name(text: str) -> str:
    found = _NAMED_CALL.search(text)
    if found is None:
        return ""
    kind = (found.group(2) or "").strip()
    return " ".join(f"{found.group(1).strip()} {kind} 공고".split())


def _announced_call(item: Candidate, lines: list[str], heads: list[str]) -> str:
    line = normalise(item.source_line(lines, _MAX_LINE))
    at = line.find(normalise(item.expr)) if item.expr else -1
    if at < 0 or item.expr_norm.kind not in ("range", "ongoing"):
        return ""
    close = line.find("다.", at, at + _SENTENCE_REACH)
    sentence = line[at : close + 2 if close >= 0 else at + _SENTENCE_REACH]
    if not _ANNOUNCES.search(sentence):
        return ""
    return _call_name(sentence) or next((name for head in heads if (name := _call_name(head))), "")


def title_announced_calls(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """A period whose sentence announces a call is titled by the call's quoted name."""
    if "공고" not in "".join(line[:_MAX_LINE] for line in lines[:_HEAD]):
        return items
    heads = [normalise(line[:_MAX_LINE]) for line in islice((t for t in lines if t.strip()), _HEADLINES)]
    out = []
    for item in items:
        title = _announced_call(item, lines, heads)
        out.append(replace(item, title=title) if title else item)
    return out
