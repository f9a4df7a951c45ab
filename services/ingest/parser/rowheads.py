"""A table row's name and header when figures are in them: `인공지능 2개 서브 사업단`, `‘17년 예산 (억원)`."""

from __future__ import annotations

import re

from .lines import pipe_cells

# A count of things (`2개 서브 사업단`, `3건`, `30명`) names what the row is about; it is no date.
_COUNT = re.compile(r"\d+\s?(?:개|건|명|종|곳|개소)(?![년월])")
_DIGIT = re.compile(r"\d")
# A date in a cell (`‘17.2`, `‘17-‘23`, `2017. 3`, `3월`): a data row, not the header row.
_DATE_CELL = re.compile(r"\d\s?[.\-~∼년월]|[’‘']\d{2}")
_WORD = re.compile(r"[가-힣A-Za-z]")
_REMARK = re.compile(r"\([^()]*\)|[년월일]")


def _is_date_cell(cell: str) -> bool:
    return _DATE_CELL.search(cell) is not None and len(_WORD.findall(_REMARK.sub("", cell))) <= 1


def without_counts(name: str) -> str:
    return _COUNT.sub("", name)


def header_with_years(lines: list[str], line: int, width: int, column: int, reach: int) -> str:
    """The header row above a row when the header names a year in another column (`‘17년 예산
    (억원)`): the nearest row of the same width whose first cell and the date's column hold no
    figure and none of whose cells is a date."""
    for number in range(line - 1, max(0, line - reach) - 1, -1):
        text = lines[number - 1]
        if "|" not in text:
            continue
        row = pipe_cells(text)
        if len(row) != width or not row[column] or _DIGIT.search(row[0] + row[column]):
            continue
        if not any(_is_date_cell(cell) for cell in row):
            return row[column]
    return ""


# `사업 공고일`, `접수 마감일`, `공고 시기`: a column of the days a step falls on names the step.
_STEP_DAY = re.compile(r"(공고|접수|마감|발표|선정|개시|착수|종료|완료|준공|개통)\s?(?:일자|일|시기)$")


def header_step(header: str) -> str:
    return _STEP_DAY.sub(r"\1", header)
