"""Press-release prose: sentence spans, and which sentences report the past."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=다\.)\s+|(?<=다\.)(?=\S)|(?<=\.)\s+(?=[가-힣「‘'\"“(])")
_PAST = re.compile(r"(?:었|였|했|았|됐)다\.?\s*$|(?:하였|되었)습니다\.?\s*$")


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs covering the text."""
    out: list[tuple[int, str]] = []
    cursor = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > cursor:
            out.append((cursor, text[cursor : m.start()]))
        cursor = m.end()
    if cursor < len(text):
        out.append((cursor, text[cursor:]))
    return out


# `개정하기로 했다` (decided to), `추진한다고 했다` (said it will): a past verb about a future step.
_DECIDED = re.compile(r"(?:기로|다고|라고)\s?(?:했|하였)(?:다|습니다)\.?\s*$")


def is_past(sentence: str) -> bool:
    return bool(_PAST.search(sentence)) and not _DECIDED.search(sentence)
