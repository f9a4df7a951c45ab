"""Titles the tenth pass mends (issue #12): a period that runs from an undated agreement
(`지원기간 : 협약 체결일 ∼ 2021. 12. 31`, `과제기간 : 2015년 협약체결일 ~ 2016년 1월`) is the notice's
period named by its label (`과학문화활동지원사업 지원기간`), not `지원기간 : 협약 체결일`; the `오는` a
removed date leaves is no part of a title, and a bare action (`지원서 접수`) is the step of what the
lead sentence names in quotes (`교육과학기술부는 '2009년 …중앙센터'로 1개 기관을 공모한다고 …`)."""

from __future__ import annotations

import re
from dataclasses import replace

from .extract import Candidate
from .textnorm import normalise

_MAX_LINE = 400
_LEFT_TITLE = 30  # characters: a title this long ran the lead before the date together
_AGREED_FROM = re.compile(
    r"(?:^|\|)\s*[□○ㅇ◦·\-*▶]?\s*([가-힣]{2,8}기간)\s?[:：]\s?(?:(?:19|20)\d{2}\s?년\s?)?"
    r"협약\s?(?:체결|시작)\s?일?\s?(?:로?부터\s?)?[~∼-]\s?$"
)
_SUBJECT_MARKS = re.compile(r"[「」『』'\"]")
_SUBJECT_TAIL = re.compile(r"\s?(?:공고|공모|모집|안내)$")
_LEFT_OVER = re.compile(r"^오는\s")
_BARE_ACTION = re.compile(r"^(?:[가-힣]{1,4}\s)?(?:접수|신청|모집|공모|선정|발표)$")
_LEAD_NAME = re.compile(
    r"'(?:(?:19|20)\d{2}년\s?)?([^'\d][^']{3,40})'\s?(?:을|를|로|으로)\s[^.]{0,30}?(?:공모|모집|개최|추진)"
)
_LEAD_LINES = 3
# `오는 9일 오후 2시 공단에서 현장설명회를 개최한다고`: what is held on the day, after the date and its
# time and place, names the step (`현장설명회 개최`), not the sentence's lead before the date.
_HELD_AFTER = re.compile(
    r"\s?(?:(?:오전|오후)\s?\d{1,2}시(?:\s?\d{1,2}분)?\s)?(?:[가-힣]{1,12}에서\s)?"
    r"([가-힣A-Za-z0-9·]{2,20}(?:\s[가-힣A-Za-z0-9·]{2,20}){0,2})(?:을|를)\s(?:개최|연다|열)"
)
_HELD_WINDOW = 80
# `공고일[ Announcement date ] 2009.07.02 접수마감일[ Deadline ] 2009.07.31`: a board's bilingual field;
# its Korean label names the date (not the fields the structure joined to it).
_GLOSSED_FIELD = re.compile(r"((?:[가-힣]{2,8}\s)?[가-힣]{2,12})\s?\[\s?[A-Za-z][A-Za-z ]{0,40}\]\s?$")
# `접수마감일[ Deadline ] 2024.09.03`: the deadline of the notice's subject (`<subject> 접수 마감`);
# `연구지원팀 접수마감일[ … ]`: the deadline of the one who qualifies it (`연구지원팀 접수 마감`).
_DEADLINE_FIELD = re.compile(r"^(?:([가-힣]{2,8})\s)?([가-힣]{0,4})\s?마감일$")
# `… 공모하오니 연구과제를 신청하여 주시기 바랍니다`: what the notice asks for is what its deadline receives.
_ASKED_FOR = re.compile(r"\s([가-힣]{2,10})(?:을|를)\s신청하여\s주시기\s바랍니다")
_ASK_LINES = 20


def _subject(subject: str) -> str:
    return _SUBJECT_TAIL.sub("", _SUBJECT_MARKS.sub("", subject)).strip()


def _lead_name(lines: list[str]) -> str:
    seen = 0
    for line in lines:
        head = line[:_MAX_LINE]
        if not head.strip():
            continue
        found = _LEAD_NAME.search(normalise(head))
        if found:
            return found.group(1).strip()
        seen += 1
        if seen == _LEAD_LINES:
            break
    return ""


def _agreed_label(item: Candidate, lines: list[str]) -> str:
    line = item.source_line(lines)
    if len(line) > _MAX_LINE or "협약" not in line:
        return ""
    line, expr = normalise(line), normalise(item.expr)
    at = line.find(expr) if expr else -1
    found = _AGREED_FROM.search(line[:at]) if at > 0 else None
    return found.group(1) if found else ""


def _glossed_label(item: Candidate, lines: list[str], named: str) -> str:
    line = item.source_line(lines)
    if len(line) > _MAX_LINE or "[" not in line:
        return ""
    at = line.find(item.expr) if item.expr else -1
    found = _GLOSSED_FIELD.search(line, max(0, at - 60), at) if at > 0 else None
    return _glossed_step(found.group(1), named) if found else ""


def _glossed_step(label: str, named: str) -> str:
    deadline = _DEADLINE_FIELD.match(label)
    if deadline is None:
        return label.rsplit(" ", 1)[-1]  # `공고일`: the field's own label
    who, step = deadline.group(1), deadline.group(2) or "접수"
    lead = who or named
    return f"{lead} {step} 마감" if lead else f"{step} 마감"


def _held_after(item: Candidate, lines: list[str]) -> str:
    if item.expr_norm.grain != "day" or item.title.endswith("개최") or len(item.title) < _LEFT_TITLE:
        return ""
    line = item.source_line(lines)
    if len(line) > _MAX_LINE:
        return ""
    line, expr = normalise(line), normalise(item.expr)
    at = line.find(expr) if expr else -1
    found = _HELD_AFTER.match(line[at + len(expr) : at + len(expr) + _HELD_WINDOW]) if at >= 0 else None
    return f"{found.group(1)} 개최" if found else ""


def _asked_for(lines: list[str]) -> str:
    for line in lines[:_ASK_LINES]:
        head = line[:_MAX_LINE]
        found = _ASKED_FOR.search(head) if "바랍니다" in head else None
        if found:
            return found.group(1)
    return ""


def mend_titles(items: list[Candidate], lines: list[str], subject: str) -> list[Candidate]:
    named = _subject(subject)
    asked: str | None = None
    lead: str | None = None
    out = []
    for item in items:
        label = _agreed_label(item, lines) if named else ""
        glossed = ""
        if not label and "[" in item.source_line(lines, _MAX_LINE):
            asked = _asked_for(lines) if asked is None else asked
            glossed = _glossed_label(item, lines, asked or named)
        held = "" if label or glossed else _held_after(item, lines)
        if held:
            item = replace(item, title=held)
        elif glossed:
            item = replace(item, title=glossed)
        elif label:
            item = replace(item, title=f"{named} {label}")
        elif item.title.startswith("오는 "):
            title = _LEFT_OVER.sub("", item.title)
            if _BARE_ACTION.match(title):
                lead = _lead_name(lines) if lead is None else lead
                title = f"{lead} {title}" if lead else title
            item = replace(item, title=title)
        out.append(item)
    return out
