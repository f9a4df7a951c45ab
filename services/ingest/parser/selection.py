"""Which time expressions are milestones: budgets, statistics, baselines and names are not."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache

from .dates import TimeExpr
from .targets import has_count

_BUDGET = re.compile(r"\d[\d,.]*\s?(?:억|조|백만|천만)\s?원?|\d[\d,.]*\s?원(?![가-힣])")
_QUANTITY_BEFORE = re.compile(r"(?:\d[\d,.]*\s?(?:%|억원?|조원?|원|개교|개소|개|명|건|배)|%)\s?\(?\s?~?$")
_NAME_AFTER = re.compile(
    r"^\s?\)?\s?(?:도\s?)?(?:기준|대비|이전|이후|이래|에\s?비해|에\s?비하여|보다\s|제\s?\d+\s?[차회대기]|시행\s?계획|추진\s?계획|주요\s?업무|예산|노벨"
    r"|[가-힣]{1,6}상[,)]|본\s?예산|추경|[동하춘추]계\s|사업\s?(?:신청|예산|비\s))"
)
_CHAIN_BEFORE = re.compile(r"→\s?\(\s?$")
_FIGURE_AFTER = re.compile(r"\s?\)\s?\d[\d,.]*\s?(?:만|천|억|조|%|명|개|건|호|원)")
_PLAN_NAME_BEFORE = re.compile(r"(?:계획|전략|로드맵)\s?[(「]?$")
_GROUP_STOP = re.compile(r"[()→]|,\s|->")
_SEGMENT = re.compile(r",\s")
_PAREN = re.compile(r"[()]")
_HISTORY_AFTER = re.compile(
    r"\s?(?:추진|운영|시행|진행|지원|개최)\s?(?:중인|해\s?온|되어\s?온|돼\s?온|되고\s?있|해\s?왔|돼\s?왔|되어\s?왔)"
)
# `2021년부터 … 진행해 왔다`, `2019년부터 … 추진 중이며`: a start in the past told as history (or as
# what is under way now), anywhere before the sentence ends.
_HISTORY_VERB = re.compile(
    r"(?:해|되어|돼)\s?(?:왔|온)|(?:되고|하고)\s?있[다었]|(?:추진|진행|운영|시행|공사)\s?중(?:이며|이고|이다|인|에)"
)
_SENTENCE_END = re.compile(r"다[.\s]|다$")
_HISTORY_REACH = 200
# A bare year that names statistics (`2024년 해외직접투자 상세통계`), not a deadline.
# `2021년 주민참여예산 사업`, `2021년도 예산 편성`: the budget year a programme is for, not a deadline.
BUDGET_YEAR_AFTER = re.compile(r"\s?도?\s?(?:[가-힣]{1,8})?예산(?![가-힣]{0,2}\s?\d)")
_STATISTIC_AFTER = re.compile(r"[^.,()~]{0,16}?(?:통계|동향|추이)")
_DELIVERABLE_LATER = re.compile(r"(?:조성|구축|건립|완공|준공|개통|설치|완료|개발)(?:될|할|하는|을|를|\s)")
# `(’27년까지 25조원 투자)`: a sum to invest by a year is a target with its deadline, not a budget line.
_INVESTED_BY = re.compile(
    r"\s?(?:총\s?|누적\s?)?\d[\d,.]*\s?(?:억|조)\s?원?\s?(?:을|를\s)?(?:투자|투입)(?![가-힣])"
)
# `2025년 여성가족부는 … 강화하겠습니다`: the year sets the scene for an actor, it is no deadline.
_ACTOR_AFTER = re.compile(r"\s?[가-힣]{1,12}(?:부|처|청|원|시|도|군|구|위원회|공단|재단)(?:는|은)\s")
_QUOTE_OPEN = "‘“「『<"
_QUOTE_CLOSE = "’”」』>"
_DOC_NAME_END = re.compile(r"(?:계획|전략|방안|로드맵)\s?$")
# `… 2025년 신규 참여자를 아래와 같이 모집합니다`: a notice's opening sentence names the programme's
# year; the schedule follows below it (also `… 사업계획을 게시하오니 …`).
_INTRO_SENTENCE = re.compile(
    r"(?:아래|다음)(?:와|과)\s?같이|(?:게시|공고|알려\s?드리)(?:하)?오니|[가-힣]하오니"
)
# A sentence that reports what happened (`2020년에 … 4교가 선정되었다.`), told in the past tense.
_PAST_SENTENCE = re.compile(r"(?:었|였|했|았|됐)다\.?\s*$|(?:하였|되었)습니다\.?\s*$")
_DECIDED = re.compile(r"(?:기로|다고|라고)\s?(?:했|하였)(?:다|습니다)\.?\s*$")
# `예년에는 …, 올해는 …`: the current year as the topic set against other years, not a deadline
# (`올해 본격 착수한다`, `올해 안`, `올해 말까지` are).
_SCENE_YEAR_WORDS = ("올해", "금년")
# `2023년도 대전 평생교육 정책 아이디어 공모전`, `민선 8기 2024년도 역점사업으로`: a `YYYY년도` before a
# name is the year the thing belongs to (a plan, budget or contest year), not a deadline; a time word
# or particle after it (`2024년도까지`, `2024년도 중`, `2024년도 상반기`) keeps it.
_YEAR_OF_NAME = re.compile(r"(?:(?:19|20)\d{2}|'\d{2})\s?년도$")
_NAME_WORD_AFTER = re.compile(r"\s[「『‘“\"']?[가-힣A-Za-z]")
_TIME_WORD_AFTER = re.compile(
    r"\s?(?:까지|부터|중(?![가-힣])|내(?![가-힣])|말(?![가-힣])|초(?![가-힣])|에(?![가-힣])|이후|이전|목표"
    r"|완료|예정|상반기|하반기|[1-4]\s?분기)"
)
# `(공모명) 2021년 한국보육진흥원 혁신 아이디어 공모전`, `사업명 : 2025년 …`: a name field's year.
_NAME_FIELD_BEFORE = re.compile(r"(?:사\s?업\s?명|행\s?사\s?명|공\s?모\s?명|과\s?제\s?명)\s?[:：)]\s?$")
_TOPIC_AFTER = re.compile(r"(?:에)?는\s|로\s")
# `사업 신청이 이루어지는 올해 행정력을 집중`: this year as a noun a clause describes, not a deadline.
_CLAUSE_BEFORE = re.compile(r"[가-힣](?:는|던)\s$")


def paren_group(text: str, expr: TimeExpr) -> tuple[int, int] | None:
    """Span of the parentheses that enclose `expr`, if any (cached: asked for by several steps)."""
    return paren_span(text, expr.start, expr.end)


@lru_cache(maxsize=4096)
def paren_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    lo = max(0, start - 79)
    depth, open_at = 0, -1
    for m in reversed(list(_PAREN.finditer(text, lo, start))):
        if m.group(0) == ")":
            depth += 1
        elif depth == 0:
            open_at = m.start()
            break
        else:
            depth -= 1
    if open_at < 0:
        return None
    depth, limit = 0, min(len(text), end + 200)
    for m in _PAREN.finditer(text, end, limit):
        if m.group(0) == "(":
            depth += 1
        elif depth == 0:
            return open_at, m.end()
        else:
            depth -= 1
    return open_at, limit


def group_text(text: str, expr: TimeExpr) -> str:
    """The words that belong with the expression: its parentheses, or what follows it."""
    span = paren_group(text, expr)
    if span is not None:
        segment = _segment_of(text, span, expr)
        if segment.strip() != text[expr.start : expr.end].strip():
            return segment
        inner = text[span[0] + 1 : span[1] - 1]
        if inner.strip() != segment.strip():
            return inner
        tail = text[span[1] : span[1] + 30]
    else:
        tail = text[expr.end : expr.end + 30]
    stop = _GROUP_STOP.search(tail)
    return tail[: stop.start()] if stop else tail


def _segment_of(text: str, span: tuple[int, int], expr: TimeExpr) -> str:
    start, end = span[0] + 1, span[1] - 1
    for m in _SEGMENT.finditer(text, start, end):
        if m.start() < expr.start:
            start = m.end()
        elif m.start() >= expr.end:
            end = m.start()
            break
    return text[start:end]


def paren_text(text: str, expr: TimeExpr) -> str:
    span = paren_group(text, expr)
    return text[span[0] + 1 : span[1] - 1] if span else ""


def is_budget_only(group: str) -> bool:
    return bool(_BUDGET.search(group)) and not has_count(_BUDGET.sub("", group))


def _is_baseline(text: str, expr: TimeExpr) -> bool:
    after = text[expr.end : expr.end + 40].replace("->", "→")
    arrow = after.find("→")
    if arrow < 0 or "'" not in after[arrow:] or ("(" in after[:arrow] and ")" not in after[:arrow]):
        return False
    return any(
        c.isdigit() for c in after[:arrow]
    )  # `'25년 20개 → '26년 30개`; `'24 시범 → '25 확산` is a stage chain


def keep_year_expr(text: str, expr: TimeExpr) -> bool:
    """A bare year is a milestone only when it is not a statistic, budget, baseline or name."""
    before = text[max(0, expr.start - 14) : expr.start]
    if _QUANTITY_BEFORE.search(before) or _NAME_AFTER.match(text[expr.end : expr.end + 12]):
        return False
    if expr.starts is not None and BUDGET_YEAR_AFTER.match(text, expr.end):
        return False
    if _CHAIN_BEFORE.search(before) and _FIGURE_AFTER.match(text, expr.end):
        return False  # `주거급여 ('22) 135만 → ('24) 148만`: the figure a chain of periods reached
    if _scene_year(text, expr) or _in_intro_or_past_sentence(text, expr):
        return False
    if _year_of_a_name(text, expr):
        return False
    if expr.starts is not None and (
        _STATISTIC_AFTER.match(text, expr.end)
        or _in_quoted_name(text, expr)
        or _ACTOR_AFTER.match(text, expr.end)
    ):
        return False
    if _is_baseline(text, expr) or _names_a_document(paren_text(text, expr)):
        return False
    if not is_budget_only(group_text(text, expr)):
        return True
    if expr.starts is None and (_INVESTED_BY.match(text, expr.end) or funded_step(text, expr)):
        return True  # `(’27년까지 25조원 투자)`, `2027년까지 … 국비를 지원받으며`: a target, a funded period
    if expr.starts is None and _DELIVERABLE_LATER.search(text, expr.end, expr.end + 120):
        return True  # `2027년까지 94억 원이 투입되어 … 조성될 예정`: the money builds something by then
    whole = paren_text(text, expr)
    return has_count(whole) and not _other_expr_in(whole, text, expr)


def _scene_year(text: str, expr: TimeExpr) -> bool:
    """`올해는 온라인으로 대체하기로 하였다`, `올해로 열여섯 번째`: this year as the scene of the sentence,
    not a deadline."""
    word = text[expr.start : expr.end].strip()
    if word not in _SCENE_YEAR_WORDS:
        return False
    before = text[max(0, expr.start - 3) : expr.start]
    return _TOPIC_AFTER.match(text, expr.end) is not None or _CLAUSE_BEFORE.search(before) is not None


def _year_of_a_name(text: str, expr: TimeExpr) -> bool:
    """`2023년도 대전 평생교육 정책 아이디어 공모전`, `(공모명) 2021년 …`: the year names what the thing
    is of; it is not a date to track."""
    if _NAME_FIELD_BEFORE.search(text[max(0, expr.start - 8) : expr.start]):
        return True
    if not _YEAR_OF_NAME.search(text[expr.start : expr.end]):
        return False
    return _NAME_WORD_AFTER.match(text, expr.end) is not None and not _TIME_WORD_AFTER.match(text, expr.end)


def _in_intro_or_past_sentence(text: str, expr: TimeExpr) -> bool:
    """The sentence of the year (up to its `다.` / `니다.`) opens a notice or reports the past."""
    end = _SENTENCE_END.search(text, expr.end, expr.end + _HISTORY_REACH)
    sentence = text[expr.end : end.end() if end else min(len(text), expr.end + _HISTORY_REACH)]
    if _INTRO_SENTENCE.search(sentence):
        return True
    return end is not None and bool(_PAST_SENTENCE.search(sentence)) and not _DECIDED.search(sentence)


def _in_quoted_name(text: str, expr: TimeExpr) -> bool:
    """`‘2023년 충청북도 양성평등기금 사업’`: the year is part of a quoted name."""
    after = text[expr.end : expr.end + 80]
    if text[expr.start - 1 : expr.start] == "'" and text[expr.start : expr.start + 1] != "'":
        return after.find("'") > 1  # normalised quotes are apostrophes: `'2023년 … 사업'`
    before = text[max(0, expr.start - 30) : expr.start]
    opened = max(before.rfind(q) for q in _QUOTE_OPEN)
    if opened < 0 or any(q in before[opened:] for q in _QUOTE_CLOSE):
        return False
    closed = min((i for i in (after.find(q) for q in _QUOTE_CLOSE) if i >= 0), default=-1)
    # `“2028년 말 준공을 목표로 … 시작한다”고 밝혔다`: a saying quoted whole (it ends a sentence), no name
    return closed > 1 and not after[:closed].rstrip(" .").endswith("다")


def _in_quoted_plan_name(text: str, expr: TimeExpr) -> bool:
    """`‘2024~2028 청년정책 기본계획’`: a period inside the quoted name of a plan or strategy."""
    if not _in_quoted_name(text, expr):
        return False
    after = text[expr.end : expr.end + 80]
    closed = min((i for i in (after.find(q) for q in (*_QUOTE_CLOSE, "'")) if i >= 0), default=-1)
    return closed > 0 and _DOC_NAME_END.search(after[:closed]) is not None


def _told_as_history(text: str, expr: TimeExpr) -> bool:
    end = _SENTENCE_END.search(text, expr.end, expr.end + _HISTORY_REACH)
    stop = end.end() if end else min(len(text), expr.end + _HISTORY_REACH)
    return _HISTORY_VERB.search(text, expr.end, stop) is not None


def _names_a_document(text: str) -> bool:
    """Ends in 계획/전략/방안/로드맵 (only the tail is searched: the pattern ends the text)."""
    return _DOC_NAME_END.search(text, max(0, len(text) - 5)) is not None


def _other_expr_in(whole: str, text: str, expr: TimeExpr) -> bool:
    own = text[expr.start : expr.end]
    return "~" in whole.replace(own, "") or whole.replace(own, "").count("'") > 0


def keep_expr(text: str, expr: TimeExpr) -> bool:
    if expr.kind == "ongoing" and (_HISTORY_AFTER.match(text, expr.end) or _told_as_history(text, expr)):
        return False  # "'19년부터 추진 중인 …": how long something has run, not a milestone
    if expr.kind == "program" and _PLAN_NAME_BEFORE.search(text[max(0, expr.start - 6) : expr.start]):
        return False
    if expr.kind == "program" and _in_quoted_plan_name(text, expr):
        return False  # `‘2024~2028 청년정책 기본계획’에 따라`: the period names a plan
    if expr.grain == "year" and expr.kind == "deadline":
        return keep_year_expr(text, expr)
    return True


def is_inline(text: str, expr: TimeExpr) -> bool:
    return paren_group(text, expr) is None


# A year with its own completion target after it (`2028년 말 준공을 목표로`), or its own step gone
# through before the next date (`내년 설계를 거쳐 2018년 초 착공`), is a step, not context.
_OWN_TARGET = re.compile(
    r"\s?(?:[가-힣]{1,8}\s)?(?:준공|완공|개관|개통|착공)\s?(?:을|를)?\s?목표"
    r"|\s?[가-힣]{2,8}(?:을|를)\s(?:거쳐|마치고|마친\s뒤|끝내고)\s"
)
_TARGET_REACH = 24


def drop_attributive_years(text: str, exprs: list[TimeExpr], cuts: list[int]) -> list[TimeExpr]:
    """An inline bare year next to a more precise date of the same clause (`cuts`: where the
    clauses start) is context, not a milestone of its own."""
    precise = {bisect_right(cuts, e.start) for e in exprs if not (e.grain == "year" and e.kind == "deadline")}
    if not precise:
        return exprs
    kept: list[TimeExpr] = []
    for expr in exprs:
        plain_year = expr.grain == "year" and expr.kind == "deadline" and expr.starts is not None
        attributive = plain_year and bisect_right(cuts, expr.start) in precise and is_inline(text, expr)
        if attributive and _OWN_TARGET.match(text, expr.end, expr.end + _TARGET_REACH):
            attributive = False  # `2028년 말 준공을 목표로 내년 2월 … 공사를 시작`: two targets
        if attributive and not has_count(group_text(text, expr)):
            continue
        kept.append(expr)
    return kept


def is_budget_text(text: str) -> bool:
    return bool(_BUDGET.search(text))


def strip_budget(text: str) -> str:
    return _BUDGET.sub("", text)


# `올해부터 오는 2027년까지 3년간 매년 2억 원씩 총 6억 원의 국비를 지원받으며`: the step is the support by
# those funds (`국비 지원`), not the sums and years around it.
_FUNDED = re.compile(
    r"\s?(?:\d{1,2}\s?년간\s)?[^.,]{0,30}?(국비|도비|시비|사업비)(?:을|를)?\s지원(?:받|하|한)"
)


# `문화관광형시장 육성사업은 …하는 사업이다. … 2026년부터 2027년까지 … 사업비를 지원받게 된다`: the
# programme's funds; the programme is the topic the text named before the date.
_PROGRAMME_TOPIC = re.compile(r"(?<![가-힣])([가-힣]{2,12}\s)?([가-힣]{1,12}사업)(?:은|는)\s")
_TOPIC_REACH = 400


def funded_step(norm: str, expr: TimeExpr, before: Callable[[], str] = str) -> str:
    """`국비 지원` for `…까지 … 국비를 지원받으며`; `<programme> 지원` for its `사업비` (`before`: the
    paragraph's text ahead of the sentence, where the programme may be the topic; read only then)."""
    found = _FUNDED.match(norm, expr.end) if "지원" in norm else None
    if found is None:
        return ""
    if found.group(1) != "사업비":
        return f"{found.group(1)} 지원"
    text = f"{before()[-_TOPIC_REACH:]} {norm[max(0, expr.start - _TOPIC_REACH) : expr.start]}"
    topics = list(_PROGRAMME_TOPIC.finditer(text))
    name = "".join(part or "" for part in topics[-1].groups()).strip() if topics else ""
    return f"{name} 지원" if name else "사업비 지원"
