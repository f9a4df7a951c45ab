"""Deadlines counted from a dated event of the same text (issue #12, the older sets): `부지조성공사
기본설계는 현장설명회 개최일로부터 6개월(180일) 이내에 완료해야 한다` with the briefing an item on 9 March is
due on 5 September (`부지조성공사 기본설계 완료`). Only days are counted (months are not a fixed length);
an event the text does not date leaves the deadline out, never guessed."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from .dates import TimeExpr
from .extract import Candidate
from .textnorm import normalise

_MAX_LINE = 400
_MAX_COUNTED = 20  # a text counts days from its events a few times; the lookups stay bounded
_COUNTED = re.compile(
    r"([가-힣]{2,12}?)\s?(?:개최|시행|공고|통보|선정|체결)?\s?일로?부터\s?(?:\d{1,2}\s?개월\s?)?"
    r"\(?\s?(\d{1,3})\s?일\s?\)?\s?(?:이내|내)"
)
_TOPIC = re.compile(r"([가-힣A-Za-z0-9·]{2,20}(?:\s[가-힣A-Za-z0-9·]{2,20})?)(?:은|는)\s(?=[^.]{0,40}$)")
_VERB = re.compile(r"\s?에?\s?([가-힣]{2,4}?)(?:해야|하여야|할|한다|된다|하도록)")


def _counted_item(event: Candidate, norm: str, line: int, found: re.Match[str]) -> Candidate | None:
    due = event.expr_norm.due
    topic = _TOPIC.search(norm, max(0, found.start() - 40), found.start())
    verb = _VERB.match(norm, found.end())
    if due is None or topic is None or verb is None:
        return None
    when = due + timedelta(days=int(found.group(2)))
    expr = TimeExpr(found.start(), found.end(), "deadline", None, when, "day", True)
    title = f"{topic.group(1)} {verb.group(1)}"
    return replace(event, title=title, line=line, expr=found.group(0), expr_norm=expr, family=-line)


def count_from_events(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    days = [c for c in items if c.expr_norm.grain == "day" and c.expr_norm.due is not None]
    if not days:
        return items
    out = list(items)
    events: dict[str, Candidate | None] = {}  # each event's name is looked up once
    counted = 0
    for number, raw in enumerate(lines, 1):
        if ("일로" not in raw and "일부터" not in raw) or counted >= _MAX_COUNTED:
            continue
        norm = normalise(raw[:_MAX_LINE])
        for found in _COUNTED.finditer(norm):
            counted += 1
            name = found.group(1)
            if name not in events:
                events[name] = next((c for c in days if name in c.title), None)
            event = events[name]
            made = _counted_item(event, norm, number, found) if event else None
            if made is not None:
                out.append(made)
    return sorted(out, key=lambda c: c.line)
