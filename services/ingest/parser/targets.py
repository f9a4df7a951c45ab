"""Count targets (`'25년 10개 목표`, `AI 팩토리 500개`) → Target(value, unit)."""

from __future__ import annotations

import re

from .model import Target

_COUNT = re.compile(
    r"(?=\d)(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?"
    r"(개소|개교|개社|개사|개국|개\s?과제|개\s?기업|개|건|명|회|편|종|차시|곳|과제|테마|센터)"
    r"(?!월|년|년간|월간|\s?이내)"
)
_SPACE = re.compile(r"\s")
_DIGIT = re.compile(r"\d")


def count_matches(text: str) -> list[re.Match[str]]:
    if not _DIGIT.search(text):  # every count starts with a digit; skip the slower scan
        return []
    return list(_COUNT.finditer(text))


def has_count(text: str) -> bool:
    return _COUNT.search(text) is not None


def _as_target(match: re.Match[str]) -> Target:
    raw = match.group(1).replace(",", "")
    value: int | float = float(raw) if "." in raw else int(raw)
    unit = _SPACE.sub("", match.group(2))
    unit = {"개社": "개사", "개과제": "개", "개기업": "개"}.get(unit, unit)
    return Target(value, unit)


def find_target(group: str, chunk: str) -> Target | None:
    """Prefer a count in the expression's own group, else the last count of the clause."""
    in_group = count_matches(group)
    if in_group:
        return _as_target(in_group[-1])
    in_chunk = count_matches(chunk)
    return _as_target(in_chunk[-1]) if in_chunk else None
