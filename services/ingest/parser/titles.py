"""Clauses and titles: split a bullet into dated deliverables and clean each into a short title."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from .dates import TimeExpr
from .selection import paren_group

_SPLIT = re.compile(
    r",\s+(?:\*+\s?)?|\s?Ÿ\s?|하고,?\s|하며,?\s|하여,?\s|→\s?|->\s?|\s/\s|(?<=\))\s?및\s?|(?<=\))\s?후\s"
    r"|(?<=\))(?:으로|로|을 통해|를 통해)\s|(?<=\))\s+(?=\([^()]{1,12}\)\s)"
)
_MEANS = re.compile(r"(?:위해|위하여|통해|통하여|바탕으로|중심으로|활용하여|활용해|도록|반영하여|따라)\s")
_LEAD_TAG = re.compile(r"^(?:[\[(][^()\[\]]{1,25}[\])]\s?)+")
_QUOTE_PARTICLE = re.compile(r"(?<=['」\"”’])(?:도|을|를|이|가|과|와|의)(?=\s)")
_MARKS = re.compile(r"\*+|[‘’“”\"']|^\s*[-·•▸]\s*")
_NOISE_PARENS = re.compile(r"\((?:[월화수목금토일]|\d{1,2}:\d{2}\s?~\s?\d{1,2}:\d{2}|\d+\s?(?:년|개월))\)")
_BUDGET_PHRASE = re.compile(
    r"(?:총\s?|약\s?)?\d[\d,.]*\s?(?:억|조|백만)(?:\s?원)?(?!\s?원|\s?(?:이상|미만|이하|초과))\s?(?:규모의?|투입|투자|내외)?\s?"
)
_EMPTY_PARENS = re.compile(r"\(\s*[,/]?\s*\)|,\s*(?=\))|\(\s*,\s*")
_TRAILING = re.compile(
    r"(?:\s|[,.:;·~\-(]|\b등)+$|(?<=[가-힣」)])(?:을|를|은|는)$|(?<=[」)])(?:이|가|도|의|에|으로|로|과|와)$"
)
_GENERIC_TAGS = frozenset({"규모", "예시", "예", "例", "대상", "구성", "정의", "참고", "주요내용"})
_SHORT = 3
_PROSE_END = re.compile(r"\s?(?:할\s?|하는\s?)?예정이다\.?$|한다\.?$|된다\.?$|하겠다\.?$|다\.$")
_OBJECT = re.compile(r"(?<=[가-힣0-9A-Za-z」])(?:을|를)\s(?=\S+$)")
_PROSE_OBJECT = re.compile(r"(?<=[가-힣0-9A-Za-z」%])(?:을|를)\s")
_PROSE_VERB = {"시작으로": "시작", "추진할": "추진"}
_TOPIC = re.compile(r"^(.{2,30}?)(?:은|는)\s")
_CARRY_CONNECTORS = ("후",)
_MAX_TITLE = 80
_MAX_CLAUSE = 300
_MAX_LISTED = 25
_BUDGET_HINT = re.compile(r"\d\s?(?:억|조|백만|원)")


@dataclass(frozen=True)
class Clause:
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


def split_points(text: str) -> list[tuple[int, int, str]]:
    depths = _depth_map(text)
    return [(m.start(), m.end(), m.group(0).strip()) for m in _SPLIT.finditer(text) if depths[m.start()] == 0]


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
        else:
            cut = end
        result.append(Clause(start, cut, (expr,), word if index == 0 else ""))
        start = cut
    return result


def clause_start(text: str, clause: Clause) -> int:
    """Drop a leading purpose/means phrase ("…을 위해", "…을 통해") before the deliverable."""
    first = clause.exprs[0]
    span = paren_group(text, first)
    limit = span[0] if span else first.start
    start = clause.start
    for m in _MEANS.finditer(text, clause.start, limit):
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


def expr_spans(text: str, exprs: list[TimeExpr], lo: int, hi: int) -> list[tuple[int, int]]:
    """Spans (relative to `lo`) to cut from text[lo:hi]: each date with its own parentheses.
    `exprs` must be sorted by start."""
    spans = []
    first = _bisect_start(exprs, lo)
    for expr in exprs[first:]:
        if expr.start >= hi:
            break
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


def clean_title(raw: str, prose: bool = False) -> str:
    text = _LEAD_TAG.sub("", raw.strip()[:_MAX_CLAUSE])
    text = _QUOTE_PARTICLE.sub("", text)
    text = _MARKS.sub("", text).replace("Ÿ", ":")
    text = _NOISE_PARENS.sub("", _BUDGET_PHRASE.sub("", text))
    text = _EMPTY_PARENS.sub("", text)
    text = " ".join(text.split())
    text = _prose_tidy(text) if prose else _OBJECT.sub(" ", text)
    for _ in range(3):
        text = _balance(_TRAILING.sub("", text).strip())
    return text[:_MAX_TITLE].strip()


def _balance(text: str) -> str:
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip()
    return text


def lead_tag(raw: str) -> str:
    match = _LEAD_TAG.match(raw.strip())
    tag = match.group(0).strip()[1:-1].strip() if match else ""
    return "" if tag in _GENERIC_TAGS or "'" in tag else tag


def is_short(title: str) -> bool:
    return len(re.sub(r"[^가-힣A-Za-z]", "", title)) <= _SHORT


def _prose_tidy(text: str) -> str:
    text = _PROSE_END.sub("", text).strip()
    words = [_PROSE_VERB.get(w, w) for w in text.split()]
    text = " ".join(words)
    return _PROSE_OBJECT.sub(" ", text)


def title_for(text: str, clause: Clause, all_exprs: list[TimeExpr], prose: bool) -> str:
    start = clause_start(text, clause)
    piece = text[start : clause.end]
    raw = remove_spans(piece, expr_spans(text, all_exprs, start, clause.end))
    title = clean_title(raw, prose)
    return title if len(title) >= 2 else lead_tag(piece)


def strip_topic(title: str) -> str:
    return _TOPIC.sub(lambda m: f"{m.group(1)} ", title, count=1)


def carried_subject(previous_title: str, previous: Clause | None, clause: Clause, prose: bool) -> str:
    """Subject of the previous deliverable when this clause continues it ("… 예타(…) 후 사업예산 확보")."""
    if previous is None or not previous_title:
        return ""
    if prose:
        topic = _TOPIC.match(previous_title)
        return topic.group(1) if topic else ""
    if previous.exprs[0].kind == "program":
        return previous_title
    return previous_title.split(" ")[0] if clause.connector in _CARRY_CONNECTORS else ""
