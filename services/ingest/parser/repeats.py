"""Items a news text states twice or only as its frame: `5월 중 연구과제를 선정할 계획이다` after the
chain's `과제 선정 (’19.5월)` (the same dates, one title inside the other) is one step; a lead that
restates the headline with a bare `올해` (`금산군이 올해 … 100명 채용한다` under `금산군, 올해 … 100명
신규 채용`) is the year the article is about, its steps dated in the body."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .merge import similarity

if TYPE_CHECKING:
    from .extract import Candidate

_NOT_LETTERS = re.compile(r"[^0-9A-Za-z가-힣]")
_MIN_LETTERS = 4
_COMPARED = 8  # earlier titles of the same dates compared with
_TITLE_CAP = 120
_SAME_AS_HEADLINE = 0.5
_YEAR_FRAME = re.compile(r"^(?:올해|금년)(?:에?는|에도|도)?$")


def _letters(title: str) -> str:
    return _NOT_LETTERS.sub("", title)


def drop_contained_repeats(items: list[Candidate]) -> list[Candidate]:
    """Of two items with the same dates whose titles one holds the other, the first is kept."""
    seen: dict[tuple[object, ...], list[str]] = {}
    out = []
    for item in items:
        e = item.expr_norm
        key = (e.kind, e.starts, e.due)
        flat = _letters(item.title)
        earlier = seen.setdefault(key, [])
        if len(flat) >= _MIN_LETTERS and any(
            len(other) >= _MIN_LETTERS and (flat in other or other in flat) for other in earlier
        ):
            continue
        if len(earlier) < _COMPARED:  # a run of one date repeated (a dense line) costs no more per item
            earlier.append(flat[:_TITLE_CAP])
        out.append(item)
    return out


def drop_year_frames(items: list[Candidate], headline: str, lines: list[str]) -> list[Candidate]:
    """A bare `올해` of a lead (a line after the headline) restating the headline frames what the text
    reports."""
    at = next((n for n, line in enumerate(lines, 1) if headline and line.strip() == headline.strip()), 0)
    if not at:
        return items
    return [
        c
        for c in items
        if c.line <= at
        or c.expr_norm.grain != "year"
        or not _YEAR_FRAME.match(c.expr.strip())
        or similarity(c.title, headline) < _SAME_AS_HEADLINE
    ]
