"""Steps a prose sentence names by its words, not by the clause around the date (issue #12, ninth
pass): a quoted name right before the date (`'…공모전'을 오는 22일부터 … 개최`) and the applicants of a
call as the sentence's topic (`신청을 원하는 동아리는 2월 13일부터 …`)."""

from __future__ import annotations

import re

from .dates import TimeExpr
from .titles import clean_title

ACTION_NOUN = re.compile(
    r"(접수|발표|모집|신청|개최|선정|공고|시행|실시|배치|통보|제출)(?=[가-힣]{0,5}(?:\s|\.|$))"
)
_QUOTED_OBJECT = re.compile(r"['\"「“‘]([^'\"」”’]{4,40})['\"」”’]\s?(?:을|를)\s?(?:오는\s)?$")
_REACH = 80  # characters before a date a quoted name may end in
_ACTION_REACH = 30
_APPLICANTS = re.compile(r"\s*(신청|참여|응모|참가)(?:을|를)\s(?:원하는|희망하는)\s[가-힣]{1,10}(?:은|는)\s")


def named_object(norm: str, expr: TimeExpr) -> str:
    """`제5회 'K-ICT 창의 아이디어 공모전'을 오는 22일부터 7월 20일까지 개최한다`: the quoted name right
    before the date is what is held then (`K-ICT 창의 아이디어 공모전 개최`), not the sentence's long lead."""
    found = _QUOTED_OBJECT.search(norm, max(0, expr.start - _REACH), expr.start)
    if found is None:
        return ""
    name = clean_title(found.group(1))
    action = ACTION_NOUN.search(norm, expr.end, expr.end + _ACTION_REACH)
    return f"{name} {action.group(1)}" if action and action.group(1) not in name else name


# `… 오는 21일까지 사흘간 대전 KAIST 대강당에서 '2026년도 … 설명회'를 연다고 밝혔다`: the quoted name the
# sentence opens (holds) after the date, across the venue.
_HELD_OBJECT = re.compile(
    r"[^.'\"「“‘]{0,40}?['\"「“‘]([^'\"」”’]{4,40})['\"」”’]\s?(?:을|를)\s?(?:연다|열\s?(?:예정|계획)|개최(?:한다|할))"
)


def held_object(norm: str, expr: TimeExpr) -> str:
    """The quoted event a sentence says is held in the period just before it (the window after it)."""
    found = _HELD_OBJECT.match(norm[expr.end : expr.end + _REACH + 20])
    return clean_title(found.group(1)) if found else ""


def applicants_step(norm: str, expr: TimeExpr, subject: str) -> str:
    """`신청을 원하는 동아리는 2월 13일부터 15일까지 구비 서류를 …`: the applicants as the sentence's topic;
    the step is their application to what the notice is about (`… 지원사업 신청`)."""
    found = _APPLICANTS.match(norm)
    if found is None or norm[found.end() : expr.start] not in ("", "오는 "):
        return ""
    return f"{subject} {found.group(1)}" if subject else ""


# `… 1월 사업 시행을 위한 사전 준비를 철저히 할 것을 당부했다`: the date dates the step the preparation is
# for (`사업 시행`), not the sentence around it.
_STEP_PREPARED_FOR = re.compile(r"\s([가-힣]{2,8}(?:\s[가-힣]{2,8})?)(?:을|를)\s위한\s")


def prepared_for(norm: str, expr: TimeExpr) -> str:
    found = _STEP_PREPARED_FOR.match(norm, expr.end) if "위한" in norm else None
    return found.group(1) if found else ""
