"""A budget is prepared in the year before it runs: `10월중 의회 업무보고 후 12월 2024년 본 예산 반영`,
a participatory-budget call `2026년도 예산편성을 위한 …` with `3. 17.(월)~6. 30.(월)`, `11월 중` — the
months with no year of such a schedule are in the year before the budget year, not in it."""

from __future__ import annotations

import re
from dataclasses import replace

from .dates import TimeExpr, shift_years, stated_weekday
from .extract import Candidate
from .textnorm import normalise

# `2024년 본 예산 반영`, `2026년 예산안 편성`, `2026년도 예산편성을 위한`, `2022년 주민참여예산`,
# `2024년 주요 업무계획은 … 예산반영과 함께 최종 확정`: the year of a budget being prepared.
_PREPARED_BUDGET = re.compile(
    r"((?:19|20)\d{2})\s?년도?\s?(?:(?:본\s?)?예산\s?안?(?:에|을|를)?\s?(?:편성|반영|확정|제출|심의)|주민\s?참여\s?예산)"
    r"|((?:19|20)\d{2})\s?년도?\s?(?:주요\s?)?업무\s?계획[^.]{0,80}?예산\s?반영"
)
_HEAD = 3


def _budget_year(text: str) -> int | None:
    found = _PREPARED_BUDGET.search(text)
    if found is None:
        return None
    return int(found.group(1) or found.group(2))


def _weekday_fits(raw: str, expr: TimeExpr) -> bool:
    """`3. 17.(월)`: a weekday that is right for the year given settles the year (the weekday rule of
    `dates` has already chosen it)."""
    wanted = stated_weekday(raw)
    first = expr.starts or expr.due
    return wanted is not None and first is not None and first.weekday() == wanted


def _shifted(expr: TimeExpr) -> TimeExpr:
    return expr._replace(starts=shift_years(expr.starts, -1), due=shift_years(expr.due, -1))


def budget_in_preparation(lines: list[str]) -> int | None:
    """The budget year a document's title says is being prepared (`2026년도 예산편성을 위한 …`)."""
    return _budget_year(normalise(" ".join(line.strip() for line in lines[:_HEAD])))


def prepared_the_year_before(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """Move a year-less date placed in a budget's own year (by the document's or its line's year) to
    the year before, when its line or the document's title says that budget is being prepared."""
    head = budget_in_preparation(lines)
    out: list[Candidate] = []
    for item in items:
        expr = item.expr_norm
        # every pattern names a budget (예산): the plain test skips the rest for most dates
        year = (_budget_year(normalise(item.context)) if "예산" in item.context else None) or head
        day = expr.due or expr.starts
        placed = day.year if day is not None else None
        if year is None or expr.explicit_year or placed != year or _weekday_fits(item.expr, expr):
            out.append(item)
            continue
        out.append(replace(item, expr_norm=_shifted(expr)))
    return out
