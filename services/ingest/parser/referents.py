"""`‘삼국유사 체류형 거점조성사업’은 … 이 사업은 2026년부터 2028년까지 3년 동안 진행되며`: a period
told of `이 사업` / `사업 기간은` is the period of the project named just before; its title names that
project, not the pronoun."""

from __future__ import annotations

import re
from dataclasses import replace

from .extract import Candidate

# A title that opens on a word pointing back (`이 사업`, `본 사업`, `해당 사업`, `사업 기간`).
_POINTING_BACK = re.compile(r"^(?:(?:이|본|해당|동)\s?사업(?:은|는|의)?|사업\s?기간(?:은|는)?)(?=\s|$)\s?")
# A quoted name (`‘…’`, `'…'`, `「…」`, `“…”`) of four to forty characters.
_QUOTED_NAME = re.compile(r"[‘'「“]([^‘’'「」“”\n]{4,40})[’'」”]")
_LOOK_BACK = 3  # lines: the project is named in the same paragraph, just before
_KINDS = ("program", "range", "ongoing")


def _named_before(lines: list[str], line: int) -> str:
    for number in range(line, max(0, line - _LOOK_BACK) - 1, -1):
        if 1 <= number <= len(lines):
            names = _QUOTED_NAME.findall(lines[number - 1])
            if names:
                return names[-1].strip()
    return ""


def name_the_project(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    out: list[Candidate] = []
    for item in items:
        pointing = _POINTING_BACK.match(item.title) if item.expr_norm.kind in _KINDS else None
        name = _named_before(lines, item.line) if pointing else ""
        if not name:
            out.append(item)
            continue
        rest = item.title[pointing.end() :].strip() if pointing else item.title
        out.append(replace(item, title=f"{name} {rest}".strip()))
    return out
