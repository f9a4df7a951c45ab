"""Subjects: what a title is about, and a subject for a title that names only an action."""

from __future__ import annotations

import re
from functools import lru_cache

from .clauses import MEANS, Clause
from .titles import letters, trim_trailing, without_lead_tag

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
_ADNOMINAL = re.compile(
    r"(?:위한|통한|대한|관한|따른|향한|반영한|구성된|바꿀|[가-힣]{1,6}(?:하는|되는|있는|없는))\s?(?=\S)"
)
_NAME = re.compile(r"「[^「」]{2,30}」")
_TOKEN = re.compile(r"[^\s(]*\([^()]*\)[^\s(]*|\S+")
_COUNT_LEAD = re.compile(r"^\d[\d,.+]*\s?(?:개교|개소|개사|개|명|건|회)(?:로|으로)?\s")
_COUNT_WORD = re.compile(r"\d[\d,.+]*\s?(?:개교|개소|개사|개|명|건|회|종)")
_COUNT_TO = re.compile(r"^\d[\d,.]*\s?개로\s")
_SUBJECT_WORDS = 3
_TOPIC = re.compile(r"^(.{2,30}?)(?:은|는)\s")
_ACTOR = re.compile(r"(?:부|처|청|위원회|정부|당국|관계자)$")
_CARRY_CONNECTORS = ("후",)
_DIGIT = re.compile(r"\d")


def ends_in_action(title: str) -> bool:
    return _ends_in_action_word(title.strip())


def _ends_in_action_word(text: str) -> bool:
    return _ENDS_IN_ACTION.search(text, max(0, len(text) - _LONGEST_ACTION)) is not None


@lru_cache(maxsize=4096)
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
    text = without_lead_tag(title).strip()
    cut = 0
    for pattern in (_ADNOMINAL, MEANS):
        for m in pattern.finditer(text):
            if letters(text[m.end() :]) >= 3:
                cut = max(cut, m.end())
    text = _ACTION_TAIL.sub("", text[cut:]).strip()
    if ", " in text or " 및 " in text:
        return ""
    text = trim_trailing(text).strip()
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
    """`X는 …` → `X …`; an actor as topic (`과기정통부는 …`) is not part of the deliverable."""
    return _TOPIC.sub(lambda m: "" if _ACTOR.search(m.group(1)) else f"{m.group(1)} ", title, count=1)


def carried_subject(previous_title: str, previous: Clause | None, clause: Clause, prose: bool) -> str:
    """Subject of the previous deliverable when this clause continues it ("… 예타(…) 후 사업예산 확보")."""
    if previous is None or not previous_title:
        return ""
    if prose:
        topic = _TOPIC.match(previous_title)
        return topic.group(1) if topic and not _ACTOR.search(topic.group(1)) else ""
    if previous.exprs[0].kind == "program":
        return previous_title
    if clause.connector not in _CARRY_CONNECTORS:
        return ""
    return subject_of(previous_title, 0) or previous_title.split(" ")[0]
