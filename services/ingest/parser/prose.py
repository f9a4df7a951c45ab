"""Press-release prose: sentence spans, and which sentences report the past."""

from __future__ import annotations

import calendar
import re
from datetime import date

from .dates import TimeExpr, span_before

_SENTENCE_END = re.compile(r"(?<=다\.)\s+|(?<=다\.)(?=\S)|(?<=\.)\s+(?=[가-힣「‘'\"“(])")
# `… 조성한 바 있다` (has been done): history, as the past tense is; `거쳤다`, `늦어졌다`, `마쳤다`: past stems too.
_PAST = re.compile(
    r"(?:었|였|했|았|됐|졌|쳤)다\.?\s*$|(?:하였|되었)습니다\.?\s*$|[가-힣]\s?바\s?(?:있다|있습니다)\.?\s*$"
)


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs covering the text."""
    out: list[tuple[int, str]] = []
    cursor = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > cursor:
            out.append((cursor, text[cursor : m.start()]))
        cursor = m.end()
    if cursor < len(text):
        out.append((cursor, text[cursor:]))
    return out


# `개정하기로 했다` (decided to), `추진한다고 했다` (said it will): a past verb about a future step.
_DECIDED = re.compile(r"(?:기로|다고|라고)\s?(?:했|하였)(?:다|습니다)\.?\s*$")


# `"축성행렬은 오는 5월 20일 시작하게 된다"며 … 고 말했다`: a plan quoted, reported in the past tense.
_QUOTED_PLAN = re.compile(r"(?:된다|한다|예정이다|계획이다|할\s?것이다)[”\"]\s?(?:며|라며|고)\s")


# `2028년 12월 신청사 준공을 목표로 내걸었다`: a target set in the past tense is still ahead; one that
# was missed (`…목표로 했으나 늦어졌다`) is history.
_TARGET_SET = re.compile(r"목표(?:로|를)\s?(?:내걸었|세웠|잡았|정했|삼았|했|하였)(?!으나|지만|는데|던)")

# `… 1월 사업 시행을 위한 사전 준비를 철저히 할 것을 당부했다`: an instruction reported; its steps are ahead.
_DIRECTED = re.compile(r"(?:것을|도록)\s?(?:당부|요청|지시|주문|촉구)(?:했|하였)(?:다|습니다)\.?\s*$")


def is_past(sentence: str) -> bool:
    return (
        bool(_PAST.search(sentence))
        and not _DECIDED.search(sentence)
        and not _QUOTED_PLAN.search(sentence)
        and not _TARGET_SET.search(sentence)
        and not _DIRECTED.search(sentence)
    )


# `… 안건을 5일 국무회의에 상정할 방침입니다` in a notice posted on the 4th: a day of the posting's
# month, later than the posting, in a sentence that states a plan. `지난 5일`, `5일 밝혔다` (reported),
# and days that name a count (`5일간`, `5일 이내`) or end a span (`18일에서 30일 사이`) are not. `참가자를 30일까지 모집한다`: a deadline in it;
# `오는 10일 … 발간한다고 3일 밝혔다`: a plan reported (`오는`, `…한다고`).
_BARE_DAY = re.compile(
    r"(?<![\d.,'/:~월])(?<!지난\s)(?<!지난)([1-3]?\d)\s?일(?:\s?까지)?(?!\s?(?:간|동안|부터|이내|이상|~|자|사이))(?![가-힣])"
)
_PLANNED = re.compile(
    r"방침|예정|계획|할\s?것|키로|기로|(?:모집|접수|신청)(?:한다|받는다|하면)|오는\s|[가-힣]한다고\s"
    r"|\s연다(?:고)?(?![가-힣])|열린다(?![가-힣])"  # `설명회를 31일 대전에서 연다고 28일 밝혔다`
)
_REPORTED_AFTER = re.compile(r"\s?(?:밝혔|말했|전했|발표했)")


def bare_days(text: str, doc_date: date, taken: list[tuple[int, int]]) -> list[TimeExpr]:
    """Bare days (`5일`) placed in the document date's month, outside the spans already taken."""
    if not _PLANNED.search(text):
        return []
    out: list[TimeExpr] = []
    last = calendar.monthrange(doc_date.year, doc_date.month)[1]
    index = 0  # `taken` is in text order, as are the matches: one pass over both
    for m in _BARE_DAY.finditer(text):
        while index < len(taken) and taken[index][1] <= m.start():
            index += 1
        overlaps = index < len(taken) and taken[index][0] < m.end()
        day = int(m.group(1))
        if overlaps or not doc_date.day < day <= last:
            continue
        if _REPORTED_AFTER.match(text, m.end()):
            continue
        when = doc_date.replace(day=day)
        expr = TimeExpr(m.start(), m.end(), "deadline", when, when, "day", False)
        out.append(span_before(text, m.end(), expr) or expr)  # `오는 21일까지 사흘간`: from the 19th
    return out


# `오전 10시~12시 정부서울청사 … 국제회의장에서 공청회도 열린다`: what is held is the step; the hours
# and the venue around it are not.
_IS_HELD = re.compile(r"(?<=[가-힣A-Za-z0-9·)」])(?:이|가|도)\s(?:열린|열릴|개최된|개최될)$")
_HELD_WORDS = 3


def held_name(text: str) -> str:
    """What a sentence says is held (`… 국제회의장에서 공청회도 열린`) → `공청회`; "" when it says none."""
    held = _IS_HELD.search(text)
    if held is None:
        return ""
    head = text[: held.start()]
    venue = head.rfind("에서 ")
    words = head[venue + 3 :].split() if venue >= 0 else head.split()
    return " ".join(words[-_HELD_WORDS:])
