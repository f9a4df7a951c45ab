"""A date in a note's field (`* (규모) 활주로 2,500m … (사업비) 7,796억원, (준공) 28년`) under a labelled
bullet (`- 공항: 기본계획 수립·고시(22.上) 후 …`) is the bullet's subject's step the field names:
`공항 준공` (fifteenth pass). Only the field's own label before the date and the lead label of the
line above are read: linear in the text."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .extract import Candidate

_NOTE = re.compile(r"^\s*[*※]")
_FIELD_BEFORE = re.compile(r"\(\s?([가-힣]{2,6})\s?\)\s?$")
_LEAD = re.compile(r"^\s*[-ㅇ○◦□·•]\s?([^:：()]{1,20}?)\s?[:：]")
_BEFORE = 12
_ABOVE = 3


def _lead_above(lines: list[str], line: int) -> str:
    for n in range(line - 1, max(0, line - 1 - _ABOVE), -1):
        text = lines[n - 1]
        if _NOTE.match(text) or not text.strip():
            continue
        found = _LEAD.match(text)
        return found.group(1).strip() if found else ""
    return ""


def title_note_fields(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """Retitle a note field's date by the bullet's lead label and the field's label."""
    out = []
    for item in items:
        e = item.expr_norm
        at = item.located(lines)
        if at is not None and _NOTE.match(item.source_line(lines, _BEFORE)):
            field = _FIELD_BEFORE.search(at[max(0, e.start - _BEFORE) : e.start])
            lead = _lead_above(lines, item.line) if field else ""
            if field and lead:
                out.append(replace(item, title=f"{lead} {field.group(1)}"))
                continue
        out.append(item)
    return out
