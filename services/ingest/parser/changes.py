"""A table of changes to plans (`공약 변경 현황`, twelfth pass of issue #12): a superseded plan is no
milestone (a `(당초)` line, a period before the arrow of `사업기간 변경: 2019 ~ 2021년 → 2019 ~
2022년`); the changed period is the row's (`<공약명> 사업기간`), a changed target its new figure
(`일자리 창출 400명 → 301명`: 301명), and a stage of the changed yearly plan under the row
(`연도별 추진계획(변경): … / 2022 : 공사준공(전체분)`) the row's step."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from .dates import TimeExpr
from .lines import pipe_cells
from .textnorm import normalise

if TYPE_CHECKING:
    from .extract import Candidate

_MAX_LINE = 400
_ROW_REACH = 8  # lines from a plan line up to its row
_MIN_CELLS = 4
_ORIGINAL = re.compile(r"\(\s?당초\s?\)|당초\s?[:：]")
_CHANGED = re.compile(r"\(\s?변경\s?\)|변경\s?[:：]")
_ARROW_TO_DATE = re.compile(r"\.?\s?→\s?['(]?\d")
_CHANGED_FIELD = re.compile(r"([가-힣]{2,8})(?:\([가-힣]{1,6}\))?\s?변경\s?[:：]")
_PLAN_LINE = re.compile(r"^[^|]{0,20}\(\s?변경\s?\)\s?[:：]")
_STAGE_AFTER = re.compile(r"\.?\s?월?\s?[:：]\s?([^/|]{2,40}?)\s*(?:/|$)")
_NEW_FIGURE = re.compile(r"\S+\s?→\s?(\S+)")
# `/ 2022 : 공사준공(전체분)`: a stage of a yearly plan under a bare year.
_YEAR_STAGE = re.compile(r"(?:[:：/]\s?)((?:19|20)\d{2})\s?[:：]\s?([^/|]{2,40}?)\s*(?=/|$)")
_ID_CELL = re.compile(r"^[\d\-.\s]*$")
_LETTERS = re.compile(r"[가-힣A-Za-z]{2}")


def _row_name(cells: list[str]) -> str:
    return next((c for c in cells if not _ID_CELL.match(c) and _LETTERS.search(c)), "")


def _superseded(line: str, at: int, end: int) -> bool:
    if _ARROW_TO_DATE.match(line, end):
        return True  # `2019 ~ 2021년 → 2019 ~ 2022년`: the period before the change
    last = max((m.end() for m in _ORIGINAL.finditer(line, 0, at)), default=-1)
    return last >= 0 and _CHANGED.search(line, last, at) is None  # `(당초) …` with no `(변경)` since


def _merged(name: str, text: str) -> str:
    """`… 청년 일자리 창출` + `일자리 창출 301명`: the words both share said once."""
    words, more = name.split(), text.split()
    for size in range(min(len(words), len(more)), 0, -1):
        if words[-size:] == more[:size]:
            return " ".join([*words, *more[size:]])
    return f"{name} {text}".strip()


def _row_title(item: Candidate, cells: list[str], expr: str) -> str | None:
    name = _row_name(cells)
    cell = next((normalise(c) for c in cells if expr in normalise(c)), "")
    field = _CHANGED_FIELD.search(cell, 0, cell.find(expr))
    if not name or field is None:
        return None
    after = cell.split(expr, 1)[1].strip(" .")
    if item.expr_norm.grain == "year" or not after:
        return f"{name} {field.group(1)}"  # `사업기간 변경: … → 2019 ~ 2022년`
    return _merged(name, _NEW_FIGURE.sub(r"\1", after))


def _plan_title(lines: list[str], number: int, line: str, end: int) -> str | None:
    stage = _STAGE_AFTER.match(line, end)
    if stage is None:
        return None
    for at in range(number - 1, max(0, number - 1 - _ROW_REACH), -1):
        cells = pipe_cells(lines[at - 1])
        if len(cells) >= _MIN_CELLS:
            name = _row_name(cells)
            return f"{name} {stage.group(1).strip()}" if name else None
    return None


def _year_stages(items: list[Candidate], lines: list[str], after: date) -> list[Candidate]:
    """The bare years of `(변경)` plan lines still ahead of the base date, as the row's steps (a year
    alone is no date elsewhere; in a changed yearly plan it is the stage's)."""
    out: list[Candidate] = []
    by_line = {item.line: item for item in items}
    for number, raw in enumerate(lines, 1):
        line = normalise(raw[:_MAX_LINE])
        if "(" not in line or not _PLAN_LINE.match(line):
            continue
        row = next(
            (n for n in range(number - 1, max(0, number - 1 - _ROW_REACH), -1) if "|" in lines[n - 1]), 0
        )
        template = by_line.get(row)
        for found in _YEAR_STAGE.finditer(line) if template is not None else ():
            year = int(found.group(1))
            if template is None or date(year, 12, 31) <= after:
                continue
            expr = TimeExpr(found.start(1), found.end(1), "deadline", None, date(year, 12, 31), "year", True)
            title = f"{_row_name(pipe_cells(lines[row - 1]))} {found.group(2).strip()}"
            out.append(
                replace(template, title=title, line=number, expr=found.group(1), expr_norm=expr, context=line)
            )
    return out


def read_changes(items: list[Candidate], lines: list[str], base: date | None) -> list[Candidate]:
    if not any("변경" in line and "→" in line for line in lines):
        return items  # no change table (most documents)
    staged = _year_stages(items, lines, base) if base is not None else []
    out = []
    for item in items:
        line = normalise(item.source_line(lines, _MAX_LINE))
        expr = normalise(item.expr) if item.expr else ""
        at = line.find(expr) if expr else -1
        if at < 0:
            out.append(item)
            continue
        if _superseded(line, at, at + len(expr)):
            continue
        cells = pipe_cells(line)
        if len(cells) >= _MIN_CELLS:
            title = _row_title(item, cells, expr)
        else:
            title = _plan_title(lines, item.line, line, at + len(expr)) if _PLAN_LINE.match(line) else None
        out.append(replace(item, title=title) if title else item)
    return sorted([*out, *staged], key=lambda c: c.line) if staged else out
