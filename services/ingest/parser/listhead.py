"""`…(2025년 상반기): 고영향AI 안전 관리 기준, 딥페이크 워터마크 등 후속 제도 설계 및 시행(2026년 1월)`:
a title that starts inside a `A, B 등 …` list names only its last member; the reader names the list
from its first member, back to the field's colon (fifteenth pass). Only a window before the item's
own expression is read: linear in the text."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .extract import Candidate

_BEFORE = 80
_HEAD = 6
_MEMBER = re.compile(r"^[가-힣A-Za-z0-9·\s]{2,30}$")
_CLAUSE_END = re.compile(r"(?:고|며|여|서|면|다)$")


def _with_list_head(item: Candidate, text: str) -> Candidate | None:
    e = item.expr_norm
    lo = max(0, e.start - _BEFORE)
    window = text[lo : e.start]
    at = window.rfind(item.title[:_HEAD])
    if at < 2 or window[at - 2 : at] != ", ":
        return None
    colon = window.rfind(":", 0, at)
    if colon < 0:
        return None
    member = window[colon + 1 : at - 2].strip()
    if not _MEMBER.match(member) or _CLAUSE_END.search(member):
        return None
    return replace(item, title=f"{member}, {item.title}")


def title_list_heads(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """Give a `… 등` title that starts at a list's last member the list's first member."""
    out = []
    for item in items:
        named = None
        if "등" in item.title and len(item.title) >= _HEAD:
            text = item.located(lines)
            named = _with_list_head(item, text) if text is not None else None
        out.append(named or item)
    return out
