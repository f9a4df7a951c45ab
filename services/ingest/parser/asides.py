"""Dates beside the steps, not steps (issue #12, fourteenth pass): a newspaper's print line
(`2016-08-19 12면`), the size of a year's budget (`올해 정부연구개발 예산은 총 35조…`), a footnote's
history of a body (`* … 협의체로, ’23년부터 … 대상기관으로 확대`), a table row the excerpt cuts at its
tilde (`| 임용 결격사유 조회 | 2026. 3. 26.(목) ~`) and a notice's own posting row (`| 모집공고 | … ~ … |`).
Each check reads the item's own line only when cheap tests on the item let it through, and then a
bounded window of it."""

from __future__ import annotations

import re

from .extract import Candidate

_PRINT_LINE = re.compile(r"\s*(?:19|20)\d{2}[-.]\d{1,2}[-.]\d{1,2}\.?\s+\d{1,2}\s?면\s*")
_PRINT_MAX = 24
# `올해 정부연구개발 예산은`, `2026년 예산 규모는`: a figure of the year's money, not a step in it.
_BUDGET_AFTER = re.compile(r"\s?(?:[가-힣A-Za-z·]{1,12}\s){0,2}?[가-힣]{0,10}예산\s?(?:은|는|의|이|규모|총)")
_AFTER = 40
# A footnote (`* …`, `** …`) that explains a name tells what it is and since when; no step.
_FOOTNOTE = re.compile(r"\s*\*{1,3}\s")
_DEFINES_BEFORE = re.compile(r"로,\s?$")
_FUTURE = re.compile(r"예정|계획|할\s|한다|하겠|기로|도록|방침|목표")
_POSTING_ROW = re.compile(r"\|\s?(?:모집|채용|입찰)\s?공고\s?\|")
_ROW_HEAD = 24


def _after(item: Candidate) -> str:
    text = item.context
    at = text.find(item.expr) if item.expr else -1
    return "" if at < 0 else text[at + len(item.expr) : at + len(item.expr) + _AFTER]


def _print_line(line: str) -> bool:
    return len(line) <= _PRINT_MAX and _PRINT_LINE.fullmatch(line) is not None


def _year_budget(item: Candidate) -> bool:
    if item.expr_norm.grain != "year" or "예산" not in item.context:
        return False
    return _BUDGET_AFTER.match(_after(item)) is not None


def _footnote_history(item: Candidate, line: str) -> bool:
    """`* 39개 공공硏으로 구성된 … 협의체로, ’23년부터 … 확대`: the note says what a body is (`…로,`) and
    since when; a programme's note (`* … 사업화 지원(’24~, …)`) is no definition and stays."""
    e = item.expr_norm
    if e.kind != "ongoing" or e.due is not None or not _FOOTNOTE.match(line[:4]):
        return False
    text = item.context
    at = text.find(item.expr) if item.expr else -1
    if at < 0 or _DEFINES_BEFORE.search(text[max(0, at - 6) : at]) is None:
        return False
    return _FUTURE.search(text, at, at + _AFTER * 2) is None


def _cut_row(item: Candidate, line: str) -> bool:
    """A row whose last cell stops at its tilde (no end, no closing `|`): the excerpt lost the end."""
    if item.expr_norm.due is not None or not line.lstrip().startswith("|"):
        return False
    return line.rstrip().endswith("~")


def _posting_row(item: Candidate, line: str) -> bool:
    e = item.expr_norm
    return (
        e.kind == "range" and e.grain == "day" and _POSTING_ROW.match(line.lstrip()[:_ROW_HEAD]) is not None
    )


def drop_asides(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    out = []
    for item in items:
        line = item.source_line(lines)
        if _print_line(line) or _year_budget(item) or _footnote_history(item, line):
            continue
        if _cut_row(item, line) or _posting_row(item, line):
            continue
        out.append(item)
    return out
