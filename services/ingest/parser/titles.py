"""Titles: a clause cleaned into the deliverable an officer would write in a tracker."""

from __future__ import annotations

import re
from functools import lru_cache

from .clauses import MEANS, Clause, clause_start, expr_spans, remove_spans
from .dates import TimeExpr, find_time_exprs
from .prose import held_name
from .selection import paren_group
from .textnorm import normalise

_LEAD_TAG = re.compile(r"^(?:[\[(][^()\[\]]{1,25}[\])]\s?)+")
_QUOTE_PARTICLE = re.compile(r"(?<=['」\"”’])(?:도|을|를|이|가|과|와|의)(?=\s)")
# Left in front by a removed date: "2023년 대비 …", "'19년부터 추진 중인 …", "(하반기)에는 …".
_BASELINE_LEAD = re.compile(
    r"^(?:대비|기준|이후|이래|(?:추진|운영|시행|진행|지원)\s?중인|에는|에도|에|중에?|부터|까지)\s"
)
# "또한 …", "아울러 …": sentence connectives are not part of a deliverable.
_CONNECTIVE_LEAD = re.compile(
    r"^(?:또한|아울러|특히|한편|이와 함께|더불어|나아가|우선|먼저|이어|향후|앞으로)\s?,?\s"
)
_ONLY_PARENS = re.compile(r"^\(([^()]{2,12})\)$")
_MARKS = re.compile(r"\*+|[‘’“”\"']|^\s*[-·•▸:\u2460-\u2473\u2776-\u277f\u278a-\u2793]\s*")
_NOISE_PARENS = re.compile(r"\((?:[월화수목금토일]|\d{1,2}:\d{2}\s?~\s?\d{1,2}:\d{2}|\d+\s?(?:년|개월))\)")
# Opens with a lookahead over its first characters, so the scan can skip ahead.
_BUDGET_PHRASE = re.compile(
    r"(?=[총약\d])(?:총\s?|약\s?)?\d[\d,.]*\s?(?:억|조|백만)(?:\s?원)?(?!\s?원|\s?(?:이상|미만|이하|초과))\s?(?:규모의?|투입|투자|내외)?\s?"
)
# `행정안전부(장관 진영)`, `포천시(시장 백영현)`: the head of the body named in a release, not the step.
_HEAD_OF_BODY = re.compile(
    r"\s?\((?:장관|차관|시장|군수|구청장|청장|도지사|교육감|총장|원장|이사장|위원장|사장|대표)\s?[가-힣]{2,4}\)"
)
# `군산시장(참조 : 총무과장, 063-450-4238, fax :063-450-4345) 에게`: a contact in parentheses is a remark.
_CONTACT_PARENS = re.compile(r"\s?\([^()]{0,40}?\d{2,4}-\d{3,4}-\d{4}[^()]{0,40}\)\s?")
# `사업검토(추진가능성 등)`: examples in parentheses at a title's end are an aside, not the step.
_EXAMPLES_TAIL = re.compile(r"(?<=[가-힣])\s?\([^()]{1,20}\s등\)$")
# `출범을 2020년 10월 5일에서 2020년 10월 12일로 1주일 연기`: with both dates removed, `에서 로 … 연기` is
# left; the step is what moves to the new date (`… 출범`).
_MOVED_LEFT = re.compile(r"\s?에서\s?로\s?(?:\d{1,2}\s?(?:주일|주|일|개월)\s?)?(?:연기|변경|조정|연장|단축)$")
_EMPTY_PARENS = re.compile(r"\(\s*[,/]?\s*\)|,\s*(?=\))|\(\s*,\s*")
_TRAILING = re.compile(
    r"(?:\s|[,.:;·~\-(]|\b등)+$|(?<=[가-힣」)])(?:을|를|은|는)$|(?<=[」)])(?:이|가|도|의|에|으로|로|과|와)$"
    r"|(?<=[가-힣」)])(?:하고|하며|하여)$|(?<=[가-힣」)])\s예정$|(?<=[가-힣]{2})될$"
    r"|(?<=[가-힣」)])\s(?:이며|이고)$"
)
# `사업 기간은 2024년부터 2028년까지이며,` → `… 이며`: the copula of the date taken out stands alone.
# `… 최종 확정될 (예정이다)`: the passive ending of what is planned (`확정될` → `확정`) is no part of the step.
# `_TRAILING` matches end the text; the search starts this far from the end (see `trim_trailing`).
_TAIL_WINDOW = 12
_QUOTED = re.compile(r"'([^'\n]{2,30})'|\"([^\"\n]{2,30})\"|“([^“”\n]{2,30})”")
_AND_GLUED = re.compile(r"(?<=[\s」])및(?=[가-힣「])")
# "…을 위한 「이름」 …": the purpose in front of a quoted name is not part of the deliverable.
_PURPOSE_BEFORE_NAME = re.compile(r"^[^「」]{2,40}?위한\s?(?=「)")
# A title longer than this is a run-on sentence, not a deliverable.
RUN_ON = 60
# A listed subject (`B노선`, `서울`): a short name with no digits; after its date only the list goes on.
_LISTED_SUBJECT = re.compile(r"[가-힣A-Za-z·]{2,12}")
_HEAD_START = re.compile(r",\s|(?:하고|하며|하여|및)\s|→\s?")
_HEAD_REACH = 30
# `(2차) `, `[12차] ` right before a date; the line's own label in front of its colon.
_ROUND_BEFORE = re.compile(r"[(\[]\s?(제?\s?\d{1,2}\s?[차회기])\s?[)\]]\s?$")
_TOPIC_LABEL = re.compile(r"^[^가-힣A-Za-z0-9]*([가-힣][가-힣 ]{1,30}?)(?:은|는)\s?(?=\[)")
_LINE_LABEL = re.compile(r"^[^가-힣A-Za-z0-9]*([가-힣][가-힣 ]{1,30}?)\s?:")
# `합격발표: . 종로사랑`, `작품 심사(.(예정))`: the dot of a removed date, left alone.
_ORPHAN_DOT = re.compile(r"(?<=[:(])\s?\.(?=\s|\(|$)|\s\.(?=\s)")
_NOTE_AFTER = re.compile(r"\s(?:※|\*{1,3}\s)")
_HAS_QUOTE = re.compile("['\"“”‘’]")
_DIGIT = re.compile(r"\d")
# Compared without spaces ("향후 일정" is "향후일정").
_GENERIC_TAGS = frozenset(
    {"규모", "예시", "예", "例", "대상", "구성", "정의", "참고", "주요내용", "일정", "추진일정", "향후일정"}
)
_SHORT = 3
_PROSE_END = re.compile(
    r"\s?(?:할\s?|하는\s?)?(?:예정|계획|방침)(?:이다|임|입니다)?\.?$|한다\.?$|된다\.?$|하겠다\.?$|입니다\.?$|\s?(?:하셔야|해야|하여야)\s?합니다\.?$"
    r"|\s이다\.?$|다\.$"  # `접수는 다음달 20~27일이다.`: the copula the removed date leaves alone
)
# Who speaks, in front of a quotation (`관계자는 "…`), and the attribution after it ("…"이라고 밝혔다).
_SPEAKER = re.compile(r"^[^「\"“”]{1,30}?(?:은|는)\s?[\"“]\s?")
_ATTRIBUTION = re.compile(
    r"\s?[\"”'’」]?\s?(?:이?라고|고)\s?(?:[1-3]?\d일\s?)?(?:밝혔다|말했다|설명했다|강조했다|전했다)\.?$"
)
_OBJECT = re.compile(r"(?<=[가-힣0-9A-Za-z」])(?:을|를)\s(?=\S+$)")
_PROSE_OBJECT = re.compile(r"(?<=[가-힣0-9A-Za-z」%])(?:을|를)\s")
_PROSE_VERB = {"시작으로": "시작", "추진할": "추진"}
_MAX_TITLE = 80
_THROUGH = re.compile(r"거쳐\s")
# `선정 결과를 구로평생학습관 홈페이지에 발표`: where a result is posted is no part of the step.
_VENUE = re.compile(r"(?:^|\s)(?:[가-힣A-Za-z]{1,20}\s)?(?:홈페이지|누리집)(?:에서|에|를 통해|을 통해)\s")
MAX_CLAUSE = 300
_NON_LETTER = re.compile(r"[^가-힣A-Za-z]")


def clean_title(raw: str, prose: bool = False) -> str:
    text = raw.strip()[:MAX_CLAUSE]
    if _HAS_QUOTE.search(text):
        text = _SPEAKER.sub("", text)
    if text[:1] in "([":
        text = _LEAD_TAG.sub("", text)
    if _HAS_QUOTE.search(text):
        text = _QUOTE_PARTICLE.sub("", text)
        text = _QUOTED.sub(lambda m: f"「{m.group(1) or m.group(2) or m.group(3)}」", text)
    text = _MARKS.sub("", text).replace("Ÿ", ":")
    if "및" in text:
        text = _AND_GLUED.sub("및 ", text)
    if "위한" in text:
        text = _PURPOSE_BEFORE_NAME.sub("", text)
    if "(" in text:
        text = _HEAD_OF_BODY.sub("", text)
        if "-" in text:
            text = _CONTACT_PARENS.sub("", text)
        if text.endswith("등)"):
            text = _EXAMPLES_TAIL.sub("", text)
        text = _EMPTY_PARENS.sub("", _NOISE_PARENS.sub("", _BUDGET_PHRASE.sub("", text)))
    elif _DIGIT.search(text):
        text = _BUDGET_PHRASE.sub("", text)
    text = _BASELINE_LEAD.sub("", _CONNECTIVE_LEAD.sub("", " ".join(text.split())))
    if " ." in text or "(." in text:
        text = _ORPHAN_DOT.sub("", text)
    text = _prose_tidy(text) if prose or text.endswith(("다", "다.")) else _OBJECT.sub(" ", text)
    if "에서 로" in text:
        text = _MOVED_LEFT.sub("", text)
    for _ in range(3):
        trimmed = _balance(trim_trailing(text).strip())
        if trimmed == text:
            break
        text = trimmed
    return text[:_MAX_TITLE].strip()


def trim_trailing(text: str) -> str:
    """`_TRAILING.sub("", text)`, searching only the tail: a trailing run that reaches back past
    the window also matches at the window's start, and only then is the whole text searched."""
    pos = max(0, len(text) - _TAIL_WINDOW)
    found = _TRAILING.search(text, pos)
    if found and found.start() == pos and pos > 0:
        found = _TRAILING.search(text)
    return text[: found.start()] if found else text


def _balance(text: str) -> str:
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip()
    return text


def lead_tag(raw: str) -> str:
    match = _LEAD_TAG.match(raw.strip())
    tag = match.group(0).strip()[1:-1].strip() if match else ""
    return "" if tag.replace(" ", "") in _GENERIC_TAGS or "'" in tag else tag


def is_short(title: str) -> bool:
    return letters(title) <= _SHORT


# `은평구는 … 서류접수를 진행한다고 밝혔다`: the body that announces is no part of the step, nor is the
# light verb `진행` after a step's name (`서류접수`).
_ACTOR_DOES = re.compile(
    r"^(?:[가-힣]{2,10}(?:시|군|구|도|부|청|처)(?:는|은)?\s)?(?:오는\s)?"
    r"([가-힣]{2,10}(?:접수|신청|모집|심사|설명회|교육|투표))\s진행$"
)


def _prose_tidy(text: str) -> str:
    quoted = _ATTRIBUTION.search(text)
    if quoted:
        text = text[: quoted.start()]
    if "홈페이지" in text or "누리집" in text:
        text = _VENUE.sub(" ", text)
    text = _PROSE_END.sub("", text).strip()
    held = held_name(text) if "열" in text or "개최" in text else ""
    if held:
        return held
    words = [_PROSE_VERB.get(w, w) for w in text.split()]
    text = _PROSE_OBJECT.sub(" ", " ".join(words))
    return _ACTOR_DOES.sub(r"\1", text) if text.endswith("진행") else text


def full_title(text: str, clause: Clause, all_exprs: list[TimeExpr]) -> str:
    """The clause's title without dropping a leading purpose/means phrase (a procedure gone through,
    `서류 심사와 심의위원회를 거쳐`, is dropped: it never names what the step is about)."""
    raw = remove_spans(text[clause.start : clause.end], expr_spans(text, all_exprs, clause.start, clause.end))
    title = clean_title(raw)
    found = _THROUGH.search(title) if "거쳐" in title else None
    return title[found.end() :] if found and letters(title[found.end() :]) >= 4 else title


# `… 주재로 오는 18일부터 30일까지 실시된다`: `오는` (coming) belonged to the date that was removed.
_COMING = re.compile(r"(?<![가-힣])오는(?=\s|$)\s?")
# `2025. 7. 18.(금) 9~17시`: the hours of a day, left over once its date is removed.
_HOURS = re.compile(r"(?<![\d.])\.?\s?\d{1,2}\s?~\s?\d{1,2}\s?시(?![가-힣])")


# `… 2022년 5월 25일까지 … 의견서를 작성하여 …장에게 제출하여 주시기 바랍니다`: the request's own verb,
# later in the sentence than the clause the date is in; so is a reported plan's (`오는 10일 … 성과자료집
# '…, …'를 발간한다고 3일 밝혔다`).
_REQUESTED = re.compile(
    r"(제출|신청|접수|등록)(?:하여|해)\s?주시기\s?바(?:랍니다|라며)|(제출|신청|등록)하시기\s?바랍니다"
    r"|[을를]\s([가-힣]{2})한다고\s(?:[1-3]?\d일\s)?(?:밝혔|말했|전했)"
)
_REQUEST_REACH = 240
_PREPARED_END = re.compile(r"(?:작성|기재|첨부)$")


def _requested_action(text: str, clause: Clause, title: str) -> str:
    """The title with the action a request sentence asks for, when the dated clause stops short of it."""
    window = text[clause.end : clause.end + _REQUEST_REACH]
    cut = window.find("다.")
    found = _REQUESTED.search(window, 0, cut + 1 if cut >= 0 else len(window))
    if found is None:
        return title
    action = found.group(1) or found.group(2) or found.group(3)
    if action in title:
        return title
    return f"{title}·{action}" if _PREPARED_END.search(title) else f"{title} {action}"


def title_for(text: str, clause: Clause, all_exprs: list[TimeExpr], prose: bool) -> str:
    title = _title_for(text, clause, all_exprs, prose)
    return _requested_action(text, clause, title) if len(title) >= 2 else title


def _title_for(text: str, clause: Clause, all_exprs: list[TimeExpr], prose: bool) -> str:
    listed = _listed_title(text, clause.exprs[0]) or _round_title(text, clause.exprs[0])
    if listed:
        return listed
    start = _sentence_start(text, clause_start(text, clause), clause.exprs[0].start)
    end = _note_start(text, clause.exprs[0].end, clause.end)
    piece = text[start:end]
    raw = remove_spans(piece, expr_spans(text, all_exprs, start, end))
    if "오는" in raw:
        raw = _COMING.sub("", raw)
    if "시" in raw:
        raw = _HOURS.sub("", raw)
    title = drop_means(clean_title(raw, prose))
    if not prose:
        title = _trim_run_on(text, clause, start, all_exprs, title)
    if len(title) >= 2:
        return title
    action = _ONLY_PARENS.match(raw.strip())  # "'25.3월(공고) → '25.5월(선정)"
    return action.group(1) if action else lead_tag(piece)


def _listed_title(text: str, expr: TimeExpr) -> str:
    """`적기 개통(B노선 '30년, C노선 '28년)`: a parenthesised list of subjects with their own dates
    gives one item per subject, titled by the subject and the words before the parentheses."""
    span = paren_group(text, expr)
    if span is None or text.find(",", span[0], span[1]) < 0:
        return ""
    cut = max(text.rfind(",", span[0], expr.start), span[0])
    subject = text[cut + 1 : expr.start].strip()
    after = text.find(",", expr.end, span[1])
    rest = text[expr.end : after if after >= 0 else span[1] - 1].strip()
    if rest or not _LISTED_SUBJECT.fullmatch(subject):
        return ""
    window = text[max(0, span[0] - _HEAD_REACH) : span[0]]
    starts = [m.end() for m in _HEAD_START.finditer(window)]
    head = clean_title(window[starts[-1] :] if starts else " ".join(window.split()[-2:]))
    return f"{subject} {head}" if letters(head) >= 2 else ""


def _round_title(text: str, expr: TimeExpr) -> str:
    """`자진신고 기간 : (1차) 5. 1. ~ 6. 30. (2차) 9. 1. ~ 10. 31.`: a labelled line that gives a date
    per round; each round is an item titled by its round and the line's label (`2차 자진신고 기간`),
    or its topic before a bracketed list (`심의 신청은 [ [11차] 5. 28. / [12차] 6. 11.] 18:00까지`)."""
    tag = _ROUND_BEFORE.search(text, max(0, expr.start - 12), expr.start)
    label = (_LINE_LABEL.match(text) or _TOPIC_LABEL.match(text)) if tag else None
    if tag is None or label is None or label.end() > tag.start():
        return ""
    return f"{tag.group(1)} {' '.join(label.group(1).split())}"


def _sentence_start(text: str, lo: int, hi: int) -> int:
    """`… 개발하여 배포한다. PDF 파일 … 8. 19.(수)까지 배포될 예정`: the title starts in the date's
    own sentence, not in the one before it."""
    end = text.rfind("다. ", lo, hi)
    return end + 3 if end >= 0 else lo


def _note_start(text: str, lo: int, hi: int) -> int:
    """`선정자 발표 : 2025. 11. 4.(화) 예정 ※ 발표일정은 … 변동될 수 있음`: a `※` / `*` note after the
    date is a remark on it, not part of the deliverable."""
    note = _NOTE_AFTER.search(text, lo, hi)
    return note.start() if note else hi


def drop_means(title: str) -> str:
    """A purpose/means phrase left in front of the deliverable ("신규사업 등을 통해 6개 … 착수")."""
    cut = 0
    for m in MEANS.finditer(title):
        if letters(title[m.end() :]) >= 4:
            cut = m.end()
    return title[cut:] if cut else title


def _trim_run_on(text: str, clause: Clause, start: int, exprs: list[TimeExpr], title: str) -> str:
    """End the title at the date's parentheses when the words before them are the deliverable and
    what follows is another undated clause ("…을 발표하고(10.17일) AI를 … 추진")."""
    span = paren_group(text, clause.exprs[0])
    if span is None or span[1] >= clause.end:
        return title
    before = text[start : span[0]].rstrip()
    glued = before.endswith(("하고", "하며", "하여"))
    if not glued and len(title) <= RUN_ON:
        return title
    head = clean_title(remove_spans(before, expr_spans(text, exprs, start, span[0])))
    return head if letters(head) >= 4 else title


@lru_cache(maxsize=4096)
def letters(text: str) -> int:
    """Letters in `text` (asked of the same titles several times: kept per document)."""
    return len(_NON_LETTER.sub("", text))


def without_lead_tag(text: str) -> str:
    """The text without its leading `(tag)` / `[tag]` labels."""
    return _LEAD_TAG.sub("", text)


def undated(text: str) -> str:
    """The text with its time expressions (and their parentheses) removed."""
    norm = normalise(text)
    exprs = find_time_exprs(norm, None, 2000)
    return remove_spans(norm, expr_spans(norm, exprs, 0, len(norm)))
