"""Dates that are facts about something, not steps to track: as-of points, labelled facts, page
stamps and listing dates, signatures, figures compared with another period, reasons, windows and
clauses that report the past."""

from __future__ import annotations

import re

from .dates import TimeExpr

# Dates that are facts about something, not steps to track: as-of points (`'24년 말 기준`,
# `12월 말 현재`, `2022. 12. 31. 이전 설치`), and dates under a label that names a fact
# (manufacture/expiry, birth, a reference period, the notice's own dates).
_AS_OF_AFTER = re.compile(
    r"\.?\s?(?:\([월화수목금토일]?\))?\s?(?:(?:오전|오후)?\s?\d{1,2}(?::\d{2}|\s?시)\s?)?"
    r"(?:말\s?)?(?:기준|현재|이전|이후|자(?=\s?(?:[)\]|]|시행)))"
)
_FACT_LABEL_BEFORE = re.compile(
    r"(?:제조\s?일자?|소비\s?기한|유통\s?기한|출생\s?(?:년월일|연월일|일)?|생년월일|기준\s?(?:기간|일|시점)"
    r"|공고일\s?기준|등록\s?일|게시\s?일|수정\s?일|작성\s?일|발령\s?일시|공고\s?기간|게시\s?기간"
    r"|제\s?\d{2,4}\s?-\s?\d{1,5}\s?호\s?,)(?:이|은|는)?\s?[:：|]?\s?[(\[]?\s?$"
)
# A news page's stamp (`승인 2019.01.15 12:36`, `입력 : 2024. 04.29`, `등록 2024.09.18`,
# `온라인 기사 ( 2024.12.09 10:12 )`), never a `… 까지` deadline.
_STAMP_BEFORE = re.compile(
    r"(?:기사\s?(?:입력|등록|수정)|온라인\s?기사\s?\(?|(?:^|\|)\W{0,3}(?:승인|입력|등록|date|DATE))\s?[:：]?\s?$"
)
# A notice's signature (`2025년 2월 5일 산업통상자원부장관`), and a board's listing date: an ISO date
# alone on its line (`2014-10-07`, `2024-09-05 11:15`), after a notice's title (`… 공고 2025-02-05`),
# or glued to the end of a headline (`… 오류 반복2023.07.02`).
_ISSUER_PLACE = r"[가-힣]{2,10}(?:특별시|광역시|특별자치시|특별자치도|도|시|군|구)\s"
_ISSUER_NAME = r"[가-힣]{2,20}(?:장관|청장|시장|군수|도지사|교육감|이사장|총장|원장|의장)"
_SIGNED_AFTER = re.compile(rf"\.?\s?(?:{_ISSUER_PLACE})?{_ISSUER_NAME}(?=\s*(?:$|[<|]))")
# `… 다음과 같이 입법예고합니다. 2022년 5월4일 서울특별시 중구청장 서울특별시 …`: a run-on notice's
# signature, after its opening formula (or opening a sentence, with the issuer's place) and before its title.
_SIGNED_INLINE = re.compile(rf"\s?(?:{_ISSUER_PLACE})?{_ISSUER_NAME}\s")
_SIGNED_PLACED = re.compile(rf"\s?{_ISSUER_PLACE}{_ISSUER_NAME}\s")
_FORMULA_BEFORE = re.compile(r"니다\.\s?$")
_ISO_DATE = re.compile(r"(?:19|20)\d{2}-\d{2}-\d{2}$")
_LISTING_TAIL = re.compile(r"\s?(?:\d{1,2}:\d{2})?\s*$")
_LISTING_BEFORE = re.compile(r"(?:^[\s\-•·]*|(?:공고|안내|알림|소식|보도자료)\s)$")
# `(기존) 24.7.15~24.7.29 → (추가) 24.8.7~24.8.14`: the period a change replaces.
_SUPERSEDED_BEFORE = re.compile(r"(?:기존|당초|종전|변경\s?전)\s?[)\]:]?\s?$")
# `출범을 2020년 10월 5일에서 2020년 10월 12일로 1주일 연기`: the date a change moves away from.
_MOVED_FROM_AFTER = re.compile(
    r"\s?(?:\([월화수목금토일]\))?\s?에서\s?[^.]{0,30}?(?:로|으로)\s?(?:\d{1,2}\s?(?:주일|주|일|개월)\s?)?"
    r"(?:연기|변경|조정|연장|단축|앞당)"
)
# `… 시범운영을 진행한 바 있다`: a clause telling what has been done (the past), not a step.
_DONE_BEFORE_AFTER = re.compile(r"\.?(?:[^.”]|(?<=\d)\.(?=\d)){0,80}?(?:한|된)\s?바\s?있(?:다|으며|습니다)")
_CHANGE_WORDS = re.compile(r"연기|변경|조정|연장|단축|앞당")
_CHANGE_REACH = 160
_ORIGINAL = ("당초", "종전")  # words of `_SUPERSEDED_BEFORE` that say "the plan before" on their own
# A bullet that reports what happened (`… 평가를 실시하였습니다`, `… 발령되었습니다`); a closing quotation
# mark ends the date's clause (`“… 시작하게 된다”고 말했다`: the saying is past, not the step).
_PAST_AFTER = re.compile(
    r"\.?(?:[^.”]|(?<=\d)\.(?=\d)){0,80}?(?:(?:었|였|했|았|됐)(?:다|습니다|으며|고\s|음(?![가-힣]))|(?:되었|하였)습니다)"
)
# `… 향후 계획 정책조정총괄과 2016.11.16.`: a release's desk and date closing its heading, its
# dateline, not a step.
_DESK_LINE = re.compile(r"(?:^|\s)[가-힣]{2,14}(?:과|실|국|팀|관|단|본부|센터)\s?$")
_LINE_END = re.compile(r"\.?\s*$")
# `지난해 11월 개최된 …`, `작년 10월 발표한 대책`: a month or day of an earlier year, told relative to
# the document (`지난 2023년 9월 착공한`, `지난 3월 2일부터`); history whatever the document's date.
_EARLIER_YEAR_BEFORE = re.compile(r"(?:지난\s?해|작년|재작년|전년도?|지난)\s?(?:의\s)?$")
# `1분기 고용동향`, `3월 산업활동 동향`, `상반기 수출 통계`: the period a statistic covers, not a step.
_STATISTIC_NAME_AFTER = re.compile(r"\s?(?:중\s)?(?:[가-힣·]{1,8}\s?){0,2}?(?:통계|동향|추이)(?![가-힣])")
# `2024년 선정자는 …`, `2025년 졸업예정자`: a year naming a cohort of people, not a deadline.
_COHORT_AFTER = re.compile(
    r"\s?도?\s?(?:선정자|수혜자|졸업자|졸업생|졸업예정자|입학생|신입생|수료자|합격자|가입자|참여자|수급자)"
)
_PERIODS = ("quarter", "quarters", "half", "month", "months")
# `… | 2020-08-27 14:09:42`: a page's timestamp (to the second), never a step; `… | 2021-04-07 | 4 |`: a
# board row's posting date beside its view count.
_TIMESTAMP_AFTER = re.compile(r"\s\d{1,2}:\d{2}:\d{2}")
_BOARD_CELL_AFTER = re.compile(r"\s?\|\s?[\d,]+\s?\|?\s*$")
# `※ 2014. 6. 4. 제6회 전국동시지방선거와 관련하여 …`: a dated event given as the reason for a step.
_REASON_AFTER = re.compile(r"\.?\s?[^.,]{0,30}?(?:(?:와|과)\s?관련(?:하여|해)|(?:으)?로\s?인(?:해|하여))")
_PAST_MARKS = ("었", "였", "했", "았", "됐")
_FACT_REACH = 100  # beyond the longest reach of the patterns of `_a_fact` (`_PAST_AFTER`: 80 + its verb)
# A period's figures compared with another's (`2024년 3분기 … 전년 동기 대비 10.2% 증가`).
_COMPARED_AFTER = re.compile(r"(?:[^.]|(?<=\d)\.(?=\d)){0,40}?(?:전년\s?동기|전년\s?대비|동기\s?대비)")
# `근로 증빙: 2024년 6월 ~ 2025년 5월 내 3개월 이상 근로`: a window an applicant's record must fall in
# (an eligibility condition), not a step of the notice.
_WINDOW_AFTER = re.compile(r"\s?(?:내|이내|중|동안)(?:에)?\s?\d{1,3}\s?(?:개월|일|년|회|시간)\s?이상")
# `'22년 8월 「기본계획」 수립에 따라 …`: the dated act is the basis of what follows, done already.
_BASIS_AFTER = re.compile(r"(?:(?!다\.)[^,;]){0,60}?(?:수립|제정|발표|개정)(?:됨)?에\s?따라")
_FUTURE_WORDS = re.compile(r"예정|계획(?:이|으로)|할\s|한다|하겠|기로|도록|방침|목표")


def a_fact(norm: str, expr: TimeExpr) -> bool:
    """An as-of point, a labelled fact (`제조일: …`, `출생년월일이 …`), figures compared with
    another period, or a clause that reports the past (`… 수립하였으며, '25.6월까지 …`: only the
    first date)."""
    if _AS_OF_AFTER.match(norm, expr.end) or _FACT_LABEL_BEFORE.search(
        norm, max(0, expr.start - 20), expr.start
    ):
        return True
    # The rules below each need a word of their own within a bounded reach after the date; a plain
    # substring test of that window skips the pattern when the word is absent (most of a plan's
    # dates meet none of them), and keeps each test's cost independent of the line's length.
    before = norm[max(0, expr.start - 12) : expr.start]
    after = norm[expr.end : expr.end + _FACT_REACH]
    if ("지난" in before or "작년" in before or "전년" in before) and _EARLIER_YEAR_BEFORE.search(before):
        return True
    if expr.grain == "day" and (
        (":" in norm[expr.end : expr.end + 4] and _TIMESTAMP_AFTER.match(norm, expr.end))
        or ("|" in norm[expr.end : expr.end + 3] and _BOARD_CELL_AFTER.match(norm, expr.end))
        or (("관련" in after or "인해" in after or "인하여" in after) and _REASON_AFTER.match(norm, expr.end))
    ):
        return True
    statistic = "통계" in after or "동향" in after or "추이" in after
    if statistic and expr.grain in _PERIODS and _STATISTIC_NAME_AFTER.match(norm, expr.end):
        return True
    if expr.grain == "year" and expr.kind == "deadline" and _COHORT_AFTER.match(norm, expr.end):
        return True
    if ("대비" in after or "동기" in after) and _COMPARED_AFTER.match(norm, expr.end):
        return True
    if "이상" in after and _WINDOW_AFTER.match(norm, expr.end):
        return True
    if "따라" in after and _BASIS_AFTER.match(norm, expr.end):
        return True
    if _SIGNED_AFTER.match(norm, expr.end):
        return True
    if (
        expr.grain == "day"
        and _LINE_END.fullmatch(norm, expr.end)
        and _DESK_LINE.search(norm, max(0, expr.start - 16), expr.start)
    ):
        return True
    if _signed_inline(norm, expr):
        return True
    if expr.starts is not None and _STAMP_BEFORE.search(norm, max(0, expr.start - 12), expr.start):
        return True
    if "에서" in after[:8] and _MOVED_FROM_AFTER.match(norm, expr.end):
        return True
    superseded = _SUPERSEDED_BEFORE.search(norm, max(0, expr.start - 12), expr.start)
    if superseded is not None and (
        superseded.group(0).startswith(_ORIGINAL)
        or norm.find("→", expr.end, expr.end + 80) >= 0
        or _CHANGE_WORDS.search(norm, expr.end, expr.end + _CHANGE_REACH)
    ):
        return True  # `당초 10월 5일 … 출범을 앞두고`, `기존 3월 … 연기`, `(기존) … → …`: the plan before a change
    if _listing_date(norm, expr):
        return True
    if "바" in after and _DONE_BEFORE_AFTER.match(norm, expr.end):
        return True
    if not any(mark in after for mark in _PAST_MARKS):
        return False
    past = _PAST_AFTER.match(norm, expr.end)
    return past is not None and not _FUTURE_WORDS.search(norm, expr.end, past.end())


_NOT_SPACE = re.compile(r"\S")


def _signed_inline(norm: str, expr: TimeExpr) -> bool:
    if expr.grain != "day" or not expr.explicit_year or expr.kind != "deadline":
        return False
    if _NOT_SPACE.search(norm, 0, expr.start) is None:  # stops at the first letter: no copy of the head
        return _SIGNED_PLACED.match(norm, expr.end) is not None
    formula = _FORMULA_BEFORE.search(norm, max(0, expr.start - 6), expr.start)
    return formula is not None and _SIGNED_INLINE.match(norm, expr.end) is not None


def _listing_date(norm: str, expr: TimeExpr) -> bool:
    """A board's posting date, not a step: a full date glued to a headline's last word, or one in
    ISO form ending its line (a time of day may follow) alone or after a notice's title."""
    if _glued_date(norm, expr):
        return True
    if expr.grain != "day" or not expr.explicit_year or expr.kind != "deadline":
        return False
    if not _LISTING_TAIL.fullmatch(norm, expr.end):
        return False
    iso = _ISO_DATE.match(norm[expr.start : expr.end].strip()) is not None
    return iso and _LISTING_BEFORE.search(norm, 0, expr.start) is not None


def _glued_date(norm: str, expr: TimeExpr) -> bool:
    """`… 이르면 내년 하반기에 발급2023.06.20`: a related article's headline and its date."""
    return (
        expr.grain == "day"
        and expr.explicit_year
        and expr.kind == "deadline"
        and expr.start > 0
        and norm[expr.start - 1].isalpha()
        and norm[expr.start : expr.start + 1] in "12"
    )


def not_in_headlines(norm: str, exprs: list[TimeExpr]) -> list[TimeExpr]:
    """Drop the dates of listed headlines: everything before the last glued listing date of the
    line (related articles run together), which dates none of them."""
    last = max((e.start for e in exprs if _glued_date(norm, e)), default=-1)
    return exprs if last < 0 else [e for e in exprs if e.end > last]
