"""What the twelfth pass (issue #12) reads in the sentences of news items and notices around a date:
the sentence's topic names the step (`접수기간은 28일부터 6월 17일까지로` is the subject's reception,
`심사결과는 7월중 … 알릴 예정` the announcement of its result), a request to apply (`신청을 원하시는 … 20.1.16.(목)까지 …
제출`) is the subject's application, an event named right after the date (`11월 최종보고회를 거쳐 …
마련할 계획`) is the step rather than the goal after it; a plan's period in its name (`차기
5개년(2022~2026) 기본계획`) is no step. Each rule reads a bounded window of the item's line."""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from .dates import TimeExpr, shift_years
from .prose import is_past
from .textnorm import normalise

if TYPE_CHECKING:
    from collections.abc import Callable

    from .extract import Candidate

_MAX_LINE = 400
_BEFORE = 24  # characters read before a date
_AFTER = 24  # characters read after it
_LABEL_TOPIC = re.compile(
    r"(?:^|[\s,.])((?:접수|신청|모집|공모|응모|제출|참가|행사|교육|운영)\s?(?:기간|기한|일정|일시))\s?(?:은|는)\s$"
)
_RESULT_TOPIC = re.compile(
    r"(?:^|[\s,.])((?:(?:최종|제?[1-9]차)\s)?[가-힣]{0,4}(?:결과|합격자|수상작))\s?(?:은|는)\s$"
)
_ASKS_TO_APPLY = re.compile(r"신청(?:을|를)\s?(?:원하|희망하)|신청하(?:실|려는|고자\s?하는)\s")
_BY_THEN = re.compile(r"\.?\s?(?:\([월화수목금토일]\))?\s?까지")
_EVENT_AFTER = re.compile(
    r"^\s?((?:[가-힣]{1,4}\s)?[가-힣]{0,6}(?:보고회|설명회|공청회|토론회|간담회|발표회|심의|평가))\s?(?:을|를)\s?거쳐"
)
# `1월4일 통일부 등 4개 부처가 먼저 보고한다` under `새해 업무보고 일정 발표`: each day's work report.
_REPORTS = re.compile(r"보고(?:한다|할\s|하기로|하게)")
_RECEIVED = re.compile(r"((?:[가-힣]{1,6}\s){0,2}?(?:(?:19|20)\d{2}\s?년(?:도)?\s)?업무보고)(?:를|을)\s?받")
_REPORTER_TAIL = re.compile(r"(?:이|가)?\s?(?:먼저\s|가장\s)?(?:보고)?$")
_QUOTED = re.compile(r"['‘\"“「]([^'’\"”」]{4,40})['’\"”」]")
_NAME_PERIOD = re.compile(r"(?:계획|개년)\s?\($")


def _window(line: str, item: Candidate) -> tuple[str, str] | None:
    expr = normalise(item.expr) if item.expr else ""
    at = line.find(expr) if expr else -1
    if at < 0:
        return None
    return line[max(0, at - _BEFORE) : at], line[at + len(expr) : at + len(expr) + _AFTER]


def _retitled(item: Candidate, line: str, subject: str, step: Callable[[str], str], head: str) -> Candidate:
    window = _window(line, item)
    if window is None:
        return item
    before, after = window
    if label := _LABEL_TOPIC.search(before):
        return replace(item, title=step(label.group(1).replace(" ", "")))
    if subject and (result := _RESULT_TOPIC.search(before)):
        return replace(item, title=f"{subject} {result.group(1)} 발표")  # what is told of a result
    by_then = item.expr.endswith("까지") or _BY_THEN.match(after) is not None
    if subject and item.expr_norm.grain == "day" and by_then and _ASKS_TO_APPLY.search(line):
        return replace(item, title=f"{subject} 신청")
    if "업무보고" in head:
        at = line.find(normalise(item.expr))
        close = line.find("다.", at)
        end = close + 2 if close >= 0 else at + _MAX_LINE
        if received := _RECEIVED.search(line, at, end):
            return replace(item, title=received.group(1))  # `… 각 부처의 2017년 업무보고를 받는다`
        if _REPORTS.search(line, at, end):
            return replace(item, title=f"{_REPORTER_TAIL.sub('', item.title)} 업무보고")
    if event := _EVENT_AFTER.match(after):
        quoted = _QUOTED.search(head)
        name = quoted.group(1).strip() if quoted else subject
        return replace(item, title=f"{name} {event.group(1)}".strip())
    return item


def title_by_sentence(
    items: list[Candidate], lines: list[str], subject: str, step: Callable[[str], str]
) -> list[Candidate]:
    head = normalise(next((line for line in lines if line.strip()), ""))[:_MAX_LINE]
    out = []
    for item in items:
        line = normalise(item.source_line(lines, _MAX_LINE))
        window = _window(line, item)
        if window is not None and item.expr_norm.grain == "year" and _NAME_PERIOD.search(window[0]):
            continue  # `기본계획(2017~2021)`, `차기 5개년(2022~2026) 기본계획`: the name's period
        out.append(_retitled(item, line, subject, step, head))
    return out


_HALF_YEAR = 183  # days
_PAST_ATTRIBUTIVE = re.compile(r"\s?(?:에\s)?[가-힣]{0,6}(?:한|된|던)\s")


def ahead_of_dateline(norm: str, expr: TimeExpr, doc_date: date) -> TimeExpr:
    """`1월4일 … 먼저 보고한다` in an article dated 2016.12.23: a year-less day half a year or more
    before the dateline, in a sentence that does not close on a past verb, is of the next year."""
    day = expr.due
    if expr.explicit_year or expr.grain != "day" or day is None or (doc_date - day).days < _HALF_YEAR:
        return expr
    close = norm.find("다.", expr.end, expr.end + _MAX_LINE)
    if is_past(norm[expr.start : close + 2 if close >= 0 else expr.end + _MAX_LINE]):
        return expr
    if _PAST_ATTRIBUTIVE.match(norm, expr.end):
        return expr  # `2월 3일 공고한 사업의 …`: a day something was done on
    return expr._replace(starts=shift_years(expr.starts, 1), due=shift_years(day, 1))


# `1월6일에는 … 5개 부처가, 9일에는 … 보고할 예정이다`: a bare day listed after a day of the sentence.
_LISTED_DAY = re.compile(r",\s([1-3]?\d)\s?일(?=에는|에\s)")


def listed_days(norm: str, exprs: list[TimeExpr]) -> list[TimeExpr]:
    """Bare days listed after a day in the same sentence (`…, 9일에는`), in that day's month."""
    out: list[TimeExpr] = []
    for index, expr in enumerate(exprs):
        if expr.grain != "day" or expr.due is None:
            continue
        close = norm.find("다.", expr.end, expr.end + _MAX_LINE)
        stop = close if close >= 0 else expr.end + _MAX_LINE
        if index + 1 < len(exprs):
            stop = min(stop, exprs[index + 1].start)
        found = _LISTED_DAY.search(norm, expr.end, stop)
        day = int(found.group(1)) if found else 0
        if (
            found is None
            or day <= expr.due.day
            or day > calendar.monthrange(expr.due.year, expr.due.month)[1]
        ):
            continue
        when = expr.due.replace(day=day)
        out.append(TimeExpr(found.start(1), found.end(), "deadline", when, when, "day", expr.explicit_year))
    return out
