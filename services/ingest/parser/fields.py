"""What the eleventh pass (issue #12) reads in notices' fields and lines: a sentence that names the
year's plan (`2월 17일 …의 ‘23년도 통합 시행계획을 공고한다`) places its year-less days; a date with only
figures for a title (a board's view count after its posting stamp), a ※ note restating a period's end
as the cut-off of one channel (`우편응모는 … 18:00 도착분까지 유효합니다`), a year in an exclusion
(`※ 2018년 … 선정대상자는 … 대상에서 제외`), a call's edition year in its own announcement (`'22년 봄편 …
공모전을 실시합니다`) and projects described by when they end (`하반기(10월) 종료되는 …`) are no steps; a day
in `(연구개시: ’18.11.1.)` is titled by its label."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from .textnorm import normalise

if TYPE_CHECKING:
    from .extract import Candidate

_MAX_LINE = 400
# `‘23년도 통합 시행계획`, `2023년도 시행계획`: the year of a plan the sentence is about.
_PLAN_YEAR_AFTER = re.compile(
    r"(?:(?:19|20)(\d{2})|'(\d{2}))\s?년도\s(?:[가-힣]{1,8}\s){0,2}?(?:시행\s?계획|추진\s?계획|업무\s?계획)"
)
_FIGURES_ONLY = re.compile(r"^[\d,.\s]+$")
_CUT_OFF = re.compile(r"(?:도착|소인|접수)분\s?까지|까지\s?유효")
_EXCLUDED = re.compile(r"대상에서\s?제외|신청\s?불가|참여\s?(?:불가|제한)")
_OWN_CALL = re.compile(r"(?:을|를)\s(?:실시|개최|공모|모집)합니다")
_NAME_AFTER = re.compile(r"\s[가-힣A-Za-z]")
_ENDING_PROJECTS = re.compile(r"^\s?\)?\s?(?:\([^)]{1,10}\)\s?)?(?:종료|만료)되는\s")
# `지원내용: ’18년 10월 종료 (연구개시: ’18.11.1.)`: the month the earlier projects ended, the condition
# of the start the parentheses date; the start is the step.
_ENDED_BEFORE_START = re.compile(r"^\s?종료\s?\(\s?[가-힣\s]{0,8}(?:개시|시작|착수)\s?[:：]")
# `2018년도 하반기 이공학개인기초연구지원사업 후속연구지원 접수 안내`: a notice's title names the half
# year of its programme, not a deadline.
_TITLE_HALF = re.compile(r"^(?:19|20)\d{2}\s?년도?\s?[상하]\s?반기\s[^\d]{4,60}(?:안내|공고|알림|모집|공모)$")
_LABELLED_DAY = re.compile(r"\(\s?([가-힣]{2,8})\s?[:：]\s?$")


def plan_year_after(norm: str) -> int | None:
    """The year of the plan a sentence names (`… ‘23년도 통합 시행계획을 공고한다` → 2023)."""
    if "년도" not in norm:
        return None
    found = _PLAN_YEAR_AFTER.search(norm[:_MAX_LINE])
    if found is None:
        return None
    return 2000 + int(found.group(1) or found.group(2))


def _needs_line(item: Candidate, raw: str) -> bool:
    """Whether any rule here can hold for the item (checked on the raw line: most items of a plan are
    months and quarters of table rows, and their lines are not normalised again)."""
    grain = item.expr_norm.grain
    if grain == "day":
        return "※" in raw or "*" in raw or ("(" in raw and ":" in raw)
    if grain in ("half", "month"):
        return "되는" in raw or "종료" in raw or (grain == "half" and raw.lstrip()[:1].isdigit())
    return _is_coarse_year(item) and ("※" in raw or "*" in raw or "합니다" in raw)


def _is_coarse_year(item: Candidate) -> bool:
    expr = item.expr_norm
    return expr.grain == "year" and expr.starts is not None and expr.starts == date(expr.starts.year, 1, 1)


def _not_a_step(item: Candidate, line: str, range_ends: set[date]) -> bool:
    expr = item.expr_norm
    at = line.find(normalise(item.expr)) if item.expr else -1
    after = line[at + len(item.expr) :] if at >= 0 else ""
    if expr.grain == "day" and expr.due in range_ends and line.lstrip()[:1] in "※*":
        return _CUT_OFF.search(after) is not None  # one channel's cut-off, the period's end again
    if expr.grain in ("half", "month") and _ENDING_PROJECTS.match(after):
        return True  # `2018년도 하반기(10월) 종료되는 …과제`: which projects, not a step
    if expr.grain == "month" and _ENDED_BEFORE_START.match(after):
        return True
    if expr.grain == "half" and _TITLE_HALF.match(line.strip()):
        return True  # a title's half year
    if not _is_coarse_year(item):
        return False
    if line.lstrip()[:1] in "※*" and _EXCLUDED.search(line):
        return True  # `※ 2018년 … 선정대상자는 후속연구 대상에서 제외`: who may not apply
    return _NAME_AFTER.match(after) is not None and _OWN_CALL.search(after) is not None


def read_fields(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    ends = {
        c.expr_norm.due
        for c in items
        if c.expr_norm.starts is not None
        and c.expr_norm.due is not None
        and c.expr_norm.starts != c.expr_norm.due
    }
    out = []
    seen: dict[int, str] = {}
    for item in items:
        if _FIGURES_ONLY.match(item.title):
            continue  # `2018-08-08 3,782`: a posting stamp and the board's view count
        raw = item.source_line(lines, _MAX_LINE)
        if not _needs_line(item, raw):
            out.append(item)
            continue
        line = seen.get(item.line)
        if line is None:
            line = seen[item.line] = normalise(raw)
        if _not_a_step(item, line, ends):
            continue
        at = line.find(normalise(item.expr)) if item.expr else -1
        label = _LABELLED_DAY.search(line, max(0, at - 16), at) if at > 0 else None
        if label is not None and item.expr_norm.grain == "day":
            item = replace(item, title=label.group(1))  # `(연구개시: ’18.11.1.)`: the label names the day
        out.append(item)
    return out
