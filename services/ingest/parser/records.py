"""A portal record printed as one field label per row over its value (`| 공고일자 |` / `20220302 ~
20220411 |`, twelfth pass of issue #12): the label above names what the value's dates are. The posting
period (`공고일자`) is no step; the project period (`사업일자`) is the subsidy programme's (`보조사업명`); an event's field (`사업설명회내용`) dates the event, or a step of it
named in brackets (`(사전신청) 2022. 3. 10.(화) 15:00까지`); any other label is the notice's step."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from .extract import Candidate

_LABEL_ROW = re.compile(r"^\|\s?([가-힣A-Za-z]{2,12})\s?\|$")
_REACH = 4  # lines of one value
_ROW_MAX = 40  # a label row is short; longer lines are read at their ends only
_MAX_LINE = 400
_POSTING = re.compile(r"^(?:공고|게시|공지)\s?(?:일자|기간|일)$")
_EVENT_FIELD = re.compile(r"^([가-힣]{0,6}(?:설명회|간담회|공청회|토론회|교육))\s?내용$")
_SUB_LABEL = re.compile(r"\(\s?([가-힣/·]{2,10})\s?\)\s?$")
_GENERIC_SUB = re.compile(r"^(?:일시|장소|방법|일정)(?:[/·](?:일시|장소|방법|일정))?$")
_NAME_LABEL = "공고명"
# `| 보조사업명 |` / `2022년 공공디자인 진흥 |`: the subsidy programme whose period `사업일자` is.
_PROGRAMME_LABEL = "보조사업명"
_PROJECT_PERIOD = ("사업일자", "사업기간")
_YEAR_LEAD = re.compile(r"^(?:19|20)\d{2}\s?년?도?\s")


def _label_above(lines: list[str], number: int) -> str:
    """The label row over the value on line `number` (1-based), or "" when the line is no record's."""
    for at in range(number - 1, max(0, number - 1 - _REACH), -1):
        raw = lines[at - 1]
        if len(raw) <= _ROW_MAX and (label := _LABEL_ROW.match(raw.strip())):
            return label.group(1)
        if raw[-_ROW_MAX:].rstrip().endswith("|"):
            return ""  # the end of another field's value
    return ""


def record_name(lines: list[str], name: str = _NAME_LABEL) -> str:
    """The value under a record's `| 공고명 |` row (or another field's; "" when there is none)."""
    for at, row in enumerate(lines[:-1]):
        label = _LABEL_ROW.match(row.strip()) if row[:1] == "|" and len(row) <= _ROW_MAX else None
        if label and label.group(1) == name:
            return lines[at + 1].strip().removesuffix("|").strip()
    return ""


def _retitled(
    item: Candidate, label: str, raw: str, subjects: tuple[str, str], step: Callable[[str], str]
) -> Candidate:
    subject, programme = subjects
    event = _EVENT_FIELD.match(label)
    if event is None and label in _PROJECT_PERIOD and programme:
        return replace(item, title=f"{programme} 사업기간")  # the subsidy programme's own period
    if event is None:
        return replace(item, title=step(label))
    at = raw.find(item.expr) if item.expr else -1
    sub = _SUB_LABEL.search(raw, 0, at) if at > 0 else None
    if sub is None or _GENERIC_SUB.match(sub.group(1)):
        return replace(item, title=f"{subject} {event.group(1)}".strip())
    return replace(item, title=f"{event.group(1)} {sub.group(1)}")  # `(사전신청)`: the event's step


def title_by_record_label(
    items: list[Candidate], lines: list[str], subject: str, step: Callable[[str], str]
) -> list[Candidate]:
    if not any(_LABEL_ROW.match(line.strip()) for line in lines if line[:1] == "|" and len(line) <= _ROW_MAX):
        return items  # not a record (most documents): nothing read twice
    programme = _YEAR_LEAD.sub("", record_name(lines, _PROGRAMME_LABEL))
    out = []
    for item in items:
        label = _label_above(lines, item.line) if 1 < item.line <= len(lines) else ""
        if label and _POSTING.match(label):
            continue  # the posting period of the record, not a step
        raw = item.source_line(lines, _MAX_LINE)
        out.append(_retitled(item, label, raw, (subject, programme), step) if label else item)
    return out
