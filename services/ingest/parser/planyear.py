"""The year a work plan is for, from its heading (fifteenth pass).

`행복청, 2026년도 주요 업무계획 발표` (released in December 2025) and `2022년 새만금개발청 핵심
추진과제` name the year whose bare halves and months (`상반기에 수립`, `(12월)`, `연말까지`) the body
schedules; the release's own year is the year before. Only the first few filled lines are read (a
heading), each once: linear in the text."""

from __future__ import annotations

import re

from .textnorm import normalise

_HEAD = 4
_HEAD_MAX = 80
# A year, at most a short name between (`새만금개발청`, `주요`, `정부`), then the kind of plan.
_PLAN_HEADING = re.compile(
    r"(?<![\d.'‘])((?:19|20)\d{2})(?:\s?년도?)?\s(?:[^\s\d]{1,12}\s){0,2}?"
    r"(?:주요\s?|핵심\s?)?(?:업무\s?계획|업무\s?보고|추진\s?과제|시행\s?계획|추진\s?계획)"
)


def heading_plan_year(lines: list[str]) -> int | None:
    """The year of a `YYYY년 (…) 업무계획 / 업무보고 / 핵심 추진과제` heading among the first lines."""
    filled = (line for line in lines if line.strip())
    for _, line in zip(range(_HEAD), filled, strict=False):
        if len(line) > _HEAD_MAX:
            continue
        match = _PLAN_HEADING.search(normalise(line))
        if match:
            return int(match.group(1))
    return None
