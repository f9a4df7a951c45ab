"""Dates of the text itself, not of a step (fifteenth pass).

A photo's credit stamp (`[사진=청송군]2024.10.02`) is the day the picture was filed; a briefing's
opening (`4월 21일 월요일 정례브리핑을 시작하겠습니다`) is the day it is spoken. Neither is a step to
track. Each item looks only at a window around its own expression: linear in the text."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .extract import Candidate

_BEFORE = 24
_AFTER = 40
_PHOTO_CREDIT = re.compile(r"\[\s?(?:사진|자료|제공|그래픽)\s?[=:：][^\]]{1,20}\]\s?$")
_OPENING = re.compile(r"^[\s(월화수목금토일요)]{0,6}(?:정례\s?)?브리핑을\s?시작하겠습니다")
# `올해 상반기 총력전을 펼친다`: a campaign's resolve, no step (the steps are dated after it)
_CAMPAIGN = re.compile(r"^(?:총력전?|총력\s?대응|박차|고삐)\s?(?:을|를)?\s?[가-힣]{0,4}$")
# `운영하고 있고, 상반기 내 …`: the previous clause's predicate left in front of the title
_CLAUSE_TAIL = re.compile(r"^[가-힣]{1,6}고,\s")


def _is_own_date(item: Candidate, text: str) -> bool:
    e = item.expr_norm
    if _PHOTO_CREDIT.search(text[max(0, e.start - _BEFORE) : e.start]):
        return True
    return e.grain == "day" and _OPENING.match(text[e.end : e.end + _AFTER]) is not None


def drop_own_dates(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """Drop photo-credit stamps, a briefing's own opening day and a campaign's resolve; trim a
    left-over clause tail."""
    out = []
    for item in items:
        text = item.located(lines)
        if (text is not None and _is_own_date(item, text)) or _CAMPAIGN.match(item.title):
            continue
        tail = _CLAUSE_TAIL.match(item.title)
        out.append(replace(item, title=item.title[tail.end() :]) if tail else item)
    return out
