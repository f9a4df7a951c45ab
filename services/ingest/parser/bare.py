"""Bare field labels as whole titles, in a notice with no title line to name its subject (issue #12, the
older sets): `접수기간 : …` is the entry (`접수`), `공모기간` the call of what its form applies for
(`① 공모사업 신청서` → `공모사업 공모`), `사업기간` that project's run (`공모사업 시행`); a FAQ's question
(`접수기간이 어떻게 되나요?`) is its label; a bare `기간` is of what the text says is held above it
(`온라인투표 결과에 …`); a ※ note's half year or quarter under a dated field, inside
the field's period, restates it (`※ … 공직선거법 …에 따라 하반기에 사업 시행`)."""

from __future__ import annotations

import re
from dataclasses import replace

from .extract import Candidate

_MAX_LINE = 400
_FORM_LINES = 60
_BARE = re.compile(r"^(접수|공모|신청|모집|응모|심사|투표|사업)\s?(?:기간|기한|일정)$")
_RUN = {"사업": "시행"}
_QUESTION = re.compile(
    r"^([가-힣]{2,6}\s?(?:기간|기한|일정|일시))(?:이|가|은|는)\s(?:어떻게\s?되나요|언제(?:인가요|예요|입니까))\s?\?$"
)
# `① 공모사업 신청서 1부`: what the form applies for; `참가신청서` (two letters) names no programme.
_FORM = re.compile(r"(?<![가-힣])([가-힣]{3,10}?)\s?신청서")
_NOTE_GRAINS = ("half", "quarter")
# `* 기 간 : 2020. 9. 7.(월) ~ 9. 26.(토)` under `온라인투표 결과에 …`: a bare period is of what the text
# says is held (a vote, a survey, a hearing, a fair); the nearest such name above the field.
_PERIOD_ONLY = re.compile(r"^(?:기간|일시|일정)$")
_HELD = re.compile(r"(?<![가-힣])([가-힣]{0,8}(?:투표|설문조사|공청회|설명회|박람회|축제|공모전))(?![가-힣])")
_HELD_LINES = 12


def _form_object(lines: list[str]) -> str:
    for line in lines[:_FORM_LINES]:
        found = _FORM.search(line[:_MAX_LINE]) if "신청서" in line else None
        if found:
            return found.group(1)
    return ""


def _bare_step(title: str, thing: str) -> str:
    asked = _QUESTION.match(title)
    label = asked.group(1) if asked else title
    found = _BARE.match(label)
    if found is None:
        return label
    head = found.group(1)
    step = _RUN.get(head, head)
    return f"{thing or head} {step}" if head in _RUN else f"{thing} {step}".strip()


def _held_above(lines: list[str], line: int) -> str:
    for number in range(line - 1, max(0, line - 1 - _HELD_LINES), -1):
        found = list(_HELD.finditer(lines[number - 1][:_MAX_LINE]))
        if found:
            return found[-1].group(1)
    return ""


def _restates_field(item: Candidate, line: str, kept: list[Candidate]) -> bool:
    """A ※ note's half year or quarter that overlaps the period of the dated field right above it."""
    expr = item.expr_norm
    if expr.grain not in _NOTE_GRAINS or expr.starts is None or expr.due is None:
        return False
    if not line.lstrip().startswith(("※", "*")):
        return False
    for field in kept[-3:]:
        due = field.expr_norm.due
        if field.line == item.line - 1 and due is not None:
            starts = field.expr_norm.starts or due
            if expr.starts <= due and starts <= expr.due:
                return True
    return False


def name_bare_labels(items: list[Candidate], lines: list[str], subject: str) -> list[Candidate]:
    if subject:
        return items
    thing: str | None = None
    out: list[Candidate] = []
    for item in items:
        title = item.title.strip()
        if _BARE.match(title) or _QUESTION.match(title):
            thing = _form_object(lines) if thing is None else thing
            item = replace(item, title=_bare_step(title, thing))
        elif _PERIOD_ONLY.match(title.replace(" ", "")):
            item = replace(item, title=_held_above(lines, item.line) or title)
        elif _restates_field(item, item.source_line(lines, _MAX_LINE), out):
            continue
        out.append(item)
    return out
