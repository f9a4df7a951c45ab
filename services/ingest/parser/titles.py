"""Clauses and titles: split a bullet into dated deliverables and clean each into a short title."""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

from .dates import TimeExpr
from .selection import paren_group

# Each pattern below opens with a lookahead over its possible first characters, so the scan can
# skip ahead (about twice as fast as trying every alternative at every position).
_SPLIT = re.compile(
    r"(?=[,\sŸ하→\-및후으로을를])(?:,\s+(?:\*+\s?)?|\s?Ÿ\s?|하고,?\s|하며,?\s|하여,?\s|→\s?|->\s?|\s/\s|(?<=\))\s?및\s?|(?<=\))\s?후\s"
    r"|(?<=\))(?:으로|로|을 통해|를 통해)\s|(?<=\))\s+(?=\([^()]{1,12}\)\s))"
)
_MEANS = re.compile(
    r"(?:위해|위하여|통해|통하여|바탕으로|중심으로|활용하여|활용해|도록|반영하여|따라"
    r"|추진해|확대해|대응해|연계해|협력해|과\s함께|와\s함께)\s"
)
_LEAD_TAG = re.compile(r"^(?:[\[(][^()\[\]]{1,25}[\])]\s?)+")
_QUOTE_PARTICLE = re.compile(r"(?<=['」\"”’])(?:도|을|를|이|가|과|와|의)(?=\s)")
# Left in front by a removed date: "2023년 대비 …", "'19년부터 추진 중인 …".
_BASELINE_LEAD = re.compile(r"^(?:대비|기준|이후|이래|(?:추진|운영|시행|진행|지원)\s?중인)\s")
_ONLY_PARENS = re.compile(r"^\(([^()]{2,12})\)$")
_MARKS = re.compile(r"\*+|[‘’“”\"']|^\s*[-·•▸:\u2460-\u2473\u2776-\u277f\u278a-\u2793]\s*")
_NOISE_PARENS = re.compile(r"\((?:[월화수목금토일]|\d{1,2}:\d{2}\s?~\s?\d{1,2}:\d{2}|\d+\s?(?:년|개월))\)")
_BUDGET_PHRASE = re.compile(
    r"(?=[총약\d])(?:총\s?|약\s?)?\d[\d,.]*\s?(?:억|조|백만)(?:\s?원)?(?!\s?원|\s?(?:이상|미만|이하|초과))\s?(?:규모의?|투입|투자|내외)?\s?"
)
_EMPTY_PARENS = re.compile(r"\(\s*[,/]?\s*\)|,\s*(?=\))|\(\s*,\s*")
_TRAILING = re.compile(
    r"(?:\s|[,.:;·~\-(]|\b등)+$|(?<=[가-힣」)])(?:을|를|은|는)$|(?<=[」)])(?:이|가|도|의|에|으로|로|과|와)$"
    r"|(?<=[가-힣」)])(?:하고|하며|하여)$|(?<=[가-힣」)])\s예정$"
)
_QUOTED = re.compile(r"'([^'\n]{2,30})'|\"([^\"\n]{2,30})\"|“([^“”\n]{2,30})”")
_AND_GLUED = re.compile(r"(?<=[\s」])및(?=[가-힣「])")
# "…을 위한 「이름」 …": the purpose in front of a quoted name is not part of the deliverable.
_PURPOSE_BEFORE_NAME = re.compile(r"^[^「」]{2,40}?위한\s?(?=「)")
_RUN_ON = 60
_BRACKET = re.compile(r"[(「\[『]")
_HAS_QUOTE = re.compile("['\"“”‘’]")
_DIGIT = re.compile(r"\d")
# Words that say what is done (not what): stripped to find a heading's subject.
_ACTION_WORDS = (
    "추진|지속|확대|강화|수립|마련|구축|운영|개선|지원|본격|본격화|신규|발족|개최|선정|신청|완료|면제|착수|실시"
    "|시행|도입|발표|개발|제정|신설|출범|검토|기획|보완|개편|조성|육성|확보|추가|활성화|촉진|제공|지정|개정"
    "|부여|발굴|투자|투입|포함|조사|확정|예타|롤링|점검|개시|고도화|재추진|체계화|안착|집중|확충"
    "|공모|공고|평가|통과|심사|승인|체결|접수|협약|고시|공포|착공|준공|개소|출시"
)
_ACTION_TAIL = re.compile(rf"(?:[\s·‧,]*(?<![가-힣A-Za-z])(?:{_ACTION_WORDS})(?:\s?및)?)+[\s·‧,]*$")
_ENDS_IN_ACTION = re.compile(rf"(?:{_ACTION_WORDS})$")
_LONGEST_ACTION = max(len(word) for word in _ACTION_WORDS.split("|"))
# `_TRAILING` matches end the text; the search starts this far from the end (see `_trim_trailing`).
_TAIL_WINDOW = 12
_ADNOMINAL = re.compile(
    r"(?:위한|통한|대한|관한|따른|향한|반영한|구성된|바꿀|[가-힣]{1,6}(?:하는|되는|있는|없는))\s?(?=\S)"
)
_NAME = re.compile(r"「[^「」]{2,30}」")
_TOKEN = re.compile(r"[^\s(]*\([^()]*\)[^\s(]*|\S+")
_COUNT_LEAD = re.compile(r"^\d[\d,.+]*\s?(?:개교|개소|개사|개|명|건|회)(?:로|으로)?\s")
_SUBJECT_WORDS = 3
# Compared without spaces ("향후 일정" is "향후일정").
_GENERIC_TAGS = frozenset(
    {"규모", "예시", "예", "例", "대상", "구성", "정의", "참고", "주요내용", "일정", "추진일정", "향후일정"}
)
_SHORT = 3
_PROSE_END = re.compile(
    r"\s?(?:할\s?|하는\s?)?(?:예정|계획)(?:이다|임)?\.?$|한다\.?$|된다\.?$|하겠다\.?$|다\.$"
)
# A quoted plan with its attribution: "…완비할 계획"이라고 밝혔다.
# Who speaks, in front of a quotation: `관계자는 "…`.
_SPEAKER = re.compile(r"^[^「\"“”]{1,30}?(?:은|는)\s?[\"“]\s?")
_ATTRIBUTION = re.compile(r"\s?[\"”'’」]?\s?(?:이?라고|고)\s?(?:밝혔다|말했다|설명했다|강조했다|전했다)\.?$")
_OBJECT = re.compile(r"(?<=[가-힣0-9A-Za-z」])(?:을|를)\s(?=\S+$)")
_PROSE_OBJECT = re.compile(r"(?<=[가-힣0-9A-Za-z」%])(?:을|를)\s")
_PROSE_VERB = {"시작으로": "시작", "추진할": "추진"}
_TOPIC = re.compile(r"^(.{2,30}?)(?:은|는)\s")
_CARRY_CONNECTORS = ("후",)
_MAX_TITLE = 80
_MAX_CLAUSE = 300
_MAX_LISTED = 25
_BUDGET_HINT = re.compile(r"\d\s?(?:억|조|백만|원)")
_NON_LETTER = re.compile(r"[^가-힣A-Za-z]")
_COUNT_WORD = re.compile(r"\d[\d,.+]*\s?(?:개교|개소|개사|개|명|건|회|종)")
_COUNT_TO = re.compile(r"^\d[\d,.]*\s?개로\s")


class Clause(NamedTuple):
    start: int
    end: int
    exprs: tuple[TimeExpr, ...]
    connector: str


def _depth_map(text: str) -> list[int]:
    depth, depths = 0, []
    for char in text:
        if char in "(「[『":
            depth += 1
        depths.append(depth)
        if char in ")」]』" and depth > 0:
            depth -= 1
    return depths


def split_points(text: str) -> list[tuple[int, int, str]]:
    found = [(m.start(), m.end(), m.group(0).strip()) for m in _SPLIT.finditer(text)]
    if not found or not _BRACKET.search(text):
        return found
    depths = _depth_map(text)
    return [point for point in found if depths[point[0]] == 0]


def clauses(text: str, exprs: list[TimeExpr]) -> list[Clause]:
    """Cut the text at top-level connectors, then give each dated piece its own clause."""
    pieces: list[tuple[int, int, str]] = []
    cursor, connector = 0, ""
    for start, end, word in split_points(text):
        pieces.append((cursor, start, connector))
        cursor, connector = end, word
    pieces.append((cursor, len(text), connector))
    out: list[Clause] = []
    ordered = sorted(exprs, key=lambda e: e.start)
    starts = [e.start for e in ordered]
    dated = {
        index for index, (s, e, _) in enumerate(pieces) if bisect_left(starts, e) > bisect_left(starts, s)
    }
    for index, (start, end, _word) in enumerate(pieces):
        inside = tuple(ordered[bisect_left(starts, start) : bisect_left(starts, end)])
        if inside:
            merged_start, merged_word = _absorb_listed(text, pieces, index, dated)
            out.extend(_split_multi(text, merged_start, end, inside, merged_word))
    return out


def _absorb_listed(
    text: str, pieces: list[tuple[int, int, str]], index: int, dated: set[int]
) -> tuple[int, str]:
    """Undated short items listed before a dated one ("A, B, C('25.3월)") share its date."""
    start, _, word = pieces[index]
    while index > 0 and word == "," and not text[start:].lstrip().startswith("("):
        prev_start, prev_end, prev_word = pieces[index - 1]
        piece = text[prev_start:prev_end]
        if len(piece) > _MAX_LISTED or _BUDGET_HINT.search(piece) or index - 1 in dated:
            break
        start, word, index = prev_start, prev_word, index - 1
    return start, word


def _split_multi(text: str, start: int, end: int, exprs: tuple[TimeExpr, ...], word: str) -> list[Clause]:
    result: list[Clause] = []
    for index, expr in enumerate(exprs):
        if index + 1 < len(exprs):
            span = paren_group(text, expr)
            cut = span[1] if span else exprs[index + 1].start
            cut = min(max(cut, expr.end), exprs[index + 1].start)
        else:
            cut = end
        result.append(Clause(start, cut, (expr,), word if index == 0 else ""))
        start = cut
    return result


def clause_start(text: str, clause: Clause) -> int:
    """Drop a leading purpose/means phrase ("…을 위해", "…을 통해") before the deliverable."""
    first = clause.exprs[0]
    span = paren_group(text, first)
    limit = span[0] if span else first.start
    start = clause.start
    for m in _MEANS.finditer(text, clause.start, limit):
        if len(text[m.end() : limit].strip()) >= 4 or not span:
            start = m.end()
    return start


def remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    out, cursor = [], 0
    for start, end in sorted(spans):
        if start >= cursor:
            out.append(text[cursor:start])
            cursor = end
    out.append(text[cursor:])
    return " ".join("".join(out).split())


def expr_spans(text: str, exprs: list[TimeExpr], lo: int, hi: int) -> list[tuple[int, int]]:
    """Spans (relative to `lo`) to cut from text[lo:hi]: each date with its own parentheses.
    `exprs` must be sorted by start."""
    spans = []
    first = _bisect_start(exprs, lo)
    for expr in exprs[first:]:
        if expr.start >= hi:
            break
        group = paren_group(text, expr)
        inside = group is not None and group[0] >= lo
        spans.append(group if inside and group else (expr.start, expr.end))
    return [(max(lo, s) - lo, min(hi, e) - lo) for s, e in spans]


def _bisect_start(exprs: list[TimeExpr], lo: int) -> int:
    low, high = 0, len(exprs)
    while low < high:
        mid = (low + high) // 2
        if exprs[mid].start < lo:
            low = mid + 1
        else:
            high = mid
    return low


def clean_title(raw: str, prose: bool = False) -> str:
    text = raw.strip()[:_MAX_CLAUSE]
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
        text = _EMPTY_PARENS.sub("", _NOISE_PARENS.sub("", _BUDGET_PHRASE.sub("", text)))
    elif _DIGIT.search(text):
        text = _BUDGET_PHRASE.sub("", text)
    text = _BASELINE_LEAD.sub("", " ".join(text.split()))
    text = _prose_tidy(text) if prose or text.endswith(("다", "다.")) else _OBJECT.sub(" ", text)
    for _ in range(3):
        trimmed = _balance(_trim_trailing(text).strip())
        if trimmed == text:
            break
        text = trimmed
    return text[:_MAX_TITLE].strip()


def _trim_trailing(text: str) -> str:
    """`_TRAILING.sub("", text)`, searching only the tail: a trailing run that reaches back past
    the window also matches at the window's start, and only then is the whole text searched."""
    pos = max(0, len(text) - _TAIL_WINDOW)
    found = _TRAILING.search(text, pos)
    if found and found.start() == pos and pos > 0:
        found = _TRAILING.search(text)
    return text[: found.start()] if found else text


def _ends_in_action_word(text: str) -> bool:
    return _ENDS_IN_ACTION.search(text, max(0, len(text) - _LONGEST_ACTION)) is not None


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


def _prose_tidy(text: str) -> str:
    quoted = _ATTRIBUTION.search(text)
    if quoted:
        text = text[: quoted.start()]
    text = _PROSE_END.sub("", text).strip()
    words = [_PROSE_VERB.get(w, w) for w in text.split()]
    text = " ".join(words)
    return _PROSE_OBJECT.sub(" ", text)


def full_title(text: str, clause: Clause, all_exprs: list[TimeExpr]) -> str:
    """The clause's title without dropping a leading purpose/means phrase."""
    raw = remove_spans(text[clause.start : clause.end], expr_spans(text, all_exprs, clause.start, clause.end))
    return clean_title(raw)


def title_for(text: str, clause: Clause, all_exprs: list[TimeExpr], prose: bool) -> str:
    start = clause_start(text, clause)
    piece = text[start : clause.end]
    raw = remove_spans(piece, expr_spans(text, all_exprs, start, clause.end))
    title = drop_means(clean_title(raw, prose))
    if not prose:
        title = _trim_run_on(text, clause, start, all_exprs, title)
    if len(title) >= 2:
        return title
    action = _ONLY_PARENS.match(raw.strip())  # "'25.3월(공고) → '25.5월(선정)"
    return action.group(1) if action else lead_tag(piece)


def drop_means(title: str) -> str:
    """A purpose/means phrase left in front of the deliverable ("신규사업 등을 통해 6개 … 착수")."""
    cut = 0
    for m in _MEANS.finditer(title):
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
    if not glued and len(title) <= _RUN_ON:
        return title
    head = clean_title(remove_spans(before, expr_spans(text, exprs, start, span[0])))
    return head if letters(head) >= 4 else title


def ends_in_action(title: str) -> bool:
    return _ends_in_action_word(title.strip())


def letters(text: str) -> int:
    return len(_NON_LETTER.sub("", text))


def needs_subject(title: str) -> bool:
    """A title that says what is done but not to what ("수요조사", "신규테마 3개 포함", "330개로 지원")."""
    if _NAME.search(title):
        return False
    bare = _COUNT_WORD.sub("", title)
    if letters(bare) <= 6 and _ends_in_action_word(bare.strip()):
        return True
    lead = _COUNT_LEAD.match(title)
    return (lead is not None and letters(title[lead.end() :]) <= 8) or bool(_COUNT_TO.match(title))


def subject_of(title: str, words: int = _SUBJECT_WORDS) -> str:
    """The thing a heading or bullet is about: its quoted name, or its last noun phrase without the
    purpose in front and the action words behind ("…을 위한 공학교육혁신센터 지원 확대" → "공학교육혁신센터")."""
    name = _NAME.search(title)
    if name:
        return name.group(0)
    text = _LEAD_TAG.sub("", title).strip()
    cut = 0
    for pattern in (_ADNOMINAL, _MEANS):
        for m in pattern.finditer(text):
            if letters(text[m.end() :]) >= 3:
                cut = max(cut, m.end())
    text = _ACTION_TAIL.sub("", text[cut:]).strip()
    if ", " in text or " 및 " in text:
        return ""
    text = _trim_trailing(text).strip()
    tokens = _TOKEN.findall(text)
    subject = " ".join(tokens[-words:]) if words else " ".join(tokens)
    return subject if letters(subject) >= 3 else ""


def with_subject(title: str, subject: str) -> str:
    """Put the subject in front, or, when the title already names one of its words ("39개 프로젝트
    착수" under "… 초격차 프로젝트"), widen that word with the words before it."""
    if not subject or title.startswith(subject):
        return title
    tokens = subject.split(" ")
    for index in range(len(tokens) - 1, -1, -1):
        word = tokens[index]
        if letters(word) >= 2 and re.search(rf"(?<![가-힣A-Za-z]){re.escape(word)}", title):
            lead = [t for t in tokens[max(0, index - 2) : index] if not _DIGIT.search(t)]
            return title.replace(word, " ".join([*lead, word]), 1) if lead else title
    return f"{subject} {title}"


def strip_topic(title: str) -> str:
    return _TOPIC.sub(lambda m: f"{m.group(1)} ", title, count=1)


def carried_subject(previous_title: str, previous: Clause | None, clause: Clause, prose: bool) -> str:
    """Subject of the previous deliverable when this clause continues it ("… 예타(…) 후 사업예산 확보")."""
    if previous is None or not previous_title:
        return ""
    if prose:
        topic = _TOPIC.match(previous_title)
        return topic.group(1) if topic else ""
    if previous.exprs[0].kind == "program":
        return previous_title
    if clause.connector not in _CARRY_CONNECTORS:
        return ""
    return subject_of(previous_title, 0) or previous_title.split(" ")[0]
