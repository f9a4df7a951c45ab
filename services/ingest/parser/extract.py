"""Milestone candidates from logical lines: dates selected, clauses titled, targets attached."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .dates import TimeExpr, find_time_exprs
from .model import Target
from .prose import is_past, sentences
from .selection import drop_attributive_years, group_text, keep_expr
from .structure import Logical
from .targets import find_target
from .textnorm import normalise
from .titles import (
    Clause,
    carried_subject,
    clause_start,
    clauses,
    clean_title,
    expr_spans,
    is_short,
    lead_tag,
    remove_spans,
    strip_topic,
    title_for,
)

_MAX_CLAUSE = 300


@dataclass(frozen=True)
class DocContext:
    ref_year: int | None
    plan_year: int | None
    doc_date: date | None
    press: bool

    def year_for(self, part: str) -> int | None:
        if self.plan_year is None:
            return None
        return self.plan_year - 1 if part == "results" else self.plan_year


@dataclass(frozen=True)
class Candidate:
    title: str
    section: tuple[str, ...]
    line: int
    expr: str
    expr_norm: TimeExpr
    target: Target | None
    part: str
    context: str
    front: bool
    family: int


def _recent_enough(expr: TimeExpr, node: Logical, ctx: DocContext) -> bool:
    year = ctx.year_for(node.part)
    end = expr.due or date.max
    return year is None or ctx.press or end >= date(year, 1, 1)


def _select(norm: str, exprs: list[TimeExpr], node: Logical, ctx: DocContext) -> list[TimeExpr]:
    kept = [e for e in exprs if keep_expr(norm, e) and _recent_enough(e, node, ctx)]
    if node.style == "row":
        kept = [e for e in kept if e.grain != "year"]
    kept = drop_attributive_years(norm, kept)
    if ctx.press and ctx.doc_date is not None:
        kept = [e for e in kept if (e.due or e.starts or date.max) > ctx.doc_date]
    return kept


def _undated(text: str) -> str:
    norm = normalise(text)
    exprs = find_time_exprs(norm, None, 2000)
    return remove_spans(norm, expr_spans(norm, exprs, 0, len(norm)))


def _fallback_title(node: Logical, label: str) -> str:
    for parent in reversed(node.parents):
        title = clean_title(_undated(parent.text))
        if len(title) >= 2:
            return f"{title} {label}".strip()
    return label


def _texts(node: Logical) -> list[tuple[int, str]]:
    if node.style != "prose":
        return [(0, node.text)]
    return [(offset, text) for offset, text in sentences(node.text) if not is_past(text)]


def _label(previous: Logical | None) -> str:
    """Row label of a table whose date sits on its own line (`1부` above `'24.11.09(토)`)."""
    if previous is None or previous.style != "row" or len(previous.text) > 8:
        return ""
    return previous.text.strip()


def _titled(title: str, node: Logical, label: str) -> str:
    if len(title) < 2:
        return _fallback_title(node, label)
    if is_short(title):
        tag = lead_tag(normalise(node.text[:40]))
        if tag and not re.search(r"\d", title):
            return f"{tag} {title}"
        parent = _fallback_title(node, "")
        only_count = not re.sub(r"[\d,.\s]|개소|개교|개|명|건|회|편|종|과제", "", title)
        return parent if only_count and parent else f"{parent} {title}".strip()
    return title


def _clause_candidates(node: Logical, offset: int, raw: str, ctx: DocContext, label: str) -> list[Candidate]:
    norm = normalise(raw)
    exprs = find_time_exprs(norm, ctx.ref_year, ctx.year_for(node.part))
    kept = _select(norm, exprs, node, ctx) if exprs else []
    out: list[Candidate] = []
    if not kept:
        return out
    previous: Clause | None = None
    previous_title = ""
    prose = node.style == "prose"
    for clause in clauses(norm, kept):
        title = title_for(norm, clause, exprs, prose)
        subject = carried_subject(previous_title, previous, clause, prose)
        if subject and title and not title.startswith(subject):
            title = f"{subject} {title}"
        title = _titled(title, node, label)
        expr = clause.exprs[0]
        start = max(clause_start(norm, clause), clause.end - _MAX_CLAUSE)
        chunk = norm[start : clause.end]
        shown = strip_topic(title) if prose else title
        if shown:
            out.append(_candidate(node, offset, raw, expr, shown, chunk, group_text(norm, expr)))
        previous, previous_title = clause, title
    return out


def _candidate(
    node: Logical, offset: int, raw: str, expr: TimeExpr, title: str, chunk: str, group: str
) -> Candidate:
    return Candidate(
        title=title,
        section=node.section(),
        line=node.line_at(offset + expr.start),
        expr=raw[expr.start : expr.end].strip(),
        expr_norm=expr,
        target=find_target(group, chunk),
        part=node.part,
        context=f"{raw} {title}",
        front=node.front,
        family=node.family,
    )


def candidates(nodes: list[Logical], ctx: DocContext) -> list[Candidate]:
    out: list[Candidate] = []
    previous: Logical | None = None
    for node in nodes:
        if not (node.skip or node.is_heading):
            for offset, raw in _texts(node):
                out.extend(_clause_candidates(node, offset, raw, ctx, _label(previous)))
        previous = node
    return out
