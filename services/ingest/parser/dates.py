"""Time expressions → kind/starts/due: a single period (year, half, quarter, month, day) is a
`deadline` from its first to its last day; `~X` or `X까지` is a deadline with no start; `X~` or
`X부터` is `ongoing` (starts only); `X~Y` is a `range`, or a `program` when both ends are whole
years; a list (`'24.3월,6월`) is a deadline from the first item's first day to the last item's
last day. Input must be `textnorm.normalise`d (apostrophes → ', tildes → ~)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from .model import Kind
from .textnorm import normalise

_ANCHOR = re.compile(
    r"(?=['\d상하올금내명연다이])(?:'\d{2}(?!\d|\s?[대개명건회%])"
    r"|(?<![\d.,])(?:19|20)\d{2}(?=\s?(?:년|\.\s?[\d上下]|~)|-\d{2}-\d{2}(?!\d)|/\d{1,2}/\d{1,2}(?!\d)|-(?:19|20)\d{2}(?![\d-])"
    r"|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\s?~\s?(?:19|20)\d{6}(?!\d))"
    r"|(?<![\d.,'/:])\d{2}(?=\.\d{1,2}\s?(?:월|~\s?\d{1,2}\s?월)|\.\d{1,2}\.\d{1,2}\.?\s?(?:\(|까지)|\.\s?[上下])"
    r"|(?<![\d.,'/:~△(])(?:2\d|3[0-5])(?=\.(?:1[0-2]|0?[1-9])(?:\s?(?:Q|분기))?(?:\s*$|\s*[\t)]))"
    r"|(?<![\d.,'/:])\d{2}(?=년\s?(?:\d{1,2}\s?월|[1-4]\s?(?:/4\s?)?분기|[상하]\s?반기))"
    r"|(?<![\d.,'/:~])\d{2}(?=년\s?(?:까지\s?)?(?:완공|준공|개통|착공|개교|개관|개소)(?![가-힣]{0,1}\s?(?:했|된|됐|한\s|하여|하였)))"
    r"|(?<=\)\s)\d{2}(?=년(?:\s*$|\s?[,)]))"
    r"|(?<![\d.,'/:])\d{1,2}(?=\s?월(?!호)|\.\d{1,2}\s?일|\s?[·‧・]\s?[1-4]\s?분기|\s?분기)"
    r"|(?<![\d.,'/:~])\d{1,2}(?=\s?~\s?\d{1,2}\s?월)"
    r"|(?<![\d.,'/:~월])\d{1,2}(?=\s?일\s?(?:부터|~))"
    r"|(?<=~)\d{1,2}(?=/\d{1,2}\))"
    r"|(?<![\d.,'/:~])(?:1[0-2]|0?[1-9])(?=\.\s?(?:[12]\d|3[01]|0?[1-9])\.(?:\s?[(~]|\s|$))"
    r"|(?:(?<=\(~)|(?<=\(~\s))(?:1[0-2]|0?[1-9])(?=\.\s?(?:[12]\d|3[01]|0?[1-9])\.\))"
    r"|상\s?반기|하\s?반기|올해|금년|내년|명년|(?<![가-힣])연(?:내|말(?!정산|연시))|내달|다음\s?달|이달|이번\s?달)"
)
_BARE_DAY_RANGE = re.compile(
    r"(?<![\d.,'/:~월])(\d{1,2})\s?~\s?(\d{1,2})\s?일(?!\s?(?:이내|간|동안|이상|째|분))"
)
_FOLLOWING_REACH = 40
_SAME_MONTH_DAY = re.compile(r"같은\s?달\s?(?:(\d{1,2})\s?일|(초|말)(?=[^가-힣]|까지|에))")
_REL_MONTH = re.compile(r"내달|다음\s?달|이달|이번\s?달")
_REL_YEAR_SUFFIX = re.compile(r"\s?(?:안|내|중|말|연말|연중)(?=까지|[^가-힣]|$)")
_YEAR = re.compile(
    r"'(?P<y2>\d{2})(?!\d)|(?P<y4>(?:19|20)\d{2})(?!\d)"
    r"|(?P<yb>\d{2})(?=\.\d{1,2}\s?(?:월|~\s?\d{1,2}\s?월)|\.\d{1,2}\.\d{1,2}\.?\s?(?:\(|까지)|\.\s?[上下]"
    r"|\.(?:1[0-2]|0?[1-9])(?:\s?(?:Q|분기))?(?:\s*$|\s*[\t)]))|(?P<yn>\d{2})(?=년)"
    r"|(?P<yc>(?:19|20)\d{2})(?=(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d))"
)
# `20240408 ~ 20240412` (a grants portal's compact dates): read only as a range of two such dates, so an
# eight-digit number elsewhere (an ID, a policy number) is never taken for a day.
_YEAR_TAIL = re.compile(r"(?P<nen>\s?년도?)?(?P<sep>\s?[.,]\s?|\s)?")
_QUARTER = re.compile(r"([1-4])\s?(?:[·‧・,~]\s?([1-4])\s?)?(?:/4\s?)?(?:분기|Q)")
_HALF = re.compile(r"上|下|상\s?반기|하\s?반기|전반기|후반기")
_HALF_FIRST = "上下상하전후"
_MONTH = re.compile(r"(\d{1,2})(?!\d)(?P<wol>\s?월)?")
# `9월 13일`, and `9월 13~19일` (the first day of a range of days in one month)
_DAY_AFTER_WOL = re.compile(r"\s?(\d{1,2})(?:\s?일|(?=\s?~\s?\d{1,2}\s?일))")
_DAY_AFTER_DOT = re.compile(r"\s?[./]\s?(\d{1,2})(?!\d)(?!\s?월)(?:\s?일)?")
_MONTH_LIST_ITEM = re.compile(r"(?:\s?[,/]\s?|\s)(\d{1,2})\s?월")
_PERIOD_SUFFIX = re.compile(r"\s?(?:중|내|말|초)(?![가-힣])")
# `이달 안에`, `이번 달 내로`: within the month counted from the document's date.
_WITHIN_MONTH = re.compile(r"\s?(?:안|내)(?:에|로)?(?=[^가-힣]|$)")
_MONTH_SUFFIX = re.compile(r"\s?(?:(?:중순|초순|하순)경?|중|초|말|경|께)(?=까지|부터|[^가-힣]|$)")
# `2018년 초` (the first quarter); `2019년 말까지`, `2008년께 완공`: the year, due at its end (the word is
# read, so it is no part of the title that follows; `(2025년 말)` in a bracket stays the year as written).
_YEAR_PART = re.compile(r"\s?(?:(초)(?=까지|부터|에|[^가-힣]|$)|(말|께|경)(?=까지|부터|에|\s))")
_NOT_BARE_MONTH = re.compile(
    r"\s?(?:개|명|건|회|억|조|만|천|%|차|년|배|종|곳|편|대|과제|시간|MW|분|주|위|단계|[가-힣]{2})|[,.]\d"
)
_RANGE_TILDE = re.compile(r"\.?\s?(?:~|-(?='\d{2}|(?:19|20)\d{2}(?![\d-])))\s?")  # `'24-'28`: a programme
_ISO_DAY = re.compile(r"-(\d{2})-(\d{2})(?!\d)|/(\d{1,2})/(\d{1,2})(?!\d)")  # 2024-03-04, 2025/06/05
# What a notice writes after a day: a closing dot, the weekday `(월)` (or empty `()`), a time of day
# (`9시`, `18:00`, `오후 6시`). Read past only to find a range's other end or a `까지`/`부터`.
_DAY_TAIL = re.compile(
    r"\.?\s?(?:\([월화수목금토일]?\))?(?:\s?(?:오전|오후)?\s?\d{1,2}(?::\d{2}|\s?시(?:\s?\d{1,2}\s?분)?))?"
)
# `31일부터 오는 3월 2일까지`: `오는` (coming) before the end of a range is no part of it.
_FROM_TO = re.compile(r"\.?\s?부터\s?(?:오는\s)?")
_DAY_ONLY = re.compile(r"(\d{1,2})\s?일")
_WEEKDAYS = "월화수목금토일"
_WEEKDAY = re.compile(r"\(([월화수목금토일])\)")
_DAY_BEFORE_RANGE = re.compile(r"(\d{1,2})(?=\s?~\s?\d{1,2}\s?일)")
_DAY_RANGE_START = re.compile(r"\d{1,2}\s?일\s?(?:부터|~)")
_DAY_TO_MONTH_DAY = re.compile(
    r"(\d{1,2})\s?일(?=\s?(?:부터|~)\s?(?:오는\s)?(\d{1,2})\s?월\s?(\d{1,2})\s?일)"
)
_SLASH_DAY = re.compile(r"\d{1,2}/\d{1,2}\)")
_BARE_MONTH_RANGE = re.compile(r"\d{1,2}\s?~\s?\d{1,2}\s?월")
# `3. 10.(월)`, `5. 1. ~ 6. 30.`: a notice's day with no year (the document's year places it).
# `(~3. 31.)`: a year-less day a tilde opens in parentheses, a deadline.
_DOTTED_DAY = re.compile(
    r"(?:1[0-2]|0?[1-9])\.\s?(?:[12]\d|3[01]|0?[1-9])\.(?:\s?[(~]|\s|$)"
    r"|(?:(?<=\(~)|(?<=\(~\s))(?:1[0-2]|0?[1-9])\.\s?(?:[12]\d|3[01]|0?[1-9])\.\)"
)
_UNTIL = re.compile(r"\.?\s?까지")
_SPAN_WORDS = {"이틀": 2, "사흘": 3, "나흘": 4, "닷새": 5, "엿새": 6, "이레": 7, "열흘": 10}
_SPAN_DAYS = re.compile(r"\s?(?:(이틀|사흘|나흘|닷새|엿새|이레|열흘)|(\d{1,2})\s?일)\s?(?:간|동안)")
_LONGEST_SPAN = 31
# `11월 3일(금)부터 11월 4일(토) 이틀간`: the span said as a length instead of `까지`.
_DURATION = re.compile(r"\s?(?:이틀|사흘|나흘|닷새|엿새|\d{1,3}\s?일)\s?(?:간|동안)")
# `2025. 6. 12.(목) 15:00 ~ 18:00`: the hours of one day, not a range of days.
_CLOCK_END = re.compile(r"(?:오전|오후)?\s?\d{1,2}(?::\d{2}|\s?시)")
_FROM = re.compile(r"\.?\s?부터")
_LONGEST_CELL = 40
_CELL_REST = re.compile(r"\s*(?:\([월화수목금토일]\))?\s*\.?$")
_RELATIVE = {"올해": 0, "금년": 0, "연내": 0, "연말": 0, "내년": 1, "명년": 1}
# The characters an anchor starts with (the lookahead of `_ANCHOR`): a cheap scan finds the first.
_ANCHOR_START = re.compile(r"['\d상하올금내명연다이]")


_BUDGET_AFTER = re.compile(r"\s?도?\s?(?:[가-힣]{1,8})?예산")


class TimeExpr(NamedTuple):
    start: int
    end: int
    kind: Kind
    starts: date | None
    due: date | None
    grain: str
    explicit_year: bool


class _Point(NamedTuple):
    first: date
    last: date
    grain: str
    end: int


_NO_REF_PIVOT = 70


def resolve_two_digit_year(yy: int, ref_year: int | None) -> int:
    """`’31` is 2031 with no year to go by (these documents are of this century; their plans reach into the
    2030s and beyond, `’98` is still 1998); with one, the year within 30 ahead or 70 behind it."""
    if ref_year is None:
        return 2000 + yy if yy < _NO_REF_PIVOT else 1900 + yy
    ref = ref_year
    year = ref - ref % 100 + yy
    if year - ref > 30:
        year -= 100
    elif ref - year > 70:
        year += 100
    return year


def _month_period(year: int, first_month: int, last_month: int) -> tuple[date, date]:
    last_day = calendar.monthrange(year, last_month)[1]
    return date(year, first_month, 1), date(year, last_month, last_day)


def _year_point(year: int, end: int) -> _Point:
    return _Point(date(year, 1, 1), date(year, 12, 31), "year", end)


def _quarter_point(text: str, pos: int, year: int) -> _Point | None:
    m = _QUARTER.match(text, pos)
    if not m:
        return None
    q1 = int(m.group(1))
    q2 = int(m.group(2) or q1)
    if q2 < q1:
        return None
    first, last = _month_period(year, 3 * q1 - 2, 3 * q2)
    return _Point(first, last, "quarter" if q1 == q2 else "quarters", _period_end(text, m.end()))


def _half_point(text: str, pos: int, year: int) -> _Point | None:
    m = _HALF.match(text, pos)
    if not m:
        return None
    second = m.group(0) in ("下", "후반기") or m.group(0).startswith("하")
    first, last = _month_period(year, 7, 12) if second else _month_period(year, 1, 6)
    return _Point(first, last, "half", _period_end(text, m.end()))


def _period_end(text: str, end: int) -> int:
    """After a half or quarter, `중` / `내` / `말` belong to the expression ("상반기 중")."""
    suffix = _PERIOD_SUFFIX.match(text, end)
    return suffix.end() if suffix else end


def _bare_month_ok(text: str, end: int) -> bool:
    return not _NOT_BARE_MONTH.match(text, end)


def _month_point(text: str, pos: int, year: int, allow_bare: bool) -> _Point | None:
    m = _MONTH.match(text, pos)
    if not m or not 1 <= int(m.group(1)) <= 12:
        return None
    month, end = int(m.group(1)), m.end()
    has_wol = m.group("wol") is not None
    day_m = (_DAY_AFTER_WOL if has_wol else _DAY_AFTER_DOT).match(text, end)
    if day_m and (allow_bare or has_wol or day_m.group(0).endswith("일")):
        return _day_point(year, month, int(day_m.group(1)), day_m.end())
    if not has_wol and not (allow_bare and _bare_month_ok(text, end)):
        return None
    last_month, end = _month_list(text, end, month)
    suffix = _MONTH_SUFFIX.match(text, end)
    end = suffix.end() if suffix else end
    first, last = _month_period(year, month, last_month)
    if suffix and last_month == month:
        first, last = _part_of_month(first, last, suffix.group(0).strip().removesuffix("경"))
    return _Point(first, last, "month" if last_month == month else "months", end)


def _part_of_month(first: date, last: date, word: str) -> tuple[date, date]:
    """`8월초`, `2월 초순`: the first ten days; `중순` the next ten; `하순` the rest (an officer's due
    date for `8월초까지` is the 10th, not the month's end)."""
    if word in ("초", "초순"):
        return first, first.replace(day=10)
    if word == "중순":
        return first.replace(day=11), first.replace(day=20)
    if word == "하순":
        return first.replace(day=21), last
    return first, last


def _month_list(text: str, end: int, month: int) -> tuple[int, int]:
    last = month
    for _ in range(4):
        item = _MONTH_LIST_ITEM.match(text, end)
        if not item or not last < int(item.group(1)) <= 12:
            break
        last, end = int(item.group(1)), item.end()
    return last, end


def _day_point(year: int, month: int, day: int, end: int) -> _Point | None:
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return _Point(date(year, month, day), date(year, month, day), "day", end)


def _sub_point(text: str, pos: int, year: int, allow_bare: bool) -> _Point | None:
    head = text[pos : pos + 1]
    if head.isdecimal():
        return _quarter_point(text, pos, year) or _month_point(text, pos, year, allow_bare)
    return _half_point(text, pos, year) if head and head in _HALF_FIRST else None


def _year_value(m: re.Match[str], ref_year: int | None) -> int:
    if m.group("y4") or m.group("yc"):
        return int(m.group("y4") or m.group("yc"))
    return resolve_two_digit_year(int(m.group("y2") or m.group("yb") or m.group("yn")), ref_year)


def _dated_point(text: str, pos: int, ref_year: int | None) -> _Point | None:
    m = _YEAR.match(text, pos)
    if not m:
        return None
    year = _year_value(m, ref_year)
    if not 1900 <= year <= 2100:
        return None
    if m.group("yc"):
        at = m.end()
        return _day_point(year, int(text[at : at + 2]), int(text[at + 2 : at + 4]), at + 4)
    iso = _ISO_DAY.match(text, m.end()) if m.group("y4") else None
    if iso:
        month, day = int(iso.group(1) or iso.group(3)), int(iso.group(2) or iso.group(4))
        return _day_point(year, month, day, iso.end()) if 1 <= month <= 12 else None
    tail = _YEAR_TAIL.match(text, m.end())
    assert tail is not None  # every part of the pattern is optional
    after_year = m.end() + len(tail.group("nen") or "")
    allow_bare = (not tail.group("nen") and "." in (tail.group("sep") or "")) or m.group("yb") is not None
    if m.group("y4") and tail.group("sep") == " " and not tail.group("nen"):
        allow_bare = _DOTTED_DAY.match(text, tail.end()) is not None  # `2026 2. 26.(목)`: a dot left out
    sub = _sub_point(text, tail.end(), year, allow_bare)
    return sub or (_year_part(text, year, after_year) if tail.group("nen") else _year_point(year, after_year))


def _year_part(text: str, year: int, end: int) -> _Point:
    """`2018년 초`: its first quarter; `2019년 말`, `2008년께`: the year, the word read."""
    part = _YEAR_PART.match(text, end)
    if part is None:
        return _year_point(year, end)
    if part.group(1):
        return _Point(date(year, 1, 1), date(year, 3, 31), "quarter", part.end())
    return _year_point(year, part.end())


def _point_at(
    text: str, pos: int, ref_year: int | None, ctx_year: int | None, ref_month: int | None
) -> tuple[_Point, bool] | None:
    dated = _dated_point(text, pos, ref_year)
    if dated:
        return dated, True
    word = text[pos : pos + 2]
    if word == "연말" and ref_year is not None:  # `연말까지`: December of the document's year, or of
        # the next year when the text is about it (a plan for the coming year; `내년 …, 연말까지`)
        year = ctx_year if ctx_year == ref_year + 1 else ref_year
        return _Point(date(year, 12, 1), date(year, 12, 31), "month", pos + 2), True
    if word in _RELATIVE and ref_year is not None:
        return _relative_year(text, pos + 2, ref_year + _RELATIVE[word], word == "연내"), True
    month_word = _REL_MONTH.match(text, pos)
    if month_word:
        return _relative_month(text, month_word, ref_year, ref_month)
    if ctx_year is None:
        return None
    bare = (  # `3~4월`, `(~9/9)`, `3. 10.(월)`
        _BARE_MONTH_RANGE.match(text, pos) or _SLASH_DAY.match(text, pos) or _DOTTED_DAY.match(text, pos)
    )
    point = _sub_point(text, pos, ctx_year, allow_bare=bare is not None)
    if point is None and ref_month is not None and _DAY_RANGE_START.match(text, pos):
        day = _DAY_ONLY.match(text, pos)  # `10일부터 21일까지` in a dated article: the dateline's month
        point = _day_point(ctx_year, ref_month, int(day.group(1)), day.end()) if day else None
    if point is None and ref_month is None:
        point = _day_before_month_day(text, pos, ctx_year)
    return (point, False) if point else None


def _day_before_month_day(text: str, pos: int, year: int) -> _Point | None:
    """`25일부터 3월 9일까지` with no dateline: the first day is of the end's month, or of the month
    before it when it is the later day of the two (25 > 9: February)."""
    found = _DAY_TO_MONTH_DAY.match(text, pos)
    if found is None:
        return None
    first, month, last = (int(group) for group in found.groups())
    if not 1 <= month <= 12 or (first > last and month == 1):
        return None  # across a new year: left to a dateline
    if first > last:
        month -= 1
    return _day_point(year, month, first, found.end())


def _relative_year(text: str, end: int, year: int, within: bool) -> _Point:
    """`내년`, `내년 상반기`, `올해 안`, `올해 말`: the year, or the period of it that follows."""
    after = end + 1 if text[end : end + 1] == " " else end
    sub = None if within else _sub_point(text, after, year, allow_bare=False)
    if sub is not None:
        return sub
    suffix = _REL_YEAR_SUFFIX.match(text, end)
    if suffix and suffix.group(0).strip() in ("말", "연말"):
        return _Point(date(year, 12, 1), date(year, 12, 31), "month", suffix.end())
    return _year_point(year, suffix.end() if suffix else end)


def _relative_month(
    text: str, word: re.Match[str], ref_year: int | None, ref_month: int | None
) -> tuple[_Point, bool] | None:
    """`내달`, `다음 달 10~14일`, `이달 중`: months counted from the document's date (none without it)."""
    if ref_year is None or ref_month is None:
        return None
    offset = 0 if word.group(0).startswith("이") else 1
    year, month = ref_year + (ref_month + offset - 1) // 12, (ref_month + offset - 1) % 12 + 1
    end = word.end()
    after = end + 1 if text[end : end + 1] == " " else end
    day = _DAY_ONLY.match(text, after) or _DAY_BEFORE_RANGE.match(text, after)
    if day:
        point = _day_point(year, month, int(day.group(1)), day.end())
        if point is not None:
            return point, True
    first, last = _month_period(year, month, month)
    suffix = _MONTH_SUFFIX.match(text, end) or _WITHIN_MONTH.match(text, end)
    return _Point(first, last, "month", suffix.end() if suffix else end), True


def _range_end(text: str, pos: int, start: _Point, ref_year: int | None) -> _Point | None:
    dated = _dated_point(text, pos, ref_year)
    if dated:
        return dated
    if start.grain == "day" and (day := _DAY_ONLY.match(text, pos)):  # `1일 9시부터 7일 18시까지`
        return _day_point(start.first.year, start.first.month, int(day.group(1)), day.end())
    point = _sub_point(text, pos, start.first.year, allow_bare=True)
    if point is None and start.grain == "day":  # `10일부터 21일까지`: the end in the start's month
        day = _DAY_ONLY.match(text, pos)
        if day:
            point = _day_point(start.first.year, start.first.month, int(day.group(1)), day.end())
    return point


def _after_tail(text: str, pos: int, grain: str) -> int:
    """Where a day's weekday/time tail ends (pos itself for other grains)."""
    tail = _DAY_TAIL.match(text, pos) if grain == "day" else None
    return tail.end() if tail else pos


def _day_tail_end(text: str, point: _Point) -> int:
    return _after_tail(text, point.end, point.grain)


def _from_to(text: str, first: _Point, ref_year: int | None) -> _Point | None:
    """`X부터 Y까지`: the end point Y, when the pair makes a range."""
    since = _FROM_TO.match(text, _day_tail_end(text, first))
    if not since:
        return None
    last = _range_end(text, since.end(), first, ref_year)
    if last is None or last.last < first.first:
        return None
    tail = _day_tail_end(text, last)
    until = _UNTIL.match(text, tail) or _DURATION.match(text, tail)
    return _Point(last.first, last.last, last.grain, until.end()) if until else None


def _build(
    start_pos: int, first: _Point, last: _Point | None, flags: tuple[bool, bool], explicit: bool
) -> TimeExpr:
    open_start, open_end = flags
    if last is not None:
        whole_years = first.grain == last.grain == "year" and last.first.year > first.first.year
        span: Kind = "program" if whole_years else "range"
        return TimeExpr(start_pos, last.end, span, first.first, last.last, first.grain, explicit)
    if open_end:
        return TimeExpr(start_pos, first.end, "ongoing", first.first, None, first.grain, explicit)
    kind: Kind = "range" if first.grain == "quarters" else "deadline"
    starts = None if open_start else first.first
    return TimeExpr(start_pos, first.end, kind, starts, first.last, first.grain, explicit)


def parse_at(
    text: str, pos: int, ref_year: int | None, ctx_year: int | None, ref_month: int | None = None
) -> TimeExpr | None:
    """Parse one time expression whose first token starts at `pos`."""
    found = _point_at(text, pos, ref_year, ctx_year, ref_month)
    if not found:
        return None
    first, explicit = found
    start_pos = pos - 1 if pos > 0 and text[pos - 1] == "~" else pos
    open_start = start_pos < pos
    last, open_end, end = None, False, first.end
    tilde = _RANGE_TILDE.match(text, end) or _day_range_tilde(text, first)
    if tilde and first.grain == "day" and _CLOCK_END.match(text, tilde.end()):
        tilde = None  # hours within the day
    if tilde:
        last = _range_end(text, tilde.end(), first, ref_year)
        if last is None or last.last < first.first:
            last, open_end, end = None, True, first.end + len(tilde.group(0).rstrip())
        elif last.grain == "day":  # a notice's `… ~ 3. 15.(금) 18:00까지` ends after its tail
            tail = _day_tail_end(text, last)
            until = _UNTIL.match(text, tail)
            last = _Point(last.first, last.last, last.grain, until.end() if until else last.end)
    else:
        last = _from_to(text, first, ref_year)
    first = _Point(first.first, first.last, first.grain, end)
    expr = _build(start_pos, first, last, (open_start, open_end), explicit)
    return _with_suffix(text, expr)


def _day_range_tilde(text: str, first: _Point) -> re.Match[str] | None:
    """The `~` after a day's weekday or time (`2024. 3. 4.(월) ~ 3. 15.(금)`)."""
    if first.grain != "day":
        return None
    tail = _day_tail_end(text, first)
    return _RANGE_TILDE.match(text, tail) if tail > first.end else None


def _with_suffix(text: str, expr: TimeExpr) -> TimeExpr:
    if expr.kind == "deadline":
        until = _UNTIL.match(text, _after_tail(text, expr.end, expr.grain))
        if until:
            span = span_before(text, until.end(), expr)
            if span is not None:
                return span
            return TimeExpr(
                expr.start, until.end(), "deadline", None, expr.due, expr.grain, expr.explicit_year
            )
        since = _FROM.match(text, _after_tail(text, expr.end, expr.grain))
        if since and expr.starts is not None:
            return TimeExpr(
                expr.start, since.end(), "ongoing", expr.starts, None, expr.grain, expr.explicit_year
            )
    return expr


def span_before(text: str, pos: int, expr: TimeExpr) -> TimeExpr | None:
    """`오는 21일까지 사흘간`: a span of days ending on the day, so it starts the days before (19 to 21)."""
    span = _SPAN_DAYS.match(text, pos) if expr.grain == "day" and expr.due is not None else None
    if span is None or expr.due is None:
        return None
    days = _SPAN_WORDS.get(span.group(1)) or int(span.group(2) or 0)
    if not 2 <= days <= _LONGEST_SPAN:
        return None
    first = expr.due - timedelta(days=days - 1)
    return TimeExpr(expr.start, span.end(), "range", first, expr.due, "day", expr.explicit_year)


def find_time_exprs(
    text: str, ref_year: int | None, ctx_year: int | None, ref_month: int | None = None
) -> list[TimeExpr]:
    """All time expressions in `text`, left to right; year-less ones take the last seen year.
    `ref_month` (the document date's month) places `내달`, `다음 달 …일`, `10일부터 21일까지`."""
    found: list[TimeExpr] = []
    first = _ANCHOR_START.search(text)
    if first is None:
        return found
    last_end = 0
    for m in _ANCHOR.finditer(text, first.start()):
        if m.start() < last_end:
            continue
        expr = parse_at(text, m.start(), ref_year, ctx_year, ref_month)
        if expr is None:
            continue
        if not expr.explicit_year and expr.grain == "day":
            expr = _by_weekday(text, expr)
        found.append(expr)
        last_end = expr.end
        anchor_day = expr.starts or expr.due
        by_year_end = expr.grain == "year" and expr.starts is None  # "'27년까지" sets no year for "9월"
        # `… 발급2023.06.20`: a listed headline's date, glued to it, dates nothing after it
        glued = expr.start > 0 and text[expr.start - 1].isalpha()
        # `2021년도 예산 편성에 반영할 … 사업을 9월 4일까지`: a budget's year dates nothing after it
        budget = expr.grain == "year" and _BUDGET_AFTER.match(text, expr.end) is not None
        if expr.explicit_year and anchor_day is not None and not by_year_end and not glued and not budget:
            ctx_year = anchor_day.year
    if "같은" in text or "같은달" in text:
        found = _same_month_days(text, found)
    if found and "~" in text:
        found = _following_day_ranges(text, found)
    if len(found) > 1 and "또는" in text:
        found = _either_day(text, found)
    return found


def _by_weekday(text: str, expr: TimeExpr) -> TimeExpr:
    """`3. 17.(월)~6. 30.(월)` under `2026년도 예산편성을 위한 …`: a year-less day whose weekday is wrong
    for the year it was given, and right for the year before or after, is of that year (the whole
    expression moves with it). Any other mismatch (a typo) leaves it as it was."""
    first = expr.starts or expr.due
    wanted = stated_weekday(text, expr.start, min(len(text), expr.end + 4))
    if first is None or wanted is None:
        return expr
    if first.weekday() == wanted:
        return expr
    for shift in (-1, 1):
        try:
            moved = first.replace(year=first.year + shift)
        except ValueError:
            continue  # 29 February
        if moved.weekday() == wanted:
            return expr._replace(starts=shift_years(expr.starts, shift), due=shift_years(expr.due, shift))
    return expr


def stated_weekday(text: str, start: int = 0, end: int | None = None) -> int | None:
    """The weekday written in parentheses in `text[start:end]` (`(월)` → 0), if any."""
    found = _WEEKDAY.search(text, start, len(text) if end is None else end)
    return None if found is None else _WEEKDAYS.index(found.group(1))


def shift_years(day: date | None, years: int) -> date | None:
    """The same day `years` later (earlier when negative); 29 February becomes the 28th."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _walk_matches(
    text: str,
    found: list[TimeExpr],
    pattern: re.Pattern[str],
    keeps: Callable[[TimeExpr, re.Match[str]], bool],
    place: Callable[[re.Match[str], TimeExpr | None, list[TimeExpr]], None],
) -> list[TimeExpr]:
    """One pass over `pattern`'s matches in `text` and the expressions `found` (both in order): the
    expressions before a match are copied out, the last one `keeps` accepts is its anchor, and a match
    that is no part of another expression is given to `place` (which appends what it dates to the
    output, and may take back the expression just before it)."""
    out: list[TimeExpr] = []
    index, anchor = 0, None
    for m in pattern.finditer(text):
        while index < len(found) and found[index].start < m.start():
            expr = found[index]
            out.append(expr)
            anchor = expr if keeps(expr, m) else anchor
            index += 1
        if (index < len(found) and found[index].start < m.end()) or (out and out[-1].end > m.start()):
            continue  # the words are part of another expression
        place(m, anchor, out)
    out.extend(found[index:])
    return out


def _same_month_days(text: str, found: list[TimeExpr]) -> list[TimeExpr]:
    """`제2차 시험은 내년 1월 7일부터 9일까지, 최종 합격자는 내년 같은 달 28일 발표`: the day of the month
    named last before it (January of next year); the `내년` before `같은 달` repeats that month's
    year. With no month before it, nothing is placed."""

    def keeps(expr: TimeExpr, m: re.Match[str]) -> bool:
        return expr.grain in ("day", "month") and expr.end <= m.start()

    def place(m: re.Match[str], anchor: TimeExpr | None, out: list[TimeExpr]) -> None:
        day = (anchor.due or anchor.starts) if anchor is not None else None
        if day is None:
            return
        first, when = _same_month_point(day, m)
        if when is None:
            return
        start = m.start()
        if out and out[-1].grain == "year" and not text[out[-1].end : m.start()].strip():
            start = out.pop().start  # `내년 같은 달`: the year repeats the month's
        out.append(TimeExpr(start, m.end(), "deadline", first, when, "day" if m.group(1) else "month", False))

    return _walk_matches(text, found, _SAME_MONTH_DAY, keeps, place)


def _same_month_point(day: date, m: re.Match[str]) -> tuple[date | None, date | None]:
    """`같은 달 28일`: that day; `같은 달 말` / `같은 달 초`: that part of the month (`내년 2월 초 시공사를
    선정한 뒤 같은 달 말 착공`: the end of February)."""
    if m.group(1):
        when = _safe_day(day.year, day.month, int(m.group(1)))
        return when, when
    first = day.replace(day=1)
    last = first.replace(day=calendar.monthrange(day.year, day.month)[1])
    return _part_of_month(first, last, m.group(2))


def _following_day_ranges(text: str, found: list[TimeExpr]) -> list[TimeExpr]:
    """`오는 3월 4일 합격자를 발표하고 이어 6~13일 견본 접수를 한다`: a range of bare days shortly after a
    day of a named month, in the same sentence, is of that month (not a span: `1~3일 이내`)."""

    def keeps(expr: TimeExpr, m: re.Match[str]) -> bool:
        return expr.grain == "day" and expr.end <= m.start()

    def place(m: re.Match[str], anchor: TimeExpr | None, out: list[TimeExpr]) -> None:
        day = (anchor.due or anchor.starts) if anchor is not None else None
        if anchor is None or day is None or m.start() - anchor.end > _FOLLOWING_REACH:
            return
        if "다." in text[anchor.end : m.start()]:
            return  # another sentence
        first, last = (
            _safe_day(day.year, day.month, int(m.group(1))),
            _safe_day(day.year, day.month, int(m.group(2))),
        )
        if first is None or last is None or not day < first <= last:
            return
        out.append(TimeExpr(m.start(), m.end(), "range", first, last, "day", anchor.explicit_year))

    return _walk_matches(text, found, _BARE_DAY_RANGE, keeps, place)


_EITHER = re.compile(r"\.?\s?(?:\([월화수목금토일]\))?\s?또는\s?")
_EITHER_GAP = 12
_EITHER_DAYS = 7


def _either_day(text: str, found: list[TimeExpr]) -> list[TimeExpr]:
    """`2026. 3. 7.(토) 또는 2026. 3. 8.(일)`: a step on one of two near days is entered as the span of
    both (one step, not two)."""
    out: list[TimeExpr] = []
    for expr in found:
        prev = out[-1] if out else None
        if prev is not None and _either_pair(text, prev, expr):
            out[-1] = TimeExpr(prev.start, expr.end, "range", prev.due, expr.due, "day", prev.explicit_year)
        else:
            out.append(expr)
    return out


def _either_pair(text: str, first: TimeExpr, second: TimeExpr) -> bool:
    if not (first.grain == second.grain == "day" and first.kind == second.kind == "deadline"):
        return False
    if first.due is None or second.due is None or first.starts is None or second.starts is None:
        return False
    if not 0 < (second.due - first.due).days <= _EITHER_DAYS or second.start - first.end > _EITHER_GAP:
        return False
    return _EITHER.fullmatch(text, first.end, second.start) is not None


def _safe_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def is_date_only(text: str) -> bool:
    """The whole text is one time expression: a table cell such as `'25.6월`, `(’25.下)`."""
    if len(text) > _LONGEST_CELL:
        return False
    norm = normalise(text).strip(" ()")
    if not (norm[:1] == "~" or _ANCHOR_START.match(norm)):
        return False
    found = find_time_exprs(norm, None, 2000)
    return len(found) == 1 and found[0].start == 0 and bool(_CELL_REST.match(norm, found[0].end))
