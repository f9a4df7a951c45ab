"""Dates a text reports rather than schedules (issue #12, tenth pass): the year of a heading or of
what is reported (`’21년 지원방향`, `2026년 중점 추진 과제 등을 발표한다`, `2024년 주요 성과로는`), a
programme named by its year as a sentence's topic (`2024년 …사업은 … 추진되며`), a release's own day
told in the past (`…는 12월 28일 … 업무계획을 발표하였다.`), a posting stamp (`… 2024.03.15 행정안전부`),
and a deadline that restates a period's end under a topic with no step (`… 기업은 6월 7일 오후 6시`).
Each check reads a bounded window beside the date, so a long line costs no more per item."""

from __future__ import annotations

import re
from datetime import date

from .extract import Candidate
from .textnorm import normalise

_WINDOW = 40  # characters read after a date
_SENTENCE = 160  # characters read for the rest of a date's sentence
# `’21년 지원방향`, `2026년 중점 추진 과제 등을`: the year names a direction or the tasks reported.
_YEAR_OF_HEADING = re.compile(
    r"\s?(?:도\s?)?(?:[가-힣]{0,4}방향(?:\s|$|을|를|은|는)|(?:중점|주요)\s?(?:추진\s?)?(?:과제|업무)\s?(?:등|을|를|은|는))"
)
# `2024년 주요 성과로는 …`: the year results were achieved in (history).
_YEAR_OF_RESULTS = re.compile(r"\s?(?:의\s)?(?:주요\s?)?(?:성과|실적)(?:로는|는|은|로|를|가)\s")
# `2024년 지역과학문화역량강화사업은 … 지원을 받아 추진되며`: the year is part of the topic's name.
_YEAR_OF_TOPIC = re.compile(r"\s?[가-힣A-Za-z·]{2,30}?사업(?:은|는)\s")
# `…는 12월 28일 '…'을 목표로, 2023년 업무계획을 발표하였다.`: the day a release reports as past.
_PAST_END = re.compile(r"(?:발표|개최|출범|확정|의결)(?:하였|했)다\.?$")
_SENTENCE_END = re.compile(r"다\.(?:\s|$)|다$")
_AHEAD = re.compile(r"오는\s?$|예정|계획(?:이다|이며)")
# `… 주요업무계획 발표 2024.03.15 행정안전부`: a release's posting stamp, its issuer after the date.
_ISSUER_AFTER = re.compile(r"\s?[가-힣]{2,12}(?:부|청|처|위원회)\s*$")
_NUMERIC_DAY = re.compile(r"(?:19|20)\d{2}[.\-/]\s?\d{1,2}[.\-/]\s?\d{1,2}\.?")


def _after(line: str, expr: str, width: int = _WINDOW) -> str:
    at = line.find(expr) if expr else -1
    return line[at + len(expr) : at + len(expr) + width] if at >= 0 else ""


def _told_as_past(line: str, expr: str) -> bool:
    at = line.find(expr) if expr else -1
    if at < 0 or _AHEAD.search(line, max(0, at - 4), at):
        return False
    rest = line[at + len(expr) : at + len(expr) + _SENTENCE]
    end = _SENTENCE_END.search(rest)
    if end is None:
        return False
    sentence = rest[: end.end()].strip()
    return _AHEAD.search(sentence) is None and _PAST_END.search(sentence) is not None


def _reported(item: Candidate, line: str) -> bool:
    expr = normalise(item.expr)
    if not expr or expr not in line:
        return False
    grain = item.expr_norm.grain
    if grain == "year":
        after = _after(line, expr)
        return bool(
            _YEAR_OF_HEADING.match(after) or _YEAR_OF_RESULTS.match(after) or _YEAR_OF_TOPIC.match(after)
        )
    if grain != "day":
        return False
    if _NUMERIC_DAY.fullmatch(expr.strip()) and _ISSUER_AFTER.fullmatch(_after(line, expr)):
        return True
    return _told_as_past(line, expr)


_READ = 2_000  # characters of a line read (its head): a long line costs no more per item


def drop_reported(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    heads: dict[int, str] = {}  # each line's head, normalised once however many items it holds
    out = []
    for item in items:
        head = heads.get(item.line)
        if head is None:
            line = item.source_line(lines)
            head = heads[item.line] = normalise(line[:_READ])
        if not _reported(item, head):
            out.append(item)
    return out


# `사업 참여를 희망하는 기관 및 기업은 6월 7일 오후 6시`: a topic with no step, on a day another item's
# period already ends on.
_TOPIC_ONLY = re.compile(r"[가-힣]+(?:은|는)$")
_TOPIC_TAIL = 30  # characters: the topic word is read at the title's end


def drop_restated_ends(items: list[Candidate]) -> list[Candidate]:
    ends: set[date] = set()
    for c in items:
        starts, due = c.expr_norm.starts, c.expr_norm.due
        if starts is not None and due is not None and starts != due:
            ends.add(due)
    if not ends:
        return items
    return [
        c
        for c in items
        if not (
            c.expr_norm.grain == "day"
            and c.expr_norm.due in ends
            and c.expr_norm.starts in (None, c.expr_norm.due)
            and c.title.rstrip().endswith(("은", "는"))
            and _TOPIC_ONLY.search(c.title.rstrip()[-_TOPIC_TAIL:])
        )
    ]


# `이달 예정된 주요 정책 과제 및 행사를 계획대로 추진할 예정`: that what was scheduled goes ahead as
# planned is a status, no step of its own.
_AS_PLANNED = re.compile(r"^예정(?:된|인)\s.*(?:계획대로|차질\s?없이)")
# A headline or subtitle (one of the text's first lines, short, no bullet, no sentence) that states a day
# a body sentence dates again, naming the same event (`… 3월 9일 현장설명회` / `오는 9일 … 현장설명회를
# 개최한다고 알렸다.`), is one item: the body's.
_HEAD_LINES = 3
_HEADLINE_MAX = 40
_WORD = re.compile(r"[가-힣]{3,}")
_OPENS_ON_MARK = re.compile(r"^\s*(?:[^\w\s]|\d+[.)]|[가-하][.)])")


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1].strip() if 1 <= number <= len(lines) else ""


def _is_headline(lines: list[str], number: int) -> bool:
    if not 1 <= number <= len(lines) or len(lines[number - 1]) > 2 * _HEADLINE_MAX:
        return False
    text = _line(lines, number)
    return (
        number <= _HEAD_LINES
        and 0 < len(text) <= _HEADLINE_MAX
        and not text.endswith("다.")
        and not _OPENS_ON_MARK.match(text)
    )


def _ends_a_sentence(lines: list[str], number: int) -> bool:
    return 1 <= number <= len(lines) and lines[number - 1][-_HEADLINE_MAX:].rstrip().endswith("다.")


def drop_status_and_headline_repeats(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    kept = [c for c in items if not _AS_PLANNED.search(c.title)]
    heads = {
        c.line
        for c in kept
        if c.line <= _HEAD_LINES and c.expr_norm.grain == "day" and _is_headline(lines, c.line)
    }
    if not heads:
        return kept
    body = [
        c
        for c in kept
        if c.line > _HEAD_LINES and c.expr_norm.grain == "day" and _ends_a_sentence(lines, c.line)
    ]
    out = []
    for c in kept:
        if c.line in heads and c.expr_norm.grain == "day":
            words = set(_WORD.findall(c.title))
            same = (
                b
                for b in body
                if (b.expr_norm.starts, b.expr_norm.due) == (c.expr_norm.starts, c.expr_norm.due)
            )
            if any(words & set(_WORD.findall(b.title)) for b in same):
                continue
        out.append(c)
    return out
