"""A stage chain printed as one table row (`공 고 (’19.2월~.3월) | ⇨ | 매칭데이 개최 (’19.3월 말) | ⇨ | …`):
each stage is its own cell, so a date's title is its cell's words, not the cells the row ran together."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .extract import Candidate

_MAX_LINE = 2_000
_ARROW_CELL = re.compile(r"\|\s*[⇨⇒→➡▶▷>]+\s*\|")
_PARENS = re.compile(r"\([^()]*\)")
_LETTERS = re.compile(r"[가-힣A-Za-z]")
_MIN_LETTERS = 2


def _stage_title(item: Candidate, line: str) -> str:
    if not item.expr or not _ARROW_CELL.search(line):
        return ""
    cell = next((c for c in line.split("|") if item.expr in c), "")
    words = " ".join(_PARENS.sub("", cell.replace(item.expr, "")).split())
    return words if len(_LETTERS.findall(words)) >= _MIN_LETTERS else ""


def title_chain_stages(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """Each date of a stage chain row is titled by its own stage's cell."""
    out = []
    for item in items:
        title = _stage_title(item, item.source_line(lines, _MAX_LINE))
        out.append(replace(item, title=title) if title else item)
    return out


# `13일 오후 서울 … 청사에서 사업의 취지와 … 알리는 설명회를 열 예정이다`: an event held is the step; the
# venue and the time of day before it, and the verb of holding after it, are no part of its title.
_HELD = re.compile(
    r"(\S[^.]{0,50}?(?:설명회|공청회|토론회|간담회|발표회|보고회|박람회|기공식|개원식|발대식|착공식"
    r"|시상식|워크숍|포럼|세미나))\s?(?:열|연다|개최|개최한다)$"
)
_VENUE = "에서 "


def _held_title(title: str) -> str:
    cut = title.rfind(_VENUE)
    found = _HELD.match(title, cut + len(_VENUE)) if cut >= 0 else None
    return found.group(1).strip() if found else ""


def title_held_events(items: list[Candidate]) -> list[Candidate]:
    """A title that runs from a venue (`…에서`) to the verb of holding is the event held."""
    out = []
    for item in items:
        held = _held_title(item.title) if item.title.endswith(("열", "연다", "개최", "개최한다")) else ""
        out.append(replace(item, title=held) if held else item)
    return out
