"""Rounds given their months `각각` (respectively): `2·3·4차 접수는 각각 5·8·11월에 진행된다` is three
steps, the second round in May, the third in August, the fourth in November (fifteenth pass). The
reader pairs the listed rounds with the listed months in order; when the counts differ nothing is
paired. Each item is checked in a short window ending at its own expression (located at its
recorded offset): linear in the text."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .extract import Candidate

_REACH = 60
_RESPECTIVE = re.compile(
    r"(?P<rounds>\d{1,2}(?:\s?[·‧・,]\s?\d{1,2})+)\s?차\s?(?P<noun>[가-힣]{1,8}?)(?:은|는|이|가)?\s?"
    r"각각\s?(?P<months>\d{1,2}(?:\s?[·‧・,]\s?\d{1,2})+)\s?월$"
)
_NUMBER = re.compile(r"\d{1,2}")
# `산울동과 합강동 복합커뮤니티센터는 각각 6월과 11월 준공되며`: two named places of one kind, each its month
_TWO_NAMED = re.compile(
    r"(?P<a>[가-힣A-Za-z]{2,10})(?:과|와)\s(?P<b>[가-힣A-Za-z]{2,10})\s(?P<noun>[가-힣A-Za-z]{2,12}?)(?:은|는|이|가)\s?"
    r"각각\s?(?P<m1>\d{1,2})\s?월(?:과|와|,|·)\s?(?P<m2>\d{1,2})\s?월(?:에)?\s?"
    r"(?P<act>[가-힣]{2,4}?)(?:되며|하며|된다|한다|되고|하고|될|할|됐|했|을|를)"
)
_AHEAD = 30


def _month(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _topic(title: str, noun: str) -> str:
    """`1차 예타 접수 …` (the first round's title) names the topic the later rounds share: `예타`."""
    found = re.match(rf"\d{{1,2}}\s?차\s(.{{1,12}}?)\s?{re.escape(noun)}", title)
    return f"{found.group(1)} " if found else ""


def _split(item: Candidate, line: str, topic_title: str) -> list[Candidate] | None:
    e = item.expr_norm
    if e.due is None:
        return None
    found = _RESPECTIVE.search(line[max(0, e.end - _REACH) : e.end])
    if found is None:
        return None
    rounds = _NUMBER.findall(found.group("rounds"))
    months = [int(m) for m in _NUMBER.findall(found.group("months"))]
    if len(rounds) != len(months) or not all(1 <= m <= 12 for m in months) or months[-1] != e.due.month:
        return None
    noun = found.group("noun")
    topic = _topic(topic_title, noun)
    out = []
    for number, month in zip(rounds, months, strict=True):
        first, last = _month(e.due.year, month)
        expr = e._replace(starts=first, due=last)
        out.append(replace(item, expr_norm=expr, title=f"{number}차 {topic}{noun}"))
    return out


def _two_named(item: Candidate, text: str) -> Candidate | None:
    e = item.expr_norm
    lo = max(0, e.start - _REACH)
    found = _TWO_NAMED.search(text[lo : e.end + _AHEAD])
    if found is None:
        return None
    for key, name in (("m1", "a"), ("m2", "b")):
        if lo + found.start(key) == e.start:
            return replace(item, title=f"{found.group(name)} {found.group('noun')} {found.group('act')}")
    return None


def split_respective_rounds(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """Each round of a `각각` list gets its own month."""
    out: list[Candidate] = []
    for item in items:
        e = item.expr_norm
        text = item.located(lines) if e.grain == "month" else None
        if text is None or "각각" not in text[max(0, e.start - _REACH) : e.start]:
            out.append(item)
            continue
        split = _split(item, text, item.title)
        if split:
            out.extend(split)
            continue
        out.append(_two_named(item, text) or item)
    return out
