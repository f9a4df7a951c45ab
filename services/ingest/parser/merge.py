"""One milestone per deliverable: summary/body and bullet/note duplicates merged; stable ids."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from .extract import Candidate
from .model import ParsedMilestone

_NON_WORD = re.compile(r"[^0-9a-z가-힣]+")
_SAME_THRESHOLD = 0.5
_RESTATED_THRESHOLD = 0.5
_OWN_THRESHOLD = 0.25
_NEAR_DAYS = 184


@lru_cache(maxsize=4096)
def norm_title(title: str) -> str:
    return _NON_WORD.sub("", title.lower())


def _bigrams(text: str) -> set[str]:
    flat = norm_title(text)
    return {flat[i : i + 2] for i in range(len(flat) - 1)} or {flat}


def similarity(a: str, b: str) -> float:
    return _overlap(_bigrams(a), _bigrams(b))


def _dates(c: Candidate) -> tuple[object, ...]:
    e = c.expr_norm
    return (e.kind, e.due) if e.kind == "deadline" else (e.kind, e.starts, e.due)


class _GramCache(dict[str, set[str]]):
    """Bigrams per title, computed once per `dedupe` call (titles recur across the comparisons)."""

    def __missing__(self, text: str) -> set[str]:
        grams = _bigrams(text)
        self[text] = grams
        return grams


def _overlap(left: set[str], right: set[str]) -> float:
    return len(left & right) / max(1, min(len(left), len(right)))


def _duplicate_of(
    grams: tuple[set[str], ...], pool: list[int], kept_grams: list[tuple[set[str], ...]]
) -> int | None:
    """Same deliverable when the titles (or the titles before a subject was borrowed) overlap."""
    for index in pool:
        if any(_overlap(a, b) >= _SAME_THRESHOLD for a in grams for b in kept_grams[index]):
            return index
    return None


def _grams(item: Candidate, cache: _GramCache) -> tuple[set[str], ...]:
    return (cache[item.title], cache[item.core]) if item.core else (cache[item.title],)


def dedupe(items: list[Candidate]) -> list[Candidate]:
    """Body beats summary; within one bullet and its notes, the first mention wins; a summary item
    the body restates with another date is dropped in favour of the body's."""
    ordered = sorted(items, key=lambda c: (c.front, c.line))
    kept: list[Candidate] = []
    kept_grams: list[tuple[set[str], ...]] = []
    by_family: dict[tuple[object, ...], list[int]] = {}
    body_by_date: dict[tuple[object, ...], list[int]] = {}
    claimed: set[int] = set()
    by_family_only: dict[int, list[int]] = {}
    cache = _GramCache()
    for item in ordered:
        family_key = (*_dates(item), item.family)
        pool = by_family.get(family_key, [])
        if item.front:
            pool = pool + body_by_date.get(_dates(item), [])
        grams = _grams(item, cache)
        index = _duplicate_of(grams, pool, kept_grams)
        if index is None:
            index = _nested_duplicate(item, kept, by_family_only.get(item.family, []), kept_grams, cache)
        if index is None:
            kept.append(item)
            kept_grams.append(grams)
            by_family.setdefault(family_key, []).append(len(kept) - 1)
            by_family_only.setdefault(item.family, []).append(len(kept) - 1)
            if not item.front:
                body_by_date.setdefault(_dates(item), []).append(len(kept) - 1)
            continue
        if item.front:
            claimed.add(index)
        if kept[index].target is None and item.target is not None:
            kept[index] = _with_target(kept[index], item)
    dropped = _restatements(kept, kept_grams, claimed, cache)
    return sorted((c for i, c in enumerate(kept) if i not in dropped), key=lambda c: c.line)


# `입법예고기간 : 2024. 2. 2. ~ 2. 12.` and `제출기한 : 2024. 2. 12.까지` under `의견제출`: a notice period
# (입법예고, 행정예고) and the opinions due by its last day are two steps, not one period stated twice.
_NOTICE_PERIOD = re.compile(r"예고")
_SUBMISSION = re.compile(r"의견|제출")


def _submitted_after_notice(items: list[Candidate], ranged: list[int], index: int) -> bool:
    if not _SUBMISSION.search(items[index].title) or _NOTICE_PERIOD.search(items[index].title):
        return False
    return all(_NOTICE_PERIOD.search(items[i].title) for i in ranged)


def drop_same_day_repeats(items: list[Candidate], doc_title: str) -> list[Candidate]:
    """A notice states its period again (the lead sentence, then the schedule): the same range of
    days, or the same `…까지` day (also when it closes a range stated elsewhere), is one milestone;
    the range, then the statement whose title is most like the document's title, is kept (the first
    on a tie). Distinct steps on one day (`[11차] 6. 11.` and
    `[12차] 6. 11.까지`) differ in kind of statement and stay apart."""
    groups: dict[tuple[object, ...], list[int]] = {}
    until: dict[object, list[int]] = {}
    for index, item in enumerate(items):
        e = item.expr_norm
        if e.grain != "day":
            continue
        if e.kind == "range" and e.starts != e.due:
            groups.setdefault((e.starts, e.due), []).append(index)
        elif e.kind == "deadline" and item.expr.endswith("까지"):
            until.setdefault(e.due, []).append(index)
    for due, indexes in until.items():
        ranges = [key for key in groups if key[1] == due]  # `5. 9.까지 제출` closes `4. 16. ~ 5. 9.`
        if len(ranges) == 1 and all(_submitted_after_notice(items, groups[ranges[0]], i) for i in indexes):
            continue
        groups.setdefault(ranges[0] if len(ranges) == 1 else (None, due), []).extend(indexes)
    dropped: set[int] = set()
    for indexes in groups.values():
        if len(indexes) > 1:
            best = max(
                indexes,
                key=lambda i: (items[i].expr_norm.kind == "range", similarity(items[i].title, doc_title), -i),
            )
            dropped.update(i for i in indexes if i != best)
    return [item for index, item in enumerate(items) if index not in dropped]


def _nested_duplicate(
    item: Candidate,
    kept: list[Candidate],
    family: list[int],
    kept_grams: list[tuple[set[str], ...]],
    cache: _GramCache,
) -> int | None:
    """A kept item of the same bullet family whose period nests with the item's, with the same
    normalised title or overlapping words."""
    nested = [i for i in family if _nested(kept[i], item)]
    if not nested:
        return None
    title = norm_title(item.title)
    same = [i for i in nested if norm_title(kept[i].title) == title]
    return same[0] if same else _duplicate_of((cache[item.core or item.title],), nested, kept_grams)


def _restatements(
    kept: list[Candidate], kept_grams: list[tuple[set[str], ...]], claimed: set[int], cache: _GramCache
) -> set[int]:
    """Summary items that the body states with a different date ('25.6월~ vs '25.5월~, '25.上 vs
    '25.下): same kind, dates within half a year, and the summary's words found in the body item and
    its heading. Each body item answers for at most one summary item; the body's date wins."""
    by_kind: dict[str, list[int]] = {}
    for index, body in enumerate(kept):
        if not body.front and index not in claimed:
            by_kind.setdefault(body.expr_norm.kind, []).append(index)
    contexts: dict[int, set[str]] = {}
    dropped: set[int] = set()
    for index, item in enumerate(kept):
        if not item.front:
            continue
        best, best_score = -1, _RESTATED_THRESHOLD
        for body_index in by_kind.get(item.expr_norm.kind, []):
            body = kept[body_index]
            if body_index in claimed or not _near(item, body):
                continue
            if body_index not in contexts:
                contexts[body_index] = cache[" ".join((body.title, *body.section[-1:]))]
            own = max(_overlap_of(g, b) for g in kept_grams[index] for b in kept_grams[body_index])
            score = max(_overlap_of(g, contexts[body_index]) for g in kept_grams[index])
            if own >= _OWN_THRESHOLD and score >= best_score:
                best, best_score = body_index, score
        if best >= 0:
            claimed.add(best)
            dropped.add(index)
    return dropped


def _nested(first: Candidate, later: Candidate) -> bool:
    """Within one bullet and its notes, a restatement whose period holds the other's (the bullet's
    '25.9월 and the note's '25년) is the same milestone."""
    a, b = first.expr_norm, later.expr_norm
    if a.kind != b.kind or None in (a.starts, a.due, b.starts, b.due):
        return False
    assert a.starts and a.due and b.starts and b.due
    return (a.starts <= b.starts and b.due <= a.due) or (b.starts <= a.starts and a.due <= b.due)


def _overlap_of(part: set[str], whole: set[str]) -> float:
    return len(part & whole) / max(1, len(part))


def _near(a: Candidate, b: Candidate) -> bool:
    first, second = a.expr_norm, b.expr_norm
    day_a, day_b = first.due or first.starts, second.due or second.starts
    return day_a is not None and day_b is not None and abs((day_a - day_b).days) <= _NEAR_DAYS


def _with_target(base: Candidate, donor: Candidate) -> Candidate:
    return replace(base, target=donor.target)


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
                owner=item.owner or owner_of(item.context),
                target=item.target,
                part=item.part,  # type: ignore[arg-type]
            )
        )
    return out


def drop_open_restatements(items: list[Candidate]) -> list[Candidate]:
    """`은평구 2월 20일부터 서류접수` (a headline) and `오는 2월 20일부터 27일까지 서류접수를 진행`: an open
    `…부터` day that a range of the document starts on the same day restates that range."""
    starts = {
        c.expr_norm.starts
        for c in items
        if c.expr_norm.kind == "range"
        and c.expr_norm.grain == "day"
        and c.expr_norm.due != c.expr_norm.starts
    }
    return [
        c
        for c in items
        if not (c.expr_norm.kind == "ongoing" and c.expr_norm.grain == "day" and c.expr_norm.starts in starts)
    ]
