"""`남북도로 1단계 사업을 준공하고, 2단계 사업은 23.7월 개통 목표로 추진(누적 공정률 88.2%)`: a later
stage named by its number alone is a stage of the project named before it (`남북도로 2단계 …`), and a
trailing progress figure in parentheses is status, not the step (fifteenth pass). Only a window
before the item's own expression is read: linear in the text."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .extract import Candidate

_BEFORE = 80
_STAGE_TITLE = re.compile(r"^(\d{1,2})\s?단계")
_NAMED_STAGE = re.compile(r"([가-힣A-Za-z]{2,12})\s(\d{1,2})\s?단계")
_STATUS = re.compile(r"\s?\((?:누적\s?)?(?:공정률|진척률|달성률|집행률)\s?[\d.]+\s?%\)$")


def _project_of_stage(item: Candidate, lines: list[str], number: str) -> str:
    e = item.expr_norm
    text = item.located(lines)
    if text is None:
        return ""
    named = [
        m for m in _NAMED_STAGE.finditer(text[max(0, e.start - _BEFORE) : e.start]) if m.group(2) != number
    ]
    return named[-1].group(1) if named else ""


def title_stages(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """Name a numbered stage's project; drop a trailing progress figure."""
    out = []
    for item in items:
        title = _STATUS.sub("", item.title) if item.title.endswith("%)") else item.title
        stage = _STAGE_TITLE.match(title)
        if stage:
            project = _project_of_stage(item, lines, stage.group(1))
            title = f"{project} {title}" if project else title
        out.append(replace(item, title=title) if title != item.title else item)
    return out
