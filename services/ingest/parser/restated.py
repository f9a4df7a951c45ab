"""One construction target stated again: a news text names the groundbreaking or the completion in its
lead, restates it in the body (`2028년 말 준공 목표` … `2028년 12월 신청사 준공을 목표로`; `오는 2025년
착공돼` … `그해 5월 착공해`), and an officer enters it once, under the mention that names the thing."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .completion import BUILT_BY_WORKS

if TYPE_CHECKING:
    from .extract import Candidate

# The act each title is about; `공사를 시작` is the groundbreaking said in words, `완공` the completion.
_ACT = re.compile(r"착공|공사\s?(?:를\s)?시작|첫\s?삽|준공|완공|개관|개통")
_SAME_ACT = {"공사시작": "착공", "공사를시작": "착공", "첫삽": "착공", "완공": "준공"}
_CANONICAL = ("착공", "준공", "완공", "개관", "개통")
_NOT_LETTERS = re.compile(r"[^0-9A-Za-z가-힣]")
_BUCKET = 8  # earlier mentions of one act compared with


def _act(title: str) -> tuple[str, int, bool, str] | None:
    """The act, how many letters name the thing before it, whether the act is said in one word, and
    the title's letters."""
    found = _ACT.search(title)
    if found is None:
        return None
    word = found.group(0).replace(" ", "")
    thing = _NOT_LETTERS.sub("", title[: found.start()])
    return _SAME_ACT.get(word, word), len(thing), word in _CANONICAL, _NOT_LETTERS.sub("", title)


def _same_thing(left: Candidate, right: Candidate) -> bool:
    """The shorter thing is named within the other title (`신청사` in `대구시 신청사가 착공돼`), or none
    is named: `A노선 … 개통` and `운정~서울역 구간 개통` are two targets."""
    a, b = _act(left.title), _act(right.title)
    assert a is not None and b is not None
    short, long = (a, b) if a[1] <= b[1] else (b, a)
    title = short[3]
    thing = title[: short[1]]
    return thing in long[3]


def _period(item: Candidate) -> tuple[object, object]:
    e = item.expr_norm
    return e.starts, e.due


def _holds(coarse: Candidate, fine: Candidate) -> bool:
    """A year (`오는 2025년 착공돼`) that holds a finer mention of the same act restates it."""
    c, f = coarse.expr_norm, fine.expr_norm
    if c.grain != "year" or f.grain == "year" or None in (c.starts, c.due, f.due):
        return False
    assert c.starts is not None and c.due is not None and f.due is not None
    return c.starts <= f.due <= c.due


def _better(left: Candidate, right: Candidate) -> Candidate:
    a, b = _act(left.title), _act(right.title)
    assert a is not None and b is not None
    return right if (b[2], b[1]) > (a[2], a[1]) else left


def drop_restated_targets(items: list[Candidate]) -> list[Candidate]:
    """Of mentions of one act with the same period, the one naming the thing (the most letters before
    the act, the act said in one word) is kept; a year holding a finer mention of the act is dropped."""
    acts: dict[str, list[int]] = {}
    dropped: set[int] = set()
    named: dict[int, Candidate] = {}
    for index, item in enumerate(items):
        act = _act(item.title)
        if act is None or item.expr_norm.due is None:
            continue
        bucket = acts.setdefault(act[0], [])
        for other in bucket:
            if other in dropped:
                continue
            earlier = items[other]
            if not _same_thing(earlier, item):
                continue
            if _period(earlier) == _period(item):
                loser = index if _better(earlier, item) is earlier else other
                dropped.add(loser)
                winner = other if loser == index else index
                named[winner] = _named_by(items[winner], items[loser], named.get(winner))
            elif _holds(earlier, item):
                dropped.add(other)
            elif _holds(item, earlier):
                dropped.add(index)
            if index in dropped:
                break
        if index not in dropped and len(bucket) < _BUCKET:
            bucket.append(index)
    return [named.get(index, item) for index, item in enumerate(items) if index not in dropped]


def _named_by(kept: Candidate, other: Candidate, renamed: Candidate | None) -> Candidate:
    """`같은 달 말 착공` kept for `내년 2월 신청사 건립 공사를 시작` (the same month): the act alone takes the
    thing the other mention's works name (`신청사 착공`)."""
    if renamed is not None:
        return renamed
    act = _act(kept.title)
    works = BUILT_BY_WORKS.search(other.title)
    if act is None or act[1] > 0 or works is None:
        return kept
    return replace(kept, title=f"{works.group(1).split()[-1]} {kept.title.strip()}")
