"""Dates that are never milestones, read from the words right beside them (issue #12, eighth pass):
a count per year compared across years (`’21년 5회→’22년 10회`), a month a figure was counted over (`2025년 8월 한 달간 … 2천963건`),
a year something was introduced in (`2019년 도입됨`), this month's meeting named by its month in a
dated report (`12월 현안점검회의 개최`), and an item whose title is only a date (a site's filter
menu: `2024년` / `상반기부터`). Each check reads a bounded window beside the date, so a long line
costs no more per item."""

from __future__ import annotations

import re
from datetime import date

from .dates import is_date_only
from .extract import Candidate
from .textnorm import normalise

_WINDOW = 40  # characters read after a date
_SENTENCE = 200  # a line this short is one sentence
# `’21년 5회(상반기 3회, 하반기 2회)→’22년 10회`: how many times in a year or half, compared across
# years (a baseline and its change); a count with its `목표` is a plan's target and stays.
_COUNT_AFTER = re.compile(r"\s?(?:도|에는|에도|에|은|는)?\s?\d[\d,]*\s?(?:회|건|개소|곳)(?![가-힣]{0,1}차)")
# `2025년 8월 한 달간 … 신청이 2천963건`: the period a figure was counted over.
_COUNTED_OVER = re.compile(r"\s?(?:한\s?달|한\s?해|1년)\s?(?:간|동안)")
# `… 제도로 2019년 도입됨`, `2018년 개통된`: the year of a past change (history).
_INTRODUCED = re.compile(
    r"\s?(?:에\s?)?(?:도입|시행|시작|출범|개통|준공|완공|제정|신설)\s?(?:됨|되었|됐|된|하였|했|함)"
)
# `함안군 12월 현안점검회의 개최`: the month names the meeting.
# `부총리는 11.16.(수) 08시 … 「경제관계장관회의」를 주재하여`: the meeting a release reports, held that day.
_PRESIDED_AFTER = re.compile(r".{0,60}?주재\s?(?:하여|하고|했|하였|한)")
_MEETING_AFTER = re.compile(r"\s?[가-힣]{0,8}(?:회의|보고회|정례회|월례회|조회)(?:\s|$|를|을|가|에서)")
_GRAINS_COUNTED = ("year", "half")
_READ_BESIDE = ("year", "half", "month")
_DATE_TITLE = 24  # characters: a title this short may be a date alone
_ARROW = re.compile("[→➝⇒⟶]")
# `2018년 … 공모사업 추진 일정은 아래와 같다`: the sentence that introduces a schedule; its year names it.
_INTRODUCES = re.compile(r"(?:아래|다음)(?:과|와)\s?같")
# `’05년 경유승용차 시판에 대비`: the year of an event a measure prepares for; `2023년 대비 2배`: a
# baseline; `2018년을 환경정책 전환의 원년으로 삼아`: a year named as the first of an era (ninth pass).
_PREPARED_FOR = re.compile(r"[^.,]{0,24}?에\s?(?:대비|앞서)|\s?대비\s")
_FIRST_YEAR = re.compile(r"\s?(?:을|를)\s(?:[^\s.,]+\s){0,3}?원년")
# `2024년은 민선8기 2차년도로 중요한 시기`: a sentence about what the year is, not a step in it.
_YEAR_IS = re.compile(r"\s?(?:은|는)\s[^.]{0,24}?(?:차\s?년도|원년|시기(?:이|임|로|에)|해(?:로|이다|입니다))")
# `선정하여 2019년에 시행하게 된다`: a year whose title is a verb alone names nothing to track.
_VERB_ONLY = re.compile(r"[가-힣]{1,4}(?:하게|하기로|한다|된다|할|될)")
# `문샷은 1969년 … 아폴로 프로젝트에서 나온 표현이다.`: a sentence that explains a word; its dates are history.
_EXPLAINS = re.compile(
    r"(?:표현|용어|말|명칭|이름)\s?(?:이다|이었다)\.$|(?:유래|비롯)(?:했다|됐다|되었다)\.$"
)


# `17.12.22. ~ 18.1.19. | 마을공동체 공모사업 홍보 | 홈페이지, …에 홍보`: the period a call is advertised,
# like its posting period (공고기간), is the notice's own, not a step to track.
_CALL_ADVERTISED = re.compile(r"(?:공모|모집)[가-힣]{0,4}\s?홍보(?:\s|$)")


# `’22년 하반기에는 공급자제안형 3회, 수요자제안형 2회가 시행되며`: how many rounds of each kind a period
# has, a count, not a step (the title is a name and its count alone).
_NAME_AND_COUNT = re.compile(r"[가-힣A-Za-z·]{2,12}\s?\d{1,3}\s?(?:회|건)")


def _after(line: str, expr: str) -> str:
    at = line.find(expr) if expr else -1
    if at < 0:
        return ""
    end = at + len(expr)
    return normalise(line[end : end + _WINDOW])


def _explains(line: str, expr: str) -> bool:
    at = line.find(expr) if expr else -1
    end = line.find("다.", at, at + _SENTENCE) if at >= 0 else -1
    return end >= 0 and _EXPLAINS.search(line, max(at, end - 8), end + 2) is not None


def _not_a_milestone(item: Candidate, line: str, doc_date: date | None) -> bool:
    grain = item.expr_norm.grain
    if len(item.title) <= _DATE_TITLE and is_date_only(item.title.strip(" |")):
        return True  # nothing but a date (`2024년부터`): no step to track
    if "홍보" in item.title and _CALL_ADVERTISED.search(item.title):
        return True
    if grain in _GRAINS_COUNTED and _NAME_AND_COUNT.fullmatch(item.title.strip()):
        return True
    if grain == "day" and doc_date is not None and item.expr_norm.due == doc_date and "주재" in line:
        at = line.find(item.expr)
        if at >= 0 and _PRESIDED_AFTER.match(normalise(line[at + len(item.expr) : at + 100])):
            return True
    if grain not in _READ_BESIDE:
        return False
    if grain == "year" and len(line) <= _SENTENCE and _INTRODUCES.search(line):
        return True
    after = _after(line, item.expr)
    if not after:
        return False
    if grain in _GRAINS_COUNTED and _ARROW.search(line) and _COUNT_AFTER.match(after):
        return "목표" not in after  # a count compared across years (a baseline), not a target

    if grain == "month" and _COUNTED_OVER.match(after):
        return True
    if grain == "year" and _INTRODUCED.match(after):
        return True
    if grain == "year" and (_PREPARED_FOR.match(after) or _FIRST_YEAR.match(after) or _YEAR_IS.match(after)):
        return True
    if grain == "year" and _VERB_ONLY.fullmatch(item.title.strip()):
        return True
    if _explains(line, item.expr):
        return True
    if grain == "month" and doc_date is not None and item.expr_norm.starts is not None:
        this_month = (item.expr_norm.starts.year, item.expr_norm.starts.month) == (
            doc_date.year,
            doc_date.month,
        )
        return this_month and _MEETING_AFTER.match(after) is not None
    return False


def drop_non_milestones(items: list[Candidate], lines: list[str], doc_date: date | None) -> list[Candidate]:
    out = []
    for item in items:
        if not _not_a_milestone(item, item.source_line(lines, 2_000), doc_date):
            out.append(item)
    return out


# `시행일 | 2022년 9월` under a text that already dated the step (`… 공모가 시행됩니다.(9월 예정)`): a
# bare field label restating another item's dates adds nothing to track.
_BARE_LABEL = re.compile(r"^[가-힣]{0,4}(?:일|일자|일시|기간|시기|기한)$")


def drop_bare_restatements(items: list[Candidate]) -> list[Candidate]:
    bare = [_BARE_LABEL.match(c.title.replace(" ", "")) is not None for c in items]
    named = {
        (c.expr_norm.starts, c.expr_norm.due) for c, is_bare in zip(items, bare, strict=True) if not is_bare
    }
    return [
        c
        for c, is_bare in zip(items, bare, strict=True)
        if not (is_bare and (c.expr_norm.starts, c.expr_norm.due) in named)
    ]
