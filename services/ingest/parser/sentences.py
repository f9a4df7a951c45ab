"""What the twelfth pass (issue #12) reads in the sentences of news items and notices around a date:
the sentence's topic names the step (`접수기간은 28일부터 6월 17일까지로` is the subject's reception,
`심사결과는 7월중 … 알릴 예정` the announcement of its result), a request to apply (`신청을 원하시는 … 20.1.16.(목)까지 …
제출`) is the subject's application, an event named right after the date (`11월 최종보고회를 거쳐 …
마련할 계획`) is the step rather than the goal after it; a plan's period in its name (`차기
5개년(2022~2026) 기본계획`) is no step. Each rule reads a bounded window of the item's line."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

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
