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


_BUCKET = 8  # day periods kept per month: a dense text costs no more per item
_SPAN_MONTHS = 12


def _month_keys(item: Candidate) -> list[tuple[int, int]]:
    e = item.expr_norm
    if e.starts is None or e.due is None:
        return []
    keys: list[tuple[int, int]] = []
    year, month = e.starts.year, e.starts.month
    while (year, month) <= (e.due.year, e.due.month) and len(keys) < _SPAN_MONTHS:
        keys.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def drop_coarse_restatements(items: list[Candidate]) -> list[Candidate]:
    """`공 고 (’19.2월~.3월)` in a chain after `13일부터 3월 15일까지 … 과제를 공고한다`: a month period that
    holds a period of days whose title names its step is that step stated coarsely, once more."""
    days: dict[tuple[int, int], list[Candidate]] = {}
    for item in items:
        e = item.expr_norm
        if e.grain == "day" and e.kind == "range" and e.starts is not None:
            bucket = days.setdefault((e.starts.year, e.starts.month), [])
            if len(bucket) < _BUCKET:
                bucket.append(item)
    if not days:
        return items
    return [item for item in items if not _restates_days(item, days)]


def _restates_days(item: Candidate, days: dict[tuple[int, int], list[Candidate]]) -> bool:
    e = item.expr_norm
    step = _letters(item.title)
    if e.grain != "month" or e.kind != "range" or e.starts is None or e.due is None or len(step) < 2:
        return False
    for key in _month_keys(item):
        for day in days.get(key, []):
            d = day.expr_norm
            inside = d.starts is not None and d.due is not None and e.starts <= d.starts and d.due <= e.due
            if inside and _letters(day.title).endswith(step):
                return True
    return False
