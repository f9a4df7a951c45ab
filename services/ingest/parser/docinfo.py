"""Document-level facts: date, title, plan year, press-release flag and the stable plan key."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from itertools import pairwise

from .records import record_name
from .textnorm import normalise

# A notice board's posting date (`등록일: 2025. 5. 26.`); a plan's `제출 연월일` does not make the
# plan's earlier items history (they are its schedule).
# A news page's own stamp (`승인 2019.01.15 12:36`, `입력 : 2024. 04.29`, `등록 2024.09.18 18:10:09`,
# `date 2025-11-25`, `송고 2015.06.21 12:00 | 수정 …`, Yonhap's `송고시간2019-02-12 12:00`) is one too, and `기사입력 2023/05/04` wherever it stands (`신지현 기자 | 기사입력 …`).
# So are an outlet's `대한연합방송 입력 : 2024.01.11 11:16` and a byline's `기자 | 2021년 09월 15일(수) 11:55`.
_POSTED = re.compile(
    r"^\s?(?:등록\s?일|게시\s?일|공고\s?일|작성\s?일자)\s?[:：]?|^\W{0,3}(?:승인|송고(?:\s?시간)?|입력|등록|date)\s?[:：]?\s?(?=\d)|기사\s?입력\s?[:：]?\s?(?=\d)"
    r"|^[가-힣A-Za-z]{2,12}\s입력\s?[:：]\s?(?=\d)|기자\s?[|ㅣ]\s?(?=\d)"
)
_DATE_LINE_TAIL = re.compile(r"\.?\s?일?\s?(?:\([월화수목금토일]\))?\s?\.?\s*$")
_ISSUER = re.compile(r"[가-힣() ]{2,24}(?:시장|군수|구청장|청장|도지사|장관|이사장|총장|교육감|원장|위원장)")
_DATE_LABELS = (
    re.compile(r"(?:보도\s?시점|보도\s?일시|배포\s?일시|배포|엠바고)"),
    # `발표일` only as the line's own label: `합격자 발표일: 3. 10.` is an item of the schedule
    re.compile(r"(?:제출\s?연월일|작성\s?일|시행\s?일자|^\W{0,3}발표\s?일)"),
    _POSTED,
)
_FULL_DATE = re.compile(r"((?:19|20)\d{2})\s?[.\-/년]\s?(\d{1,2})\s?[.\-/월]\s?(\d{1,2})(?!\d)")
_YEAR_MONTH_LINE = re.compile(r"^\s*((?:19|20)\d{2})\s?[.년]\s?(\d{1,2})\s?\.?월?\s*$")
# `… 2018년 업무계획을 발표했다`: a work plan's year dates its bare months (`7월까지`, `연말까지`).
_PLAN_YEAR = re.compile(r"((?:19|20)\d{2})\s?년도?\s?(?:시행\s?계획|추진\s?계획|실행\s?계획|업무\s?계획)")
# A title's own year when nothing else dates the document (`충북도, 2023년 양성평등기금사업 공모`,
# `2018 미지 포토보이스 프로젝트`): a notice is about that year.
# A year the title gives a target (`대구시, 신청사 2025년 착공·2030년 완공 목표`, `2028년까지 준공`) is
# that target's, not the text's: an undated news item's `내년` stays unplaced.
_TITLE_YEAR = re.compile(
    r"(?<![\d.'])((?:19|20)\d{2})(?:\s?년|\s?학년도|\s)(?!\s?\d)(?!\s?(?:까지|착공|완공|준공|개통|개관))"
)
_PRESS = re.compile(r"보도\s?시점|보도\s?일시|보도자료|배포\s?일시|엠바고")
_TITLE_SKIP = re.compile(
    r"보도|배포|조간|석간|의안번호|^심|^의$|^사$|^항$|연\s?월\s?일|^\(?제\s?\d+\s?회\)?$|^\d|^[<▶\-*]|^공개$"
)
_NOTICE_END = re.compile(r"(?:안내|공고|알림|모집|공모|공모전|홍보)(?:\s?\([^)]*\))?$")
# `가. 사 업 명 : 2025년 발전소 주변지역 지원사업`: a notice's name field names what its dates are about.
_NAME_FIELD = re.compile(
    r"^[\s가-하.)□○ㅇ\-·]*(?:(?:사\s?업\s?명|행\s?사\s?명|공\s?모\s?명|과\s?제\s?명)\s?[:：]"
    r"|\((?:사업명|행사명|공모명|과제명)\)|(?:공고명|정책명|사업명)\s\|)\s?(.{4,60})$"
)
_NOTICE_HEAD = 3
# `정부 R&D 사업공고`, `사업공고`, `공지사항`: the name of the board a notice is posted on, not its title.
_BOARD_NAME = re.compile(r"^(?:정부\s?)?(?:R&D\s?)?(?:사업\s?)?(?:공고|공지|알림)$")
_BOARD_HEAD = 8
_BOARD_TITLE_MIN = 8
_DIGIT_LEAD = re.compile(r"^[\d\s.\-/:,]+$|^[A-Z][a-z]{2}\s?\d")
# `2026학년도 … 사전 의견 수렴을 다음과 같이 실시하고자 합니다.`: a notice that opens by naming what it does.
_INTRODUCED_AS = re.compile(r"(.{4,60}?)(?:을|를)\s(?:다음|아래)과\s같이\s(?:실시|공고|모집|안내|추진|시행)")
_INTRODUCED_AFTER = re.compile(
    r"(?:다음|아래)(?:와|과)\s?같이\s([가-힣A-Za-z0-9]{2,20}(?:\s[가-힣A-Za-z0-9]{2,20}){0,2})(?:을|를)\s"
    r"(?:공모|모집|실시|공고)(?:하오니|합니다|하고자)"
)
_INTRO_REACH = 200
_SLUG_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_HEAD_LINES = 60
_NAMED_HEAD = 5
_QUOTED_NAME_YEAR = re.compile(r"[「『“\"']\s?((?:19|20)\d{2})(?:\s?년도?)?\s[가-힣]")
_NAMED_NOTICE_YEAR = re.compile(r"^[\s\-·•○□ㅇ◦▶]*(?:\[[^\]]{1,10}\]\s?)?((?:19|20)\d{2})\s?년도?\s")
_POSTED_HEAD = 4
_PROSE_TITLE = re.compile(r"다\.(?:\s|$)|다$")
_LISTING_DAY = re.compile(r"(\d{2})\.(\d{2})")
_LISTING_YEAR = re.compile(r"((?:19|20)\d{2})")
_POSTED_LINE = re.compile(r"((?:19|20)\d{2})-(\d{2})-(\d{2})(?:\s\d{1,2}:\d{2}(?::\d{2})?)?")
# `관리자 2019-01-31 1391`: a board row of the post's author, date and view count.
_BOARD_ROW = re.compile(r"[가-힣A-Za-z]{2,12}\s((?:19|20)\d{2})-(\d{2})-(\d{2})\s[\d,]{1,9}")
# `(사진=… 제공) 2023.07.10. … *재판매 및 DB 금지`: a photo caption dates the photo, not the text.
_CAPTION = re.compile(r"\(사진\s?=|재판매\s?및\s?DB\s?금지")
_COVER_LINES = 15
_PLAN_KIND = re.compile(r"(?:시행|추진|실행|세부|이행)\s?계획")
_SECTION_MARK = re.compile(r"^\s*(?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ○ㅇ□■◦•·*\-]|\d{1,2}\s?[.)]|[가-하]\s?[.)])")
_TAIL_LINES = 30
# An unlabelled date that a sentence schedules (`2025년 1월 8일부터 …`, `2025년 2월 5일에 … 발표`) is
# one of the text's dates, not the document's.
_RELATED_HEADLINE = re.compile(r"^\[[^\]\d]{2,8}\]\s?\S")
_BASE_DATE = re.compile(r"\(?((?:19|20)\d{2})\s?[.년]\s?(\d{1,2})\s?[.월]\s?(\d{1,2})\s?\.?\s?일?\s?기준\)?")
_CONDITION_BEFORE = re.compile(r"(?:지원|참가|신청)\s?(?:대상|자격)|출생\s?일")
_CONDITION_REACH = 40
_STEP_AFTER = re.compile(r"\.?\s?일?\s?(?:\([월화수목금토일]\))?\s?(?:부터|까지|에\s|에는|에$)")


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_doc_date(lines: list[str]) -> date | None:
    return find_dateline(lines)[0]


def find_dateline(lines: list[str]) -> tuple[date | None, bool]:
    """The document's date, and whether it is a notice's posting date (`등록일: …`): anything that
    ended by then is history, not a milestone."""
    head = [normalise(line) for line in lines[:_HEAD_LINES]]
    tail = [normalise(line) for line in lines[max(_HEAD_LINES, len(lines) - _TAIL_LINES) :]]
    signed = _signed_date(head) or _signed_date(tail)  # a long 공고 is signed at its end
    for label in _DATE_LABELS:
        for line in head:
            found = label.search(line)
            match = _FULL_DATE.search(line, found.end()) if found else None
            if match and (day := _safe_date(*map(int, match.groups()))):
                return day, label is _POSTED
    if signed is not None:
        return signed, True
    if (base := _base_date(head)) is not None:
        return base, True
    posted = _posted_line_date(head) or _listing_stamp_date(head)
    if posted is not None:
        return posted, True
    return _unlabelled_date(head), False


def without_listing_stamp(lines: list[str]) -> list[str]:
    """The lines with a listing's `01.26` / `2026` stamp blanked (it dated the item; it is not text)."""
    if _listing_stamp_date([normalise(line) for line in lines[:_HEAD_LINES]]) is None:
        return lines
    out = list(lines)
    for n in [n for n, line in enumerate(lines[:_HEAD_LINES]) if line.strip()][:2]:
        out[n] = ""  # blank, not removed: the document's line numbers are kept
    return out


def _listing_stamp_date(head: list[str]) -> date | None:
    """`01.26` over `2026`: a news listing's stamp, month.day on one line and the year on the next, as
    the first lines of the item (a listing page prints its items so)."""
    filled = [line.strip() for line in head if line.strip()][:2]
    if len(filled) < 2:
        return None
    day, year = _LISTING_DAY.fullmatch(filled[0]), _LISTING_YEAR.fullmatch(filled[1])
    if day is None or year is None:
        return None
    return _safe_date(int(year.group(1)), int(day.group(1)), int(day.group(2)))


def _posted_line_date(head: list[str]) -> date | None:
    """`홍천군, … 모집` / `2022-01-04`: an ISO date alone on one of the first lines, under the headline,
    is the item's posting date (a plan's cover date is written `2025. 5. 30.`); so is a board row's
    (`관리자 2019-01-31 1391`: author, date, views)."""
    for line in [line.strip() for line in head if line.strip()][:_POSTED_HEAD]:
        match = _POSTED_LINE.fullmatch(line) or _BOARD_ROW.fullmatch(line)
        if match and (day := _safe_date(*map(int, match.groups()))):
            return day
    return None


def _signed_date(head: list[str]) -> date | None:
    """A 공고's own date: a line of just the date, signed by the issuer on the next line
    (`2025년 5월 26일` / `서울특별시장`, `2025. 5. 20.` / `종로구청장`)."""
    filled = [line.strip() for line in head if line.strip()]
    for line, after in pairwise(filled):
        if line[:2] not in ("19", "20"):
            continue  # the date opens the line: most lines are decided without a pattern
        match = _FULL_DATE.fullmatch(_DATE_LINE_TAIL.sub("", line))
        if match and _ISSUER.fullmatch(after) and (day := _safe_date(*map(int, match.groups()))):
            return day
    return None


def _base_date(head: list[str]) -> date | None:
    """`2021. 12. 31. 기준` on a line of its own: the date a status table stands at; whatever ended by
    then is its history."""
    for line in head:
        found = _BASE_DATE.fullmatch(line.strip()) if "기준" in line else None
        if found and (day := _safe_date(*map(int, found.groups()))):
            return day
    return None


def _unlabelled_date(head: list[str]) -> date | None:
    previous = ""
    for line in head:
        related, previous = _RELATED_HEADLINE.match(previous) is not None, line.strip() or previous
        if related:
            continue  # `[인터뷰] …` / `온라인 기사 ( 2024.12.09 )`: a related article's headline and date
        if ("사진" in line or "DB" in line) and _CAPTION.search(line):
            continue
        for match in _FULL_DATE.finditer(line):
            if match.start() > 0 and line[match.start() - 1].isalpha():
                continue  # `… 발급2023.06.20`: a related article's date glued to its headline
            if _STEP_AFTER.match(line, match.end()):
                continue  # `제2차 시험은 2025년 1월 8일부터 …`: a step of the text, not its date
            if _CONDITION_BEFORE.search(line, max(0, match.start() - _CONDITION_REACH), match.start()):
                continue  # `1. 지원대상 (기준 출생일 2007. 1. 1. ∼ …)`: who may apply, not when it was written
            if day := _safe_date(*map(int, match.groups())):
                return day
    for line in head:
        month = _YEAR_MONTH_LINE.match(line)
        if month and (day := _safe_date(int(month.group(1)), int(month.group(2)), 1)):
            return day
    return None


def is_implementation_plan(lines: list[str]) -> bool:
    """`… 2025년도 시행계획(안)` on the cover: a plan that reports last year's 실적 as items it tracks
    (not a report with a numbered section `Ⅱ. 2025년 추진 계획`)."""
    cover = [normalise(line) for line in lines[:_HEAD_LINES] if line.strip()][:_COVER_LINES]
    return any(_PLAN_KIND.search(line) and _SECTION_MARK.match(line) is None for line in cover)


def is_press_release(lines: list[str]) -> bool:
    return any(_PRESS.search(line) for line in lines[:20])


def find_title(lines: list[str]) -> str:
    head = [line.strip() for line in lines[:_HEAD_LINES] if line.strip()]
    for index, line in enumerate(head):
        if _PLAN_YEAR.search(normalise(line)) and len(line) <= 60:
            previous = head[index - 1] if index else ""
            return f"{previous} {line}".strip() if "계획" in previous and len(previous) <= 60 else line
    for line in head:
        if len(line) >= 8 and not _TITLE_SKIP.search(line):
            return line[:120]
    return head[0][:120] if head else ""


def find_notice_title(lines: list[str]) -> str:
    """A notice's own title line (`2021년 자산형성지원사업 신규 가입자 모집 안내`): one of the first
    lines, ending in 안내/공고/알림/모집/공모; else its name field (`사 업 명 : …`); "" when it has none."""
    head = [_unbracketed(line.strip()) for line in lines[:_NOTICE_HEAD] if line.strip()]
    found = next((line for line in head if _NOTICE_END.search(line) and len(line) <= 80), "")
    if found and _BOARD_NAME.match(found):
        found = _after_board_name(lines, found)
    if found:
        return found.rsplit(" | ", 1)[-1]  # a record's `공고명 | …` row: the value, not the field
    named = (_NAME_FIELD.match(line) for line in lines[:_HEAD_LINES])
    found = next((m.group(1).strip() for m in named if m), "") or record_name(lines[:_HEAD_LINES])
    if found or not head:
        return found
    opening = _INTRODUCED_AS.match(normalise(head[0]))  # `… 의견 수렴을 다음과 같이 실시하고자 합니다.`
    if opening is None:  # `… 아래와 같이 정책연구용역과제를 공모하오니, …`
        opening = _INTRODUCED_AFTER.search(head[0][:_INTRO_REACH])
    return opening.group(1) if opening else ""


def _unbracketed(line: str) -> str:
    """`[2025년도 스포츠강좌이용권 지원사업 홍보]`: a title in brackets is the title."""
    return line[1:-1].strip() if line[:1] == "[" and line[-1:] == "]" and "]" not in line[1:-1] else line


def _after_board_name(lines: list[str], board: str) -> str:
    """`정부 R&D 사업공고` / `2013년도 A3 Foresight Program 신규과제`: the line after a board's name is
    the notice's title (within the first lines; "" when none is there)."""
    seen = False
    for line in (raw.strip() for raw in lines[:_BOARD_HEAD]):
        if seen and line:
            return line if _BOARD_TITLE_MIN <= len(line) <= 80 and not _DIGIT_LEAD.match(line) else ""
        seen = seen or line == board
    return ""


def find_plan_year(title: str, lines: list[str], doc_date: date | None) -> int | None:
    for text in (title, *lines[:_HEAD_LINES]):
        match = _PLAN_YEAR.search(normalise(text))
        if match:
            return int(match.group(1))
    if doc_date:
        return doc_date.year
    if _PROSE_TITLE.search(title):
        return None  # a text that opens on a sentence (an excerpt) has no title to take a year from
    own = _TITLE_YEAR.search(normalise(title))
    return int(own.group(1)) if own else None


_NAME_FIELD_YEAR = re.compile(
    r"^\s*[□○ㅇ◦·\-*▶]?\s*(?:과제명|사업명|공고명|과제\s명|사업\s명)\s?[:：]\s?((?:19|20)\d{2})\s?년(?:도)?\s"
)


def find_named_year(lines: list[str]) -> int | None:
    """`‘2016년도 정부창업지원사업(K-startup) 통합 설명회’를 연다`: the year of the event an undated news
    item is about; it places `3월 3일`, never `올해` (the item's own year is still unknown)."""
    named = (_QUOTED_NAME_YEAR.search(normalise(line)) for line in lines[:_NAMED_HEAD])
    found = next((int(m.group(1)) for m in named if m), None)
    if found is None:  # `- 2023년도 대전 평생교육 정책 아이디어 공모전`: a call named by its year
        own = _NAMED_NOTICE_YEAR.match(find_notice_title(lines))
        found = int(own.group(1)) if own else None
    if found is None:  # `□ 과제명 : 2015년 첨단과학교사연수센터 운영`: a call's name field (tenth pass)
        fields = (_NAME_FIELD_YEAR.match(normalise(line)) for line in lines[:_NAMED_HEAD])
        found = next((int(m.group(1)) for m in fields if m), None)
    return found


def make_plan_key(title: str, year: int | None, press: bool) -> str:
    words = [w.lower() for w in _SLUG_WORDS.findall(title)][:3]
    digest = hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
    parts = [str(year) if year else "", "press" if press else "plan", *words, digest]
    slug = "-".join(p for p in parts if p)
    slug = re.sub(r"[^a-z0-9-]+", "", slug)
    return slug[-48:].strip("-") or digest
