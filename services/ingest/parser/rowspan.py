"""Rows of a printed schedule table that continue the month above (issue #12, the older sets): a merged
month cell is printed once, and the rows under it start with an empty cell (`10월 | 사업선정 의결 | …`
then `| 예산안 편성 | · 2026년 예산안 편성(예산법무과) |`); a row with a step and no date of its own is
in that month. A row with a date of its own, or with no step, adds nothing."""

from __future__ import annotations

import re
from dataclasses import replace

from .dates import is_date_only
from .extract import Candidate

_MAX_LINE = 400
_REACH = 6  # rows a merged month cell spans, at most
_BULLETS = re.compile(r"\s?[·•]\s?")
_LETTERS = re.compile(r"[가-힣A-Za-z]{2}")


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
