"""Rows of a printed schedule table and their month cells (issue #12, the older sets): a merged month cell
is printed once, and the rows under it start with an empty cell (`10월 | 사업선정 의결 | …` then
`| 예산안 편성 | · 2026년 예산안 편성(예산법무과) |`); a row with a step and no date of its own is in that
month (a row with a date of its own, or with no step, adds nothing). A row's first step that states its
own period (`3~4월 | 역량강화 | · … 연계 관련 교육 (1 ~ 4월) · …`) is dated by it, not by the month cell."""

from __future__ import annotations

import re
from dataclasses import replace

from .dates import find_time_exprs, is_date_only
from .extract import Candidate
from .textnorm import normalise

_MAX_LINE = 400
_REACH = 6  # rows a merged month cell spans, at most
_BULLETS = re.compile(r"\s?[·•]\s?")
_LETTERS = re.compile(r"[가-힣A-Za-z]{2}")
_OWN_PERIOD = re.compile(r"^\s?·\s?[^·()|]{4,60}?\s?\(([^()]{3,16})\)\s?(?:·|\||$)")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().rstrip("|").split("|")]


def _continued_step(line: str) -> str:
    """`| 예산안 편성 | · 2026년 …(예산법무과) |` → `예산안 편성 2026년 …(예산법무과)`; "" for other lines."""
    if not line.startswith("|") or line.count("|") < 3:
        return ""
    row = _cells(line)
    if len(row) < 3 or row[0] or not all(_LETTERS.search(cell) for cell in row[1:3]):
        return ""
    content = _BULLETS.sub(" ", row[2]).strip()
    return f"{row[1]} {content}".strip()


def _month_row(items_by_line: dict[int, Candidate], lines: list[str], number: int) -> Candidate | None:
    for above in range(number - 1, max(0, number - _REACH) - 1, -1):
        line = lines[above - 1][:_MAX_LINE]
        if "|" not in line:
            return None
        first = _cells(line)[0]
        if first:
            item = items_by_line.get(above)
            grain = item.expr_norm.grain if item else ""
            return item if item and grain == "month" and is_date_only(first) else None
    return None


def continue_month_rows(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    if not any(line.startswith("|") for line in lines):
        return items
    by_line: dict[int, Candidate] = {}
    for item in items:
        by_line.setdefault(item.line, item)
    added = []
    for number, raw in enumerate(lines, 1):
        if number in by_line or not raw.startswith("|"):
            continue
        step = _continued_step(raw[:_MAX_LINE])
        month = _month_row(by_line, lines, number) if step else None
        if month is not None:
            added.append(replace(month, title=step, line=number, family=-number))
    return sorted([*items, *added], key=lambda c: c.line) if added else items


def _own_period(item: Candidate, line: str) -> tuple[Candidate, int]:
    """The item re-dated by its step's own period, and where that period starts in the line (-1: none)."""
    norm = normalise(line)
    row = _cells(norm)
    expr = item.expr_norm
    if len(row) < 3 or item.expr not in row[0] or not is_date_only(row[0]) or expr.starts is None:
        return item, -1
    found = _OWN_PERIOD.match(row[2])
    inner = found.group(1) if found else ""
    own = find_time_exprs(inner, expr.starts.year, expr.starts.year) if found else []
    if len(own) != 1 or not is_date_only(inner) or (own[0].starts, own[0].due) == (expr.starts, expr.due):
        return item, -1
    at = norm.find(row[2]) + found.start(1) if found else -1
    return replace(item, expr=inner, expr_norm=own[0]._replace(start=expr.start, end=expr.end)), at


def date_first_steps(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """Each row's first item: its own period in parentheses, when it states one (the item that period
    gave on its own is then the same step)."""
    out = []
    seen: set[int] = set()
    moved: dict[int, int] = {}
    for item in items:
        if moved.get(item.line) == item.expr_norm.start:
            continue
        line = item.source_line(lines, _MAX_LINE)
        if item.line not in seen and line.count("|") >= 3 and item.expr_norm.grain == "month":
            item, moved[item.line] = _own_period(item, line)
        seen.add(item.line)
        out.append(item)
    return out
