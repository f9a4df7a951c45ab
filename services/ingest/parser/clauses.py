"""Clauses: a bullet cut at its top-level connectors into dated pieces, one per deliverable."""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

from .dates import TimeExpr
from .selection import paren_group

# Opens with a lookahead over its possible first characters, so the scan can skip ahead (about
# twice as fast as trying every alternative at every position).
_SPLIT = re.compile(
    r"(?=[,\sŸ하→\-및후으로을를])(?:,\s+(?:\*+\s?)?|\s?Ÿ\s?|하고,?\s|하며,?\s|하여,?\s|→\s?|->\s?|\s/\s|(?<=\))\s?및\s?|(?<=\))\s?후\s"
    r"|(?<=\))(?:으로|로|을 통해|를 통해)\s|(?<=\))\s+(?=\([^()]{1,12}\)\s))"
)
# A purpose or means phrase in front of the deliverable ("…을 위해", "…을 통해", "… 심사를 거쳐").
MEANS = re.compile(
    r"(?:위해|위하여|통해|통하여|거쳐|마쳐|바탕으로|중심으로|활용하여|활용해|도록|반영하여|따라"
    r"|추진해|확대해|대응해|연계해|협력해|과\s함께|와\s함께|투입되어|투입해|투입하여|들여)\s"
)
_BRACKET = re.compile(r"[(「\[『]")
_MAX_LISTED = 25
_BUDGET_HINT = re.compile(r"\d\s?(?:억|조|백만|원)")


# `… 23~26일이며`, `… 6일까지이고`: the copula ends the clause of the date before it.
_COPULA_AFTER = re.compile(r"\s?(?:까지)?(?:이며|이고|며|고)\s?,?\s")


class Clause(NamedTuple):
    start: int
    end: int
    exprs: tuple[TimeExpr, ...]
    connector: str


def _depth_map(text: str) -> list[int]:
    depth, depths = 0, []
    for char in text:
        if char in "(「[『":
            depth += 1
        depths.append(depth)
        if char in ")」]』" and depth > 0:
            depth -= 1
    return depths


# `행정안전부, 과기정통부를 세종시로 이전하기 위한 …`: two names before one particle are one object.
_NAME_BEFORE = re.compile(r"(?<![가-힣])[가-힣]{2,8}$")
_NAME_OBJECT = re.compile(r"[가-힣·]{2,8}(?:을|를)\s")


def _listed_names(text: str, start: int, end: int) -> bool:
    return (
        text[start] == ","
        and _NAME_OBJECT.match(text, end) is not None
        and _NAME_BEFORE.search(text, max(0, start - 9), start) is not None
    )


def split_points(text: str) -> list[tuple[int, int, str]]:
    found = [(m.start(), m.end(), m.group(0).strip()) for m in _SPLIT.finditer(text)]
    if found and "," in text:
        found = [point for point in found if not _listed_names(text, point[0], point[1])]
    if not found or not _BRACKET.search(text):
        return found
    depths = _depth_map(text)
    return [point for point in found if depths[point[0]] == 0]


def clauses(text: str, exprs: list[TimeExpr]) -> list[Clause]:
    """Cut the text at top-level connectors, then give each dated piece its own clause."""
    pieces: list[tuple[int, int, str]] = []
    cursor, connector = 0, ""
    for start, end, word in split_points(text):
        pieces.append((cursor, start, connector))
        cursor, connector = end, word
    pieces.append((cursor, len(text), connector))
    out: list[Clause] = []
    ordered = sorted(exprs, key=lambda e: e.start)
    starts = [e.start for e in ordered]
    dated = {
        index for index, (s, e, _) in enumerate(pieces) if bisect_left(starts, e) > bisect_left(starts, s)
    }
    for index, (start, end, _word) in enumerate(pieces):
        inside = tuple(ordered[bisect_left(starts, start) : bisect_left(starts, end)])
        if inside:
            merged_start, merged_word = _absorb_listed(text, pieces, index, dated)
            out.extend(_split_multi(text, merged_start, end, inside, merged_word))
    return out


def _absorb_listed(
    text: str, pieces: list[tuple[int, int, str]], index: int, dated: set[int]
) -> tuple[int, str]:
    """Undated short items listed before a dated one ("A, B, C('25.3월)") share its date."""
    start, _, word = pieces[index]
    while index > 0 and word == "," and not text[start:].lstrip().startswith("("):
        prev_start, prev_end, prev_word = pieces[index - 1]
        piece = text[prev_start:prev_end]
        if len(piece) > _MAX_LISTED or _BUDGET_HINT.search(piece) or index - 1 in dated:
            break
        start, word, index = prev_start, prev_word, index - 1
    return start, word


def _split_multi(text: str, start: int, end: int, exprs: tuple[TimeExpr, ...], word: str) -> list[Clause]:
    result: list[Clause] = []
    for index, expr in enumerate(exprs):
        if index + 1 < len(exprs):
            span = paren_group(text, expr)
            cut = span[1] if span else exprs[index + 1].start
            cut = min(max(cut, expr.end), exprs[index + 1].start)
            after = cut
            copula = _COPULA_AFTER.match(text, expr.end, exprs[index + 1].start)
            if copula is not None:  # `원서 접수는 23~26일이며 필기시험은 3월 14일`: the copula ends the
                cut, after = expr.end, copula.end()  # clause; the next topic is the next clause's
        else:
            cut = after = end
        result.append(Clause(start, cut, (expr,), word if index == 0 else ""))
        start = after
    return result


def clause_start(text: str, clause: Clause) -> int:
    """Drop a leading purpose/means phrase ("…을 위해", "…을 통해") before the deliverable."""
    first = clause.exprs[0]
    span = paren_group(text, first)
    limit = span[0] if span else first.start
    start = clause.start
    for m in MEANS.finditer(text, clause.start, limit):
        if len(text[m.end() : limit].strip()) >= 4 or not span:
            start = m.end()
    return start


def remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    out, cursor = [], 0
    for start, end in sorted(spans):
        if start >= cursor:
            out.append(text[cursor:start])
            cursor = end
    out.append(text[cursor:])
    return " ".join("".join(out).split())


# `12월 2024년 본 예산 반영과 함께 최종 확정`: the year of a budget names it; it stays in the title.
_BUDGET_NAMED = re.compile(r"\s?도?\s?(?:본\s?)?예산(?!\s?\d)")


def _names_budget(text: str, expr: TimeExpr, lo: int) -> bool:
    if expr.grain != "year" or expr.kind != "deadline" or expr.start <= lo or text[expr.end - 1] != "년":
        return False
    return _BUDGET_NAMED.match(text, expr.end) is not None


def expr_spans(text: str, exprs: list[TimeExpr], lo: int, hi: int) -> list[tuple[int, int]]:
    """Spans (relative to `lo`) to cut from text[lo:hi]: each date with its own parentheses.
    `exprs` must be sorted by start."""
    spans = []
    for index in range(_bisect_start(exprs, lo), len(exprs)):  # no exprs[i:] copy: linear per document
        expr = exprs[index]
        if expr.start >= hi:
            break
        if _names_budget(text, expr, lo):
            continue
        group = paren_group(text, expr)
        inside = group is not None and group[0] >= lo
        spans.append(group if inside and group else (expr.start, expr.end))
    return [(max(lo, s) - lo, min(hi, e) - lo) for s, e in spans]


def _bisect_start(exprs: list[TimeExpr], lo: int) -> int:
    low, high = 0, len(exprs)
    while low < high:
        mid = (low + high) // 2
        if exprs[mid].start < lo:
            low = mid + 1
        else:
            high = mid
    return low
