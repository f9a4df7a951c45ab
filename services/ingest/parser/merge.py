"""One milestone per deliverable: summary/body and bullet/note duplicates merged; stable ids."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from .extract import Candidate
from .model import ParsedMilestone

_NON_WORD = re.compile(r"[^0-9a-z가-힣]+")
_SAME_THRESHOLD = 0.5


def norm_title(title: str) -> str:
    return _NON_WORD.sub("", title.lower())


def _bigrams(text: str) -> set[str]:
    flat = norm_title(text)
    return {flat[i : i + 2] for i in range(len(flat) - 1)} or {flat}


def similarity(a: str, b: str) -> float:
    left, right = _bigrams(a), _bigrams(b)
    return len(left & right) / max(1, min(len(left), len(right)))


def _dates(c: Candidate) -> tuple[object, ...]:
    e = c.expr_norm
    return (e.kind, e.due) if e.kind == "deadline" else (e.kind, e.starts, e.due)


def _duplicate_of(item: Candidate, pool: list[int], kept: list[Candidate]) -> int | None:
    for index in pool:
        if similarity(item.title, kept[index].title) >= _SAME_THRESHOLD:
            return index
    return None


def dedupe(items: list[Candidate]) -> list[Candidate]:
    """Body beats summary; within one bullet and its notes, the first mention wins."""
    ordered = sorted(items, key=lambda c: (c.front, c.line))
    kept: list[Candidate] = []
    by_family: dict[tuple[object, ...], list[int]] = {}
    body_by_date: dict[tuple[object, ...], list[int]] = {}
    for item in ordered:
        family_key = (*_dates(item), item.family)
        pool = by_family.get(family_key, [])
        if item.front:
            pool = pool + body_by_date.get(_dates(item), [])
        index = _duplicate_of(item, pool, kept)
        if index is None:
            kept.append(item)
            by_family.setdefault(family_key, []).append(len(kept) - 1)
            if not item.front:
                body_by_date.setdefault(_dates(item), []).append(len(kept) - 1)
        elif kept[index].target is None and item.target is not None:
            kept[index] = _with_target(kept[index], item)
    return sorted(kept, key=lambda c: c.line)


def _with_target(base: Candidate, donor: Candidate) -> Candidate:
    fields = dict(base.__dict__)
    fields["target"] = donor.target
    return Candidate(**fields)


def milestone_id(plan_key: str, title: str) -> str:
    return f"{plan_key}-{hashlib.sha1(norm_title(title).encode('utf-8')).hexdigest()[:10]}"


def to_milestones(
    items: list[Candidate], plan_key: str, owner_of: Callable[[str], str | None]
) -> list[ParsedMilestone]:
    """Ids from plan key + title; on a clash the body mention keeps the bare id (stable when the
    summary copy's date drifts from the body's)."""
    seen: dict[str, int] = {}
    idents: dict[int, str] = {}
    for position in sorted(range(len(items)), key=lambda i: (items[i].front, items[i].line)):
        base = milestone_id(plan_key, items[position].title)
        seen[base] = seen.get(base, 0) + 1
        idents[position] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    out: list[ParsedMilestone] = []
    for position, item in enumerate(items):
        ident = idents[position]
        e = item.expr_norm
        out.append(
            ParsedMilestone(
                id=ident,
                title=item.title,
                section=item.section,
                line=item.line,
                expr=item.expr,
                kind=e.kind,
                starts=e.starts,
                due=e.due,
                owner=owner_of(item.context),
                target=item.target,
                part=item.part,  # type: ignore[arg-type]
            )
        )
    return out
