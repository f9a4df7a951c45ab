"""A short title gets the subject the sentence put before the date (fifteenth pass).

`세종경찰청은 상반기에 공사에 들어가고 세종지방법원은 상반기 설계공모 후 하반기 기본설계에 착수한다`,
`… 합강동 과학문화센터도 10월 착공한다`: the words after the date (`착공`, `설계공모 후`, `기본설계에
착수`) say what is done, the topic before it (`X은/는/도`) what it is done to; a reader names both. A
title that runs on into the next clause's topic (`에 공사에 들어가고 세종지방법원`) ends at its
connective. Each item looks only at a window around its own expression: linear in the text."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .titles import letters

if TYPE_CHECKING:
    from .extract import Candidate

_BEFORE = 40
_AFTER = 80
_REPORTED = re.compile(r"(?:밝혔|말했|전했|발표했)")
_SHORT = 8  # letters: `기본설계에 착수`, `착공`
_WORD = r"[가-힣A-Za-z][가-힣A-Za-z0-9·~]{1,13}"
# the last topic of the window: one or two words (`합강동 과학문화센터도`), not an adnominal (`…공간인`)
_TOPIC = re.compile(
    rf"(?:^|[\s,])((?:{_WORD}(?<![인한된될할던의고며면서게여])\s)?{_WORD})(?:은|는|도)\s(?!.*(?:은|는|도)\s)"
)
_LEAD_PARTICLE = re.compile(r"^(?:에|에는|에서)\s")
# `… 들어가고 세종지방법원`: the clause ends at `고`/`며` before the next clause's subject
_RUN_ON = re.compile(r"^(.{2,30}?(?:고|며))\s[가-힣A-Za-z]{2,14}$")
# a comma (an earlier clause), a parenthesis (a list's own subjects) or a quote (a speaker's topic)
_NOT_SAME_CLAUSE = (",", "(", '"', "“", "‘", "'")
_SENTENCE_END = re.compile(r"다\.\s")


def _with_topic(item: Candidate, text: str) -> Candidate | None:
    e = item.expr_norm
    lo = max(0, e.start - _BEFORE)
    window = text[lo : e.start]
    if lo and not text[lo - 1].isspace():
        window = window[window.find(" ") + 1 :] if " " in window else ""  # a word cut by the window
    if "|" in window or "\t" in window:
        return None  # a table's cells, not a sentence
    ends = list(_SENTENCE_END.finditer(window))
    window = window[ends[-1].end() :] if ends else window
    found = _TOPIC.search(window)
    if found is None or _REPORTED.search(text, e.end, e.end + _AFTER):
        return None  # `예시시는 … 착공할 계획이라고 밝혔다`: the topic is the announcer, not the works
    topic = found.group(1)
    if any(mark in window[found.end() :] for mark in _NOT_SAME_CLAUSE):
        return None  # the topic of an earlier clause
    title = _LEAD_PARTICLE.sub("", item.title)
    cut = _RUN_ON.match(title)
    title = cut.group(1) if cut else title
    if topic in title:
        return None
    return replace(item, title=f"{topic} {title}")


def title_short_by_topic(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """Prefix the sentence's topic to a short or particle-led title of a date after it."""
    per_line: dict[int, int] = {}
    for item in items:
        per_line[item.line] = per_line.get(item.line, 0) + 1
    out = []
    for item in items:
        title = item.title
        # only where one sentence gives several steps, each with its own topic (`A는 …, B는 …`)
        if per_line[item.line] > 1 and (letters(title) <= _SHORT or _LEAD_PARTICLE.match(title)):
            text = item.located(lines)
            named = _with_topic(item, text) if text is not None else None
            out.append(named or item)
        else:
            out.append(item)
    return out
