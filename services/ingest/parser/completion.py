"""Completion targets (`2026년 12월 준공을 목표로`): the item is the thing built and its completion
(`신청사 준공`), named right after the date, by the sentence's topic, by the works (`… 공사`) the
line speaks of, or by the topic of a paragraph just before."""

from __future__ import annotations

import re
from dataclasses import replace

from .extract import Candidate

_MAX_LINE = 2_000
_LOOK_BACK = 3  # prose lines: the thing is introduced in the paragraph before
_TARGET = re.compile(
    r"\s?(?:말|께|중)?\s?(?:까지\s?)?(?:([가-힣A-Za-z·]{2,15})\s)?(준공|완공|개통|개관|개장)(?:을|를|\s)\s?목표"
)
_QUOTED_TOPIC = re.compile(r"^\s*[‘'「“\"]([^‘’'「」“”\"]{2,30})[’'」”\"]\s?(?:은|는|이|가)\s")
_TOPIC = re.compile(r"^\s*([가-힣A-Za-z·]{1,15}(?:\s[가-힣A-Za-z·]{1,15}){0,3}?)(?:은|는)\s")
_WORKS = re.compile(r"(?<![가-힣A-Za-z])([가-힣A-Za-z]{3,15})\s?공사(?:가|를|는|의|도)\s")
# `서울시 신청사 건축공사가`, `신청사 건립 공사를`: the thing the works build, named before the kind of works.
BUILT_BY_WORKS = re.compile(
    r"(?<![가-힣A-Za-z0-9])([가-힣A-Za-z]{2,15}(?:\s[가-힣A-Za-z]{2,15})?)\s(건립|건설|신축|증축|건축|조성)\s?공사"
)
# `서울시가 … 2019년 말까지 청사 1개 동을 새로 짓는다`: built by then, a completion; the works the
# paragraph goes on to name (`서소문청사 증축 공사를`) are the thing.
_BUILT_BY = re.compile(r"[^.]{0,30}?(?:새로\s)?(?:짓는다|지을\s계획|건립한다|건립할\s계획)")
_WORKS_REACH = 300
# `완공은 2008년 12월께 가능할 전망이다`: the completion as the sentence's topic, its date after it.
_ACT_TOPIC_BEFORE = re.compile(r"(준공|완공|개통|개관|개장)(?:은|는)\s?$")
_SENTENCE_REACH = 160
# A government or its officers (`강북구는`, `부산시는`, `도는`): the actor, not the thing built.
_ACTOR = re.compile(r"(?:[시군구도부처청]|위원회|정부|관계자|공사|공단|이후|이번|올해|현재)$")
_MIN_NAME = 2
_SENTENCE_START = re.compile(r"다\.\s")


def _topic(text: str) -> str:
    found = _QUOTED_TOPIC.match(text) or _TOPIC.match(text)
    name = found.group(1).strip() if found else ""
    return "" if len(name.replace(" ", "")) < _MIN_NAME or _ACTOR.search(name) else name


def _sentences_before(line: str, at: int) -> list[str]:
    """The sentence the date is in, then the ones before it on its line, nearest first."""
    starts = [0, *(m.end() for m in _SENTENCE_START.finditer(line, 0, at))]
    ends = [*starts[1:], at]
    return [line[start:end] for start, end in zip(starts, ends, strict=True)][::-1]


def _thing(lines: list[str], number: int, line: str, at: int) -> str:
    for sentence in _sentences_before(line, at):
        if name := _topic(sentence):
            return name
    works = _WORKS.search(line, 0, at)
    if works is not None and not _ACTOR.search(works.group(1)):
        return works.group(1)
    end = line.find("다.", at, at + _SENTENCE_REACH)  # the works the date's own sentence names after it
    built = BUILT_BY_WORKS.search(line, 0, at) or BUILT_BY_WORKS.search(line, at, end if end > 0 else at)
    if built is not None and not _ACTOR.search(built.group(1)):
        return _without_modifier(built.group(1))
    for earlier in range(number - 1, max(0, number - 1 - _LOOK_BACK), -1):
        if name := _topic(lines[earlier - 1][:_MAX_LINE]):
            return name
    return ""


def _without_modifier(name: str) -> str:
    """`규모의 서소문청사` → `서소문청사`, `예시시는 예시청사` → `예시청사`: a modifier (`…의`) or the
    sentence's topic before the thing is no part of its name."""
    words = name.split()
    return words[-1] if len(words) > 1 and words[0].endswith(("의", "은", "는", "이", "가")) else name


def _completion_title(item: Candidate, lines: list[str]) -> str:
    line = item.source_line(lines, _MAX_LINE)
    at = line.find(item.expr) if item.expr else -1
    found = _TARGET.match(line, at + len(item.expr)) if at >= 0 else None
    if found is None and at >= 0 and _BUILT_BY.match(line, at + len(item.expr)):
        works = BUILT_BY_WORKS.search(line, at, at + _WORKS_REACH)
        return f"{_without_modifier(works.group(1))} {works.group(2)} 준공" if works else ""
    if found is None:
        topic = _ACT_TOPIC_BEFORE.search(line, max(0, at - 6), at) if at >= 0 else None
        if topic is None:
            return ""
        thing = _thing(lines, item.line, line, topic.start())
        return f"{thing} {topic.group(1)}" if thing else ""
    thing = found.group(1) or _thing(lines, item.line, line, at)
    return f"{thing} {found.group(2)}" if thing else ""


_BARE_ACTS = ("착공", "준공", "완공", "개통", "개관")


def _bare_act(title: str) -> bool:
    """`착공`, `예시시 착공`: the act alone, or after the actor only."""
    words = title.split()
    return bool(words) and words[-1] in _BARE_ACTS and all(_ACTOR.search(word) for word in words[:-1])


def _bare_act_title(item: Candidate, lines: list[str]) -> str:
    """`… 서소문청사 증축 공사를 내년 설계를 거쳐 2018년 초 착공할 계획`: an act titled alone (`착공`) is the
    act of the works its sentence names before the date (`서소문청사 증축 착공`)."""
    line = item.source_line(lines, _MAX_LINE)
    at = line.find(item.expr) if item.expr else -1
    if at < 0:
        return ""
    start = line.rfind("다. ", max(0, at - _WORKS_REACH), at)
    works = BUILT_BY_WORKS.search(line, start + 1 if start >= 0 else max(0, at - _WORKS_REACH), at)
    if works is None or _ACTOR.search(works.group(1)):
        return ""
    return f"{_without_modifier(works.group(1))} {works.group(2)} {item.title.split()[-1]}"


def title_completion_targets(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """A date the text sets as a completion target is titled by the thing and its completion."""
    out = []
    for item in items:
        title = _completion_title(item, lines) if item.expr_norm.kind == "deadline" else ""
        if not title and _bare_act(item.title):
            title = _bare_act_title(item, lines)
        out.append(replace(item, title=title) if title else item)
    return out
