"""Responsible departments from the document's contact block, assigned per milestone by area."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_CONTACT_HINT = re.compile(
    r"담당\s?부서|담당과장|담당자|책임자|연락처|제\s?출\s?자|문의|0\d{1,2}-\d{3,4}-\d{4}"
)
_DEPT = re.compile(r"(?<![가-힣])([가-힣]{2,14}(?:과|팀|담당관|센터))(?![가-힣])")
_DEPT_STOP = re.compile(r"^(?:결과|효과|성과|과장|담당관실)$")
_AREA_CLEAN = re.compile(r"담당\s?부서|[()\[\]<>]|\s")
_AREA_SYNONYMS = {
    "max": ("M.AX", "MAX", "AI 팩토리", "AI팩토리", "제조 AI", "제조AI", "인공지능", "AI"),
    "지역": ("지역", "5극", "3특", "권역", "지자체"),
    "규제": ("규제", "특례", "샌드박스"),
    "기술금융": ("기술금융", "금융", "펀드", "투자사"),
    "사업화": ("사업화",),
}


@dataclass(frozen=True)
class Contacts:
    default: str | None
    areas: tuple[tuple[tuple[str, ...], str], ...]


def _keywords(area: str) -> tuple[str, ...]:
    words: list[str] = []
    flat = area.replace(" ", "").upper().replace(".", "")
    for key, synonyms in _AREA_SYNONYMS.items():
        if key.upper() in flat or key in area:
            words.extend(synonyms)
    return tuple(words)


def _row_area(line: str, dept_start: int) -> str:
    area = _AREA_CLEAN.sub("", line[:dept_start].split("\t")[0])
    return re.sub(r"[가-힣]+정책관$|[가-힣]+실$|[가-힣]+국$", "", area)


def _near_hints(lines: list[str]) -> set[int]:
    """Indexes of the lines whose window of three (the line and the next two, joined by spaces)
    holds a contact hint; one scan of the joined text instead of one per window."""
    starts, cursor = [], 0
    for line in lines:
        starts.append(cursor)
        cursor += len(line) + 1
    near: set[int] = set()
    for match in _CONTACT_HINT.finditer(" ".join(lines)):
        first = bisect_right(starts, match.start()) - 1
        last = bisect_right(starts, match.end() - 1) - 1
        near.update(range(max(0, last - 2), first + 1))
    return near


def find_contacts(lines: list[str]) -> Contacts:
    """The default department is the 총괄 row's, else the first one on a line with a contact hint
    (`□ 문의 : … 연구개발정책과`), else the first one just above a hint (the plan's closing block)."""
    first: str | None = None
    on_hint: str | None = None
    chief: str | None = None
    areas: list[tuple[tuple[str, ...], str]] = []
    near_hint = _near_hints(lines)
    for index, line in enumerate(lines):
        if index not in near_hint:
            continue
        for match in _DEPT.finditer(line):
            dept = match.group(1)
            if _DEPT_STOP.match(dept):
                continue
            area = _row_area(line, match.start())
            first = first or dept
            if on_hint is None and _CONTACT_HINT.search(line):
                on_hint = dept
            if "총괄" in area and chief is None:
                chief = dept
            if keywords := _keywords(area):
                areas.append((keywords, dept))
    return Contacts(chief or on_hint or first, tuple(areas))


def department(cell: str) -> str | None:
    """The department a table cell names (a schedule's 담당 column), if it names one."""
    match = _DEPT.fullmatch(cell.strip())
    return match.group(1) if match and not _DEPT_STOP.match(match.group(1)) else None


def assign_owner(contacts: Contacts, text: str) -> str | None:
    for keywords, dept in contacts.areas:
        if any(word in text for word in keywords):
            return dept
    return contacts.default
