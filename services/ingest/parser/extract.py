"""Milestone candidates from logical lines: dates selected, clauses titled, targets attached."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from .clauses import Clause, clause_start, clauses, remove_spans, split_points
from .dates import TimeExpr, find_time_exprs, is_date_only
from .facts import a_fact, not_in_headlines
from .fields import plan_year_after
from .lineyear import carried_in_line
from .lists import bare_day_ranges, listed_round_title
from .model import Target
from .named import ACTION_NOUN, applicants_step, held_object, named_object, prepared_for
from .prose import bare_days, is_past, sentences
from .selection import drop_attributive_years, funded_step, group_text, keep_expr, paren_text
from .sentences import ahead_of_dateline, listed_days
from .structure import Logical
from .subjects import carried_subject, ends_in_action, needs_subject, strip_topic, subject_of, with_subject
from .tables import label_title, row_label, row_owner, table_row_title
from .targets import find_target
from .textnorm import normalise
from .titles import (
    MAX_CLAUSE,
    RUN_ON,
    clean_title,
    full_title,
    is_short,
    lead_tag,
    letters,
    title_for,
    undated,
)
from .today import today_exprs

_CONTEXT_WINDOW = 1_000
_TOPIC_BEFORE = 400  # characters of the paragraph before a sentence where its programme may be named
_SIBLING_MAX = 30
_SHORT_LABEL = 8
_VERB_CONNECTORS = ("하고", "하며", "하여")
_SENTENCE_ENDS = ("다", "다.")
_HEADING_NUMBER = re.compile(r"^\s*(?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|[IVX]{1,4}|\d{1,2}|[가-하])\s?[.．)]\s*")
# "목표 : '25년 20개 → '26년 30개": the label before the colon names what the counts measure.
_COLON_LABEL = re.compile(r"^(.{4,60}?)\s?:\s")
_DIGIT = re.compile(r"\d")
# `이행계획('26년)`, `추진일정(2026년)`: a schedule heading whose year dates the bare months below it.
_SCHEDULE_HEADING = re.compile(
    r"^\s?[(\[<]?\s?(?:세부\s?)?(?:이행\s?계획|추진\s?일정|추진\s?계획|이행\s?일정|향후\s?계획|일정)\s?[)\]>]?\s?"
    r"[(\[]\s?'?((?:19|20)?\d{2})\s?년?도?\s?[)\]]\s?[:：]?\s?$"
)
_CLOCK = re.compile(
    r"(?<![\d.])(?:오전|오후)?\s?\d{1,2}:\d{2}(?!\d)|(?:오전|오후)\s?\d{1,2}\s?시(?:\s?\d{1,2}\s?분)?(?:에|까지)?(?![가-힣])"
    r"|(?<![\d.])\.?\s?\d{1,2}\s?~\s?\d{1,2}\s?시(?![가-힣])"  # `9~17시`: the hours of the day
)
# A notice's signature line (`종로구청장`) names who signs, not what a step is about.
_ISSUER_ONLY = re.compile(
    r"[가-힣() ]{2,24}(?:시장|군수|구청장|청장|도지사|장관|이사장|총장|교육감|원장|위원장)"
)
# `활동내용 기 간`, `행사개요 일 시`: a spaced label under a heading that names a part of the programme.
_SPACED_TAIL = re.compile(r"(?<=\s)[가-힣](?:\s[가-힣]){1,3}$")
_PART_HEADING = re.compile(
    r"^([가-힣]{2,6}?)\s?(?:내용|개요)\s(?:[가-힣]{0,6}?)(?:시기|기간|일정|기한|일시)$"
)
_RECRUITING = re.compile(r"\s?(?:참여자|참가자|신청자)?\s?(?:모집|신청|접수)$")
_ANNOTATION = re.compile(r"「[^」]*」|\([^)]*\)|\[[^\]]*\]")  # `[15일간]`: a period's length, a remark
_ITEM_LETTER = re.compile(r"^(?:[가-하]|\d{1,2})[.)]\s")
# `신청기간 : … ※ 신청기간 외 접수 불가`: a note after the value is a remark, not part of the step.
_NOTE_TAIL = re.compile(r"(?<=\S)\s+(?:※|\*)\s?.*$")
# `일 시`, `기 간`, `행 사 명`: a form label spaced out syllable by syllable.
_SPACED_LABEL = re.compile(r"^[가-힣](?:\s[가-힣]){1,3}(?=\s?:)")
_SPACED_WHOLE = re.compile(r"[가-힣](?:\s[가-힣]){1,3}")
# A date that an event is held on, and the event's quoted name (`… 10월 12일, 공원에서 열리는 '…'`).
_HELD_EVENT = re.compile(
    r",?\s?(?:[^\s,.']{1,20}에서\s)?(?:열리는|개최되는|펼쳐지는|진행되는)\s?['\"「“]([^'\"」”]{2,40})['\"」”]"
)
_QUOTE_REACH = 80  # a quotation with another date this near states more than one step: left to the clauses
_PROCEDURE_TOPIC = re.compile(
    r"\s*(신청|접수|결과|발표|합격자|선발|모집|원서|서류|면접|시험|심사|공모|설명회)(?:은|는)\s"
)
_QUOTE_NOISE = re.compile(r"오는\s|(?:오전|오후)\s?\d{1,2}\s?시(?:\s?\d{1,2}\s?분)?(?:에|부터)?")
_QUOTE_VERB = re.compile(r"\s?([가-힣]{2,4}?)(?:하게|하기로|할|한다|된다|될)")
_STEP_ENDS = ("시기", "기간", "일정", "기한", "일시", "일자")
_SPACED_MAX = 7
_CALL_TAIL = re.compile(r"\s?(?:공모|모집|공모전|재공모)$")
_ONE_WORD_REMARK = re.compile(r"[가-힣]{2,8}")
_LABEL_PLANNED = re.compile(r"^\(?\s?([가-힣]{2,6})\s?\)?\s?(?:\(\s?\.?\s?예정\s?\)|\.?\s?예정)$")
_KINDS_LISTED = re.compile(r"\s및\s|[·,]")
_GENERIC_STEP = re.compile(r"^([가-힣]{0,6}?)\s?(?:시기|기간|일정|기한|일시|일자)$")
# `- 2023년도 …`, `[공모전] 2021년 … 공모전(~4.27)`: a title's bullet, board tag and closing note
# are not part of what the notice is about.
_SUBJECT_LEAD = re.compile(r"^[\s\-·•○□ㅇ◦▶]*(?:\[[^\]]{1,10}\]\s?)?")
_SUBJECT_TAIL = re.compile(r"\s?\([^()]{1,20}\)\s*$")
_ISSUER_LEAD = re.compile(r"^[가-힣]{1,10}(?:시|군|구|도|부|청|처|원|공단),\s?")
_SUBJECT_MAX = 40
# The quoted name of a long title and what follows it: the programme the notice is about.
_QUOTED_TAIL = re.compile(r"「([^」]{2,30})」\s?([^「」]{0,16})$")
_NOTICE_WORDS = re.compile(r"\s?(?:시행\s?)?(?:안내|공고|알림|안내문|홍보)$")
_TITLE_YEAR = re.compile(r"^(?:(?:19|20)\d{2}\s?(?:년도?|학년도?)?|\d{4}-\d학기)\s?(?:[상하]\s?반기\s)?")
_NUMBER_CELL = re.compile(r"^\s*[(△▲▽▼+\-]?\s?[\d,]+(?:\.\d+)?\s?%?\)?\s*$")
_SCHEDULE_HEADING_MAX = 40
_GENERIC_HEADING = re.compile(r"^(?:향후\s?)?(?:추진\s?|이행\s?|세부\s?)?(?:계획|일정)$")
_GENERIC_TAG = re.compile(r"\s?[(\[]\s?(?:추진\s?일정|일정|추진\s?계획|이행\s?계획)\s?[)\]]")
_CONDITION_INLINE = re.compile(r"(?:대상|자격|요건)(?:자)?\s?[:：]")
_ANY_COLON = re.compile(r"[:：]")
_SUMMARY_BEFORE = re.compile(r"(?:하는|되는)\s등\s?$")
_LEAD_NOUN = re.compile(r"^[\sㅇ□○◦·\-]*([A-Z][A-Za-z0-9\-]{1,9}(?:\s사업)?)\s")
_ROUND_MEETING = re.compile(r"^제?\d{1,2}차\s(?=.*개최)")
_COMMITTEE = re.compile(r"([가-힣]{2,20}위원회|[가-힣]{2,20}\([^()]{1,20}\)위원회)")
_REVIEW_HEADING = re.compile(r"성과\s?(?:및|와)\s?평가|그간의?\s?성과")
_TOPIC_AFTER = re.compile(r"\s[가-힣]{2,12}(?:은|는)\s")
_DEFINITION_AFTER = re.compile(r"\s?(?:으로|로)\s?(?:적용|간주)")
_CONDITION_LABEL = re.compile(r"^\s?(?:참가|지원|신청|선발|응시)?\s?(?:대상|자격|요건)(?:자)?\s?[:：]")
# `2025년 정화조 … 지원사업 신청자 모집 공고`, `○ 2025년 … 설치 지원 개요`: a year naming the
# programme a title or heading is about, not a deadline (`- 2025년 보건복지부 주요업무 추진계획 발표 -`,
# `◆ 2022년 해양수산부 업무계획 보고`).
_NAMED_YEAR = re.compile(
    r"^[\s○ㅇ□■◆◇▶◦•·*\-]*(?:19|20)\d{2}\s?(?:년도?|학년도)\s?[^\d~까부]"
    r"[^\d]*(?:공고|안내|개요|계획|모집|알림|결과|현황|대책|사업)(?:\s?\([^)]*\))?(?:\s?(?:발표|수립|확정|보고))?[\s*\-]*$"
)
# `2025년 상반기 접수는 3. 4.(화)부터 …`: a period as the topic of a sentence that dates it to the day.
_PERIOD_TOPIC_AFTER = re.compile(r"\s?(?:[가-힣]{1,8}\s){0,2}?[가-힣]{1,8}(?:은|는)\s")
_COARSE = ("year", "half", "quarter", "quarters")
_TOPIC_REACH = 200
# `| 사업기간 변경: 2019 ~ 2021년 → 2019 ~ 2022년 |`: a change table's periods, before and after.
_CHANGED_PERIOD = re.compile(r"기간\s?변경\s?[:：][^|]*$")
_CHANGE_REACH = 40
_PERIOD_LENGTH = re.compile(r"\s?\(\s?\d{1,2}\s?(?:년|개년)\s?\)")
# `올해 상반기` in a text with no date of its own: `올해` was not placed, so neither is what it dates.
_UNPLACED_YEAR_BEFORE = re.compile(r"(?:올해|금년|내년|명년)\s?$")
# Time words a removed date leaves in front of a step (`올해 지난 13일부터 운영`).
_LEFTOVER_TIME = re.compile(
    r"^(?:(?:올해|금년|이번)(?:는|에는|도)?\s|지난\s?\d{1,2}\s?일(?:부터|까지|에)?\s)+"
)
_LINE_TOPIC = re.compile(r"(?<![가-힣A-Za-z0-9])([가-힣A-Za-z0-9]{2,12})(?:은|는)\s")
_ACTOR_TOPIC = re.compile(r"(?:부|처|청|시|군|구|도|위원회|정부|당국|관계자|올해|금년|이번|이날|현재|오늘)$")
_BARE_STEP = 4
_INLINE_LIST_LEAD = re.compile(r"^\s*([가-힣A-Za-z0-9·\s]{2,30}?)\s?(?:일정|장소|순서)?(?:은|는)\s?△")
# `1. 접수기간 : 2025. 6. 2.(월) ~ 6. 9.(월)`: a numbered line that states a date after its label is
# an item of the notice, not a heading over others.
# So is one whose value is a stage chain (`나. 추진일정 : 공고(’18.1월)→기본교육(’18.2~3월)`).
_LABELLED_DATE = re.compile(
    r"^\s*(?:\d{1,2}|[가-하])\s?[.)]\s?[^:：]{2,20}[:：](?:\s?['(]?\d|[^:：→]{1,30}?\(['‘’]\d{2}[^)]{0,12}\)\s?→)"
)
# What every time expression contains (`dates._ANCHOR`): a digit, or a relative word.
_DATE_CUE = re.compile(r"\d|올해|금년|내년|명년|연내|연말|내달|다음\s?달|이달|이번\s?달|[상하]\s?반기")
_QUOTED_YEAR = re.compile(r"[「『“\"']\s?((?:19|20)\d{2})(?:\s?년도?)?\s[가-힣]")
_COUNT_PARTS = re.compile(r"[\d,.\s]|개소|개교|개|명|건|회|편|종|과제")


@dataclass(frozen=True)
class DocContext:
    ref_year: int | None
    plan_year: int | None
    doc_date: date | None
    press: bool
    subject: str = ""  # what the document is about (its title without year and `안내`/`공고`)
    stated: bool = False  # the date is a notice's posting date (`등록일: …`)
    tracks_results: bool = True  # an implementation plan tracks its 실적 part; other documents do not

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
    core: str = ""
    owner: str | None = None  # named by the row itself (a schedule table's 담당 column)

    def source_line(self, lines: list[str], limit: int | None = None) -> str:
        """The text line the item was read from (its first `limit` characters), or "" when out of range."""
        if not 1 <= self.line <= len(lines):
            return ""
        return lines[self.line - 1] if limit is None else lines[self.line - 1][:limit]

    def located(self, lines: list[str]) -> str | None:
        """The text the item's offsets are in: its sentence (`context`), else its line; None if neither."""
        e = self.expr_norm
        return next(
            (t for t in (self.context, self.source_line(lines)) if t[e.start : e.end] == self.expr), None
        )


def _recent_enough(expr: TimeExpr, node: Logical, ctx: DocContext) -> bool:
    year = ctx.year_for(node.part)
    end = expr.due or date.max
    return year is None or ctx.press or end >= date(year, 1, 1)


def _verb_cuts(norm: str) -> list[int]:
    """Where a clause with its own verb ends ("…본격화하고, 내년 …"): a year before such a cut
    is not attributive to a date after it."""
    return [start for start, _, word in split_points(norm) if word[:2] in _VERB_CONNECTORS]


def _notice_step(title: str, subject: str, node: Logical | None = None) -> str:
    """`가. 모집시기 : 2021.10.1.~` in a notice: the step of what the notice is about
    (`자산형성지원사업 신규 가입자 모집`), not the bare label `모집시기`; with no notice title, the
    heading above the label (`1. 지원서 접수` / `가. 접수기간: …` → `지원서 접수`)."""
    # Each pattern runs only when the text holds what it needs (a title of a plan usually holds none).
    if any(mark in ".)" for mark in title[1:3]):
        title = _ITEM_LETTER.sub("", title, count=1)
    if ":" in title or "시" in title:
        title = _CLOCK.sub("", title)
    title = " ".join(title.split())
    if "※" in title or "*" in title:
        title = _NOTE_TAIL.sub("", title)
    label, colon, rest = title.partition(":")
    if colon:
        title = _SPACED_LABEL.sub(lambda m: m.group(0).replace(" ", ""), title)
        label, colon, rest = title.partition(":")
        if len(label.strip()) >= 2 and (letters(_ANNOTATION.sub("", rest)) < 2 or rest.strip(" .") == "예정"):
            title = label.strip()  # `서류합격자 발표: 2024. 1. 29.(월) 「재단 홈페이지 게시」`
        elif _GENERIC_HEADING.match(label.strip()) and letters(rest) >= 2:
            title = rest.strip()  # `추진일정 : 공고·접수(’18.1월)→…`: the step, not the generic label
        elif label.strip().endswith(_STEP_ENDS) and _ONE_WORD_REMARK.fullmatch(rest.strip()):
            title = label.strip()  # `신청기간 : … 전국동시신청`: a word on how the period runs, a remark
    if "예정" in title:  # `○ (일시) 2021. 5. 21. (금) 예정`: the label, with the date's `예정` left over
        title = _LABEL_PLANNED.sub(r"\1", title)
    if title[-2:-1] == " ":
        title = _SPACED_TAIL.sub(lambda m: m.group(0).replace(" ", ""), title)
    if len(title) <= _SPACED_MAX and _SPACED_WHOLE.fullmatch(title):
        title = title.replace(" ", "")  # `나. 일 시 : 2017. 8. 26.(토)`: the label `일시`
    if not title.endswith(_STEP_ENDS):
        return title
    part = _PART_HEADING.match(title)
    if part and subject:  # `활동내용 기간` in a call for reporters: the reporters' activity
        return f"{_RECRUITING.sub('', subject).strip()} {part.group(1)}".strip()
    generic = _GENERIC_STEP.match(title)
    if generic and not subject and node is not None:
        subject = next(_parent_titles(node), "")
        if subject.endswith(_STEP_ENDS) and _KINDS_LISTED.search(subject):
            subject = ""  # `나. 지원규모 및 기간` / `ㅇ 지원기간 : …`: the heading lists kinds of field; the label names the step
    if not generic or not subject:
        return title
    step = generic.group(1).strip()
    if step == "사업" and title.endswith(
        ("기간", "일자")
    ):  # `사업기간 : 2022. 3~ 12`: the programme's own period
        return f"{_CALL_TAIL.sub('', subject).strip()} 사업기간"
    if not step and node is not None:  # `4. 결과발표` / `○ (일시) …`: the heading names the step
        step = next(_parent_titles(node), "")
    return subject if step and step in subject else f"{subject} {step}".strip()


def notice_step(label: str, subject: str) -> str:
    """A field label as a notice's step (`접수기간` → `<subject> 접수`)."""
    return _notice_step(label, subject)


def notice_subject(title: str) -> str:
    """The document title as a subject: no issuer in front (`구로구, …`), no year, no `안내`/`공고`/`알림`
    at the end."""
    text = _SUBJECT_LEAD.sub("", normalise(title))
    if "," in text[:14]:
        text = _ISSUER_LEAD.sub("", text, count=1)
    text = _NOTICE_WORDS.sub("", _TITLE_YEAR.sub("", _SUBJECT_TAIL.sub("", text))).strip(" -·,")
    if len(text) > _SUBJECT_MAX and "「" in text:  # `… 국제공동기술개발사업 「산업기술 … R&D」 신규과제`
        quoted = _QUOTED_TAIL.search(text)
        text = f"{quoted.group(1).strip()} {quoted.group(2).strip()}".strip() if quoted else text
    return text if 4 <= len(text) <= _SUBJECT_MAX else ""


def _condition_or_rule(norm: str, expr: TimeExpr, words: tuple[bool, bool]) -> bool:
    """A date in an eligibility condition (`참가대상: … 8월 졸업예정자`), in a rule's definition
    (`2학기는 7월 1일로 적용`), `올해도 …` / `올해 다시 …` (again this year: no date of its own) or `올해 업무보고는 …`
    (this year's report, the topic of a sentence that dates it otherwise). `words`: whether
    the text names a condition at all, and a rule at all (checked once per text)."""
    condition, rule = words
    if condition:
        label = _CONDITION_INLINE.search(norm, max(0, expr.start - 80), expr.start)
        if label and not _ANY_COLON.search(norm, label.end(), expr.start):
            return True
    if rule and _DEFINITION_AFTER.search(norm, expr.end, expr.end + 30):
        return True
    if expr.grain != "year" or norm[expr.start : expr.start + 1] not in "올금":
        return False
    if norm[expr.end : expr.end + 1] == "도" or norm.startswith(" 다시", expr.end):
        return True  # `올해도 …`, `올해 다시 지원서류를 낸다`: again this year, no date of its own
    return _TOPIC_AFTER.match(norm, expr.end) is not None


def _named_event_year(norm: str) -> int | None:
    """`「2023 대한민국 디지털 인재 페스티벌」을 11월 3일(금)부터 …`: with nothing else to date the
    document, the year in a quoted name places the days of that sentence."""
    found = _QUOTED_YEAR.search(norm)
    return int(found.group(1)) if found else None


def _is_period_header(text: str) -> bool:
    """An extracted statistics table's row: its header of periods (`1분기<TAB>2분기<TAB>…`) or a row of
    figures (`금융보험업<TAB>85.0<TAB>73.6<TAB>…`); not deadlines."""
    if "\t" not in text:
        return False
    row = [cell for cell in text.split("\t") if cell.strip()]
    if len(row) < 3:
        return False
    numbers = sum(1 for cell in row if _NUMBER_CELL.match(cell))
    return numbers >= 3 or sum(1 for cell in row if is_date_only(cell)) >= 3


@lru_cache(maxsize=4096)
def schedule_heading_year(text: str) -> int | None:
    """Asked for every parent of every dated line: kept per text (cleared per document)."""
    if len(text) > _SCHEDULE_HEADING_MAX or ("계획" not in text and "일정" not in text):
        return None
    m = _SCHEDULE_HEADING.match(normalise(text))
    if not m:
        return None
    year = int(m.group(1))
    return year if year >= 1900 else 2000 + year


def _heading_year(node: Logical) -> int | None:
    """The year of the nearest enclosing schedule heading (`이행계획('26년)`), if any."""
    for parent in reversed(node.parents):
        year = schedule_heading_year(parent.text)
        if year is not None:
            return year
    return None


def _select(norm: str, exprs: list[TimeExpr], node: Logical, ctx: DocContext) -> list[TimeExpr]:
    if node.part == "results" and not ctx.tracks_results:
        return []  # `2024년 주요 성과` of a work report or a results notice: done, nothing to track
    if schedule_heading_year(norm) is not None:
        return []  # the heading's own year: it dates the rows below, it is not a milestone
    if _CONDITION_LABEL.match(norm) or (node.style == "row" and _is_period_header(node.text)):
        return []
    if _NAMED_YEAR.match(norm) and all(e.grain in ("year", "half") for e in exprs):
        return []  # eligibility conditions (`참가대상: … 8월 졸업예정자`), a table's period columns
    words = ("대상" in norm or "자격" in norm or "요건" in norm, "적용" in norm or "간주" in norm)
    kept = [
        e
        for e in not_in_headlines(norm, exprs)
        if _recent_enough(e, node, ctx)
        and keep_expr(norm, e)
        and not _condition_or_rule(norm, e, words)
        and not a_fact(norm, e)
        and not (
            ctx.ref_year is None
            and not e.explicit_year
            and _UNPLACED_YEAR_BEFORE.search(norm, max(0, e.start - 4), e.start)
        )
    ]
    if node.style == "row" and not norm.rstrip().endswith(_SENTENCE_ENDS):
        # a table's year columns, not a sentence's; a period of years in a cell (`2011 ~ 2015(5년)`,
        # a row's programme period) is one
        kept = [e for e in kept if e.grain != "year" or _period_cell(norm, e)]
    if len(kept) > 1 and any(e.grain == "year" for e in kept):
        kept = drop_attributive_years(norm, kept, _verb_cuts(norm))
    if len(kept) > 1:
        starts = [e.start for e in kept]
        kept = [e for e in kept if not _topic_period(norm, e, kept, starts)]
    if ctx.doc_date is not None and (ctx.press or ctx.stated):
        kept = [ahead_of_dateline(norm, e, ctx.doc_date) for e in kept]
    if ctx.doc_date is not None and (ctx.press or ctx.stated or _in_review(node)):
        # ended by the dateline: history (and in a review of the past, `GTX-A 개통(’24.3)` under
        # `성과 및 평가` of a plan dated 2025.01.13, whatever the dateline's kind; a `실적` part's
        # items stay: an implementation plan tracks them)
        kept = [e for e in kept if (e.due or e.starts or date.max) > ctx.doc_date]
    return kept


def _period_cell(norm: str, expr: TimeExpr) -> bool:
    """`| 2011 ~ 2015(5년) |`: a programme period of years, alone in its cell with its length."""
    if expr.kind != "program" or expr.starts is None or expr.due is None or expr.starts.year == expr.due.year:
        return False
    if _PERIOD_LENGTH.match(norm, expr.end) is not None:
        return True
    return _CHANGED_PERIOD.search(norm, max(0, expr.start - _CHANGE_REACH), expr.start) is not None


def _topic_period(norm: str, expr: TimeExpr, kept: list[TimeExpr], starts: list[int]) -> bool:
    """A coarse period that is the topic of its sentence (`… 상반기 접수는`) when a day or month
    of the same sentence dates it: context of that date, not a milestone of its own."""
    if expr.grain not in _COARSE or expr.kind != "deadline" or not _PERIOD_TOPIC_AFTER.match(norm, expr.end):
        return False
    ends = norm.find("다.", expr.end, expr.end + _TOPIC_REACH)
    stop = expr.end + _TOPIC_REACH if ends < 0 else ends
    index = bisect_left(starts, expr.end)
    for later in kept[index:]:
        if later.start >= stop:
            return False
        if later.grain in ("day", "month"):
            return True
    return False


def _sentence_lead(norm: str) -> str:
    """`GTX 사업 최초로 A노선 …을 개통하고, … 개통하는 등 ‘28년까지 순차 개통을 완료한다`: the clause
    after `…하는 등` sums up the steps before it; its subject is the sentence's lead noun, not the
    last step's."""
    found = _LEAD_NOUN.match(norm)
    return " ".join(found.group(1).split()) if found else ""


def _with_committee(title: str, node: Logical, subject: str) -> str:
    """`2025년 6월 건축안전전문위원회(구조,굴토,해체) 심의 일정 안내` / `- 심의 개최일 : [11차] 2025. 6.
    11.(수)`: a round's meeting is the committee's that the headings or the notice's title name
    (`11차 건축안전전문위원회 심의 개최일`)."""
    for text in (*(p.text for p in reversed(node.parents)), subject):
        found = _COMMITTEE.search(text)
        if found:
            name = _ANNOTATION.sub("", found.group(1))
            head, _, rest = title.partition(" ")
            return f"{head} {name} {rest}"
    return title


def _in_review(node: Logical) -> bool:
    return node.part == "results" and any(_REVIEW_HEADING.search(p.text) for p in node.parents)


def _own_title(node: Logical) -> str:
    """The node's text undated and cleaned; computed once per node."""
    if node.own_title is None:
        text = _HEADING_NUMBER.sub("", node.text, count=1) if node.is_heading else node.text
        node.own_title = clean_title(undated(_GENERIC_TAG.sub("", text)))
    return node.own_title


def _parent_titles(node: Logical) -> Iterator[str]:
    """Undated, cleaned titles of the enclosing bullets and headings, nearest first."""
    for parent in reversed(node.parents):
        if schedule_heading_year(parent.text) is not None:
            continue  # `이행계획('26년)` names no deliverable: the heading above it does
        title = _own_title(parent)
        if len(title) >= 2 and not _GENERIC_HEADING.match(title) and not _ISSUER_ONLY.fullmatch(title):
            yield title


def _fallback_title(node: Logical, label: str, program: bool = False) -> str:
    for title in _parent_titles(node):
        if program and (subject := subject_of(title, 0)):
            title = subject
        return f"{title} {label}".strip()
    return label


def _borrowed_subject(node: Logical) -> str:
    """Subject of the nearest enclosing bullet or heading (none when that one is a list, or a sentence:
    `1. 기술보급과-554(2018.1.18.)호와 관련입니다.` names no thing for the steps under it)."""
    if node.parents and node.parents[-1].text.rstrip().endswith("다."):
        return ""
    nearest = next(_parent_titles(node), "")
    return subject_of(nearest) if nearest else ""


def _place(norm: str, expr: TimeExpr) -> str:
    """Other words in the date's parentheses ("수도권" in "(수도권, 11월)"), when short."""
    inner = paren_text(norm, expr)
    rest = remove_spans(
        inner, [(m.start(), m.end()) for m in re.finditer(re.escape(norm[expr.start : expr.end]), inner)]
    )
    rest = rest.strip(" ,")
    return rest if 0 < len(rest) <= 12 and "," not in rest and not _DIGIT.search(rest) else ""


# `… 발표(’24.8)하였다. 시급한 … ’25년 의대정원을 확대하고 …을` at the end of an excerpt: a sentence the
# text cuts off has no tense of its own; it goes on the paragraph's past.
_FINISHED = re.compile(r"(?:[.!?。”\"']|다|요)\s*$")


def _texts(node: Logical, last: bool = False) -> list[tuple[int, str]]:
    if node.style != "prose":
        return [(0, node.text)]
    said = sentences(node.text)
    past = [is_past(text) for _, text in said]
    if last and len(said) > 1 and past[-2] and not _FINISHED.search(said[-1][1]):
        past[-1] = True
    return [pair for pair, done in zip(said, past, strict=True) if not done]


def _titled(
    title: str, node: Logical, label: str, clause: Clause, norm: str, exprs: list[TimeExpr], sibling: str
) -> str:
    """`sibling`: a self-standing deliverable earlier in the same line, whose subject is preferred
    over the heading's ("플랫폼 구축 착수('25.7월) 및 예타 신청('25.下)" → "… 플랫폼 예타 신청")."""
    expr = clause.exprs[0]
    if len(title) < 2:
        short_label = label if len(label) <= _SHORT_LABEL else ""
        return label_title(label) or _fallback_title(node, short_label, expr.kind == "program")
    bare, short = _is_bare_name(title), is_short(title)
    tag = lead_tag(normalise(node.text[:40])) if bare or short else ""
    if tag and bare and tag not in title:
        place = _place(norm, expr)
        return f"{tag}({title}, {place})" if place else f"{tag}({title})"
    if short:
        if tag and not _DIGIT.search(title):
            return f"{tag} {title}"
        subject = _sibling_subject(sibling) or (_borrowed_subject(node) if ends_in_action(title) else "")
        if subject:
            return with_subject(title, subject)
        only_count = not _COUNT_PARTS.sub("", title)
        label_match = _COLON_LABEL.match(norm) if only_count or _DIGIT.search(title) else None
        if label_match and len(own := clean_title(undated(label_match.group(1)))) >= 4:
            return own
        parent = _fallback_title(node, "")
        return parent if only_count and parent else f"{parent} {title}".strip()
    if needs_subject(title):
        whole = full_title(norm, clause, exprs)
        if whole != title and title in whole and len(whole) <= RUN_ON and not needs_subject(whole):
            return whole
        return with_subject(title, _sibling_subject(sibling) or _borrowed_subject(node))
    return title


def _topic_step(norm: str, expr: TimeExpr, end: int) -> str:
    """`신청은 12월 1일 … 온라인으로 접수시키면 된다`, `결과는 12월 12일 … 발표한다`: a sentence that opens
    with a step of a procedure as its topic, the date right after it: the topic and the action."""
    topic = _PROCEDURE_TOPIC.match(norm)
    if topic is None or topic.end() != expr.start:
        return ""
    actions = [m.group(1) for m in ACTION_NOUN.finditer(norm, expr.end, min(end, expr.end + _QUOTE_REACH))]
    action = actions[-1] if actions else ""
    return f"{topic.group(1)} {action}" if action and action != topic.group(1) else ""


# `원서 접수는 오는 23~26일이며 필기시험은 3월 14일 치러진다`: each clause is a topic, its date and at most
# a verb of holding; the topic is the step.
_CLAUSE_TOPIC = re.compile(r"\s*([가-힣]{1,10}(?:\s[가-힣]{1,10}){0,2}?)(?:은|는)\s")
_HOLDING_ONLY = re.compile(
    r"\s?(?:에\s?)?(?:치러진다|치러진|치른다|진행한다|진행된다|진행|실시한다|실시된다|실시|열린다|이다)?[.\s]*"
)
_TOPIC_MAX = 40


def _clause_topic(norm: str, clause: Clause) -> str:
    expr = clause.exprs[0]
    if expr.start - clause.start > _TOPIC_MAX or not _HOLDING_ONLY.fullmatch(norm, expr.end, clause.end):
        return ""
    before = norm[clause.start : expr.start]
    topic = _CLAUSE_TOPIC.fullmatch(before[:-3] if before.endswith("오는 ") else before)
    return topic.group(1) if topic is not None and not _ACTOR_TOPIC.search(topic.group(1)) else ""


def _quoted_step(norm: str, expr: TimeExpr) -> str:
    """`관계자는 "축성행렬은 오는 5월 20일 오후 4시에 시작하게 된다"며 …`: a date inside a quotation is
    the quoted step's (`축성행렬 시작`), not of the words around the quotation."""
    low, high = max(0, expr.start - _QUOTE_REACH), expr.end + _QUOTE_REACH  # bounded: linear per line
    opening = max(norm.rfind("“", low, expr.start), norm.rfind('"', low, expr.start))
    closing = min(
        (i for i in (norm.find("”", expr.end, high), norm.find('"', expr.end, high)) if i >= 0), default=-1
    )
    if (
        opening < 0
        or closing < 0
        or norm.count('"', opening, expr.start) + norm.count("”", opening, expr.start) > 1
    ):
        return ""
    inner = norm[opening + 1 : expr.start] + " " + norm[expr.end : closing]
    inner = _QUOTE_NOISE.sub(" ", inner)
    verb = _QUOTE_VERB.search(inner)
    step = strip_topic(clean_title(" ".join(inner[: verb.start() if verb else len(inner)].split())))
    action = verb.group(1) if verb else ""
    title = f"{step} {action}".strip()
    return title if 4 <= letters(title) <= 40 else ""


def _sibling_subject(title: str) -> str:
    """The subject of an earlier step (`딥테크 스타트업 공고` → `딥테크 스타트업`); none when that step is
    an action alone (`기본교육`, `공고·접수`): it names no thing for the later ones."""
    subject = subject_of(title, 0) if title else ""
    return subject if len(subject) <= _SIBLING_MAX and subject != title else ""


def _is_bare_name(title: str) -> bool:
    """A short name with no action ("바이오헬스"): one item of a list that a lead tag introduces."""
    return 2 <= letters(title) <= 8 and not _DIGIT.search(title) and not ends_in_action(title)


def _clause_candidates(
    node: Logical, offset: int, raw: str, ctx: DocContext, label: str, cell: str = "", topic: str = ""
) -> list[Candidate]:
    if not _DATE_CUE.search(raw):
        return []  # no digit and no relative date word: nothing to date (most lines of a plan)
    norm = normalise(raw)
    month = ctx.doc_date.month if ctx.doc_date is not None else None
    year = _heading_year(node) or ctx.year_for(node.part) or _named_event_year(norm) or plan_year_after(norm)
    exprs = find_time_exprs(norm, ctx.ref_year, year, month)
    if year is None and (carried := carried_in_line(node.text, offset, norm, exprs, (ctx.ref_year, month))):
        exprs = sorted([*exprs, *carried], key=lambda e: e.start)
    if ctx.doc_date is not None and (ctx.press or ctx.stated) and "일" in norm:
        taken = [(e.start, e.end) for e in exprs]
        extra = bare_days(norm, ctx.doc_date, taken) + bare_day_ranges(norm, ctx.doc_date, taken)
        exprs = sorted([*exprs, *extra], key=lambda e: e.start) if extra else exprs
    if ctx.doc_date is not None and "오늘" in norm:
        exprs = today_exprs(norm, ctx.doc_date, exprs)  # `오늘 … 기념식이 … 있습니다`: the dateline's day
    if "," in norm and "일" in norm and (more := listed_days(norm, exprs)):
        exprs = sorted([*exprs, *more], key=lambda e: e.start)
    kept = _select(norm, exprs, node, ctx) if exprs else []
    out: list[Candidate] = []
    if not kept:
        return out
    previous: Clause | None = None
    previous_title = sibling = ""
    prose = node.style == "prose"
    listed = "△" in norm  # looked for once per line, not once per clause of a long line
    rounds = "회" in norm or "차" in norm
    kept_starts = [e.start for e in kept]
    for clause in clauses(norm, kept):
        expr = clause.exprs[0]
        title = title_for(norm, clause, exprs, prose)
        lead = (
            _sentence_lead(norm) if _SUMMARY_BEFORE.search(norm, max(0, expr.start - 10), expr.start) else ""
        )
        if lead and not title.startswith(lead):
            title = f"{lead} {title}"
        if clause.connector == "/" and previous_title and _second_period(norm, clause, expr):
            title = previous_title  # `임용기간: 3.1.~7.21. / 8.18.~12.31.`: a second period of the same field
        subject = carried_subject(previous_title, previous, clause, prose)
        if subject and title and not title.startswith(subject):
            title = with_subject(title, subject) if prose else f"{subject} {title}"
        core = title
        title = _titled(title, node, label, clause, norm, exprs, sibling)
        if not prose and title == core and not needs_subject(core):
            sibling = core
        title = table_row_title(title, node, norm, clause, cell)
        if _ROUND_MEETING.match(title) and "위원회" not in title:
            title = _with_committee(title, node, ctx.subject)
        near = bisect_right(kept_starts, expr.start + _QUOTE_REACH) - bisect_left(
            kept_starts, expr.start - _QUOTE_REACH
        )
        quoted = _quoted_step(norm, expr) if prose and near == 1 and len(clause.exprs) == 1 else ""
        quoted = (
            quoted or (_topic_step(norm, expr, clause.end) if prose else "") or _clause_topic(norm, clause)
        )
        if quoted:
            title = quoted
        step = (
            named_object(norm, expr)
            or held_object(norm, expr)
            or applicants_step(norm, expr, ctx.subject)
            or prepared_for(norm, expr)
            or funded_step(norm, expr, lambda: normalise(node.text[max(0, offset - _TOPIC_BEFORE) : offset]))
            if prose
            else ""
        )
        if step:
            title = step
        held = _HELD_EVENT.match(norm, expr.end)
        if held and len(name := clean_title(undated(held.group(1)))) >= 4:
            title = name  # `오는 10월 12일, 공원에서 열리는 '제13회 복지한마당'의 …`: the event held then
            if expr.kind == "ongoing" and expr.grain == "day":  # `4월 21일부터 개최되는 '…'`: it opens then
                expr = expr._replace(kind="deadline", due=expr.starts)
        start = max(clause_start(norm, clause), clause.end - MAX_CLAUSE)
        chunk = norm[start : clause.end]
        if prose:
            title = _with_earlier_topic(title, topic)
        if listed:
            title = _inline_list_item(title, norm)
        shown = _notice_step(strip_topic(title) if prose else title, ctx.subject, node)
        shown = shown or (listed_round_title(norm, expr.start) if rounds else "")
        if shown:
            kept_core = core if core and core != shown else ""
            out.append(_candidate(node, offset, raw, expr, (shown, kept_core), chunk, group_text(norm, expr)))
        previous, previous_title = clause, title
    return out


def _second_period(norm: str, clause: Clause, expr: TimeExpr) -> bool:
    """The clause is its date and remarks in parentheses only (`/ 2026.8.18.~2026.12.31.(방학기간 제외)`)."""
    if norm[clause.start : expr.start].strip():
        return False
    return letters(_ANNOTATION.sub("", norm[expr.end : clause.end])) < 2


def _with_earlier_topic(title: str, before: str) -> str:
    """`자체설계단은 … 12명으로 구성됐다.` / `올해는 지난 13일부터 오는 2024년 2월 초순까지 운영할 계획이다.`:
    a bare step (`운영`), once the time words left in front of it are gone, is done by the topic of the
    sentence before (`자체설계단 운영`). `before`: that prose line (its topic is found only when needed)."""
    if not before:
        return title
    bare = _LEFTOVER_TIME.sub("", title)  # anchored: fails at once unless the title opens with time words
    if bare == title or letters(bare) > _BARE_STEP or not ends_in_action(bare):
        return title  # only a step whose own sentence opened with time words, not a named one
    topic = topic_of(before)
    return f"{topic} {bare}" if topic else title


def _inline_list_item(title: str, norm: str) -> str:
    """`설명회 일정은 △2월 25일 수도권(…) △3월 3일 대전·충청(…)`: an item of an inline `△` list is its
    own words (no marks, no venue in parentheses) and the list's topic (`대전·충청 설명회`)."""
    item = " ".join(_ANNOTATION.sub("", title).replace("△", " ").split())
    lead = _INLINE_LIST_LEAD.match(norm)
    if lead is None or not item:
        return item or title
    topic = lead.group(1).split()[-1]
    return item if topic in item else f"{item} {topic}"


def topic_of(text: str) -> str:
    """The first topic (`…자체설계단은 …`) of a prose line, when it names no actor or time."""
    found = _LINE_TOPIC.search(text)
    if found is None or _ACTOR_TOPIC.search(found.group(1)):
        return ""
    return found.group(1)


def _candidate(
    node: Logical, offset: int, raw: str, expr: TimeExpr, titles: tuple[str, str], chunk: str, group: str
) -> Candidate:
    """`titles`: the shown title and the title before a subject was borrowed ("" when the same)."""
    title, core = titles
    return Candidate(
        title=title,
        section=node.section(),
        line=node.line_at(offset + expr.start),
        expr=raw[expr.start : expr.end].strip(),
        expr_norm=expr,
        target=find_target(group, chunk),
        part=node.part,
        context=f"{_around(raw, expr)} {title}",
        front=node.front,
        family=node.family,
        core=core,
    )


def _around(raw: str, expr: TimeExpr) -> str:
    """The text an owner is looked for in: the whole line, or on a very long one (a run-on line with
    dense dates) a window around the date, so each candidate costs the same however long its line."""
    if len(raw) <= _CONTEXT_WINDOW * 2:
        return raw
    return raw[max(0, expr.start - _CONTEXT_WINDOW) : expr.end + _CONTEXT_WINDOW]


def candidates(nodes: list[Logical], ctx: DocContext) -> list[Candidate]:
    out: list[Candidate] = []
    previous: Logical | None = None
    cell = ""  # left cell of a `① 문제 | Ÿ 조치` table row, possibly wrapped over rows
    previous_prose = ""  # the last prose line, whose topic (`자체설계단은 …`) a bare step may take
    for index, node in enumerate(nodes):
        if node.style == "enum":
            cell = node.text
        elif node.style == "row" and cell and previous is not None and previous.style in ("enum", "row"):
            cell = f"{cell} {node.text}"
        elif node.marker != "Ÿ":
            cell = ""
        dated = _DATE_CUE.search(node.text) is not None  # undated lines (most of a plan) cost nothing more
        # a heading that wraps onto its own hanging lines (`lines.hangs_on`) is a labelled item
        heading = node.is_heading and len(node.spans) == 1 and not _LABELLED_DATE.match(node.text)
        if dated and not (node.skip or heading):
            topic = previous_prose
            texts, owner = _texts(node, index == len(nodes) - 1), None
            if node.style == "row":
                text, owner = row_owner(node.text, nodes[index + 1] if index + 1 < len(nodes) else None)
                texts = [(0, text)]
            for offset, raw in texts:
                found = _clause_candidates(node, offset, raw, ctx, row_label(previous), cell, topic)
                out.extend([replace(c, owner=owner) for c in found] if owner else found)
        if node.marker == "Ÿ":
            cell = ""
        if node.style == "prose":
            previous_prose = node.text
        previous = node
    return out
