"""Physical-line classification: bullet/heading style, marker stripping, wrap heuristics."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from .textnorm import normalise

HEADING_STYLES = frozenset(
    {"roman", "annex", "ref", "dotnum", "letter", "num", "circled", "part", "unmarked"}
)
BULLET_STYLES = frozenset({"box", "circle", "dash", "enum", "note"})

_STYLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("caption", re.compile(r"^[<〈＜《].*[>〉＞》]$")),
    ("roman", re.compile(r"^(?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|(?:IX|IV|VI{0,3}|I{1,3}|X))\s?[.．]\s*\S")),
    ("annex", re.compile(r"^(?:\[\s?(?:별첨|붙임|첨부)[^\]]{0,20}\]|(?:별첨|붙임)\s?\d{0,2}(?:\s|$))")),
    ("ref", re.compile(r"^참고\s?\d{0,2}\s+\S")),
    ("dotnum", re.compile(r"^\d{1,2}\s?[.．]\s+[^\d\s]")),
    ("letter", re.compile(r"^[가나다라마바사아자차카타파하]\s?[.．)]\s+\S")),
    ("num", re.compile(r"^(?:전략\s?)?\d{1,2}\s+[(\[가-힣A-Za-z]")),
    ("circled", re.compile(r"^[\u278a-\u2793]")),
    ("box", re.compile(r"^[□■◆◇▣❑▢◻◼]")),
    ("circle", re.compile(r"^(?:[ㅇ○◦●◯]|o(?=\s))")),
    ("enum", re.compile(r"^[\u2776-\u277f\u2460-\u2473]")),
    ("note", re.compile(r"^(?:\*{1,3}|※)")),
    ("dash", re.compile(r"^(?:[-–—▸▶►Ÿ•∙➢]|[v✔✓](?=\s))")),
)
_MARKER = re.compile(r"^(?:[□■◆◇▣❑▢◻◼ㅇ○◦●◯]|o(?=\s)|\*{1,3}|※|[-–—▸▶►Ÿ•∙➢]|[v✔✓](?=\s))\s*")
_PART_LINE = re.compile(
    r"^(?:19|20)\d{2}년도?\s?(?:주요\s?)?(?:추진\s?)?(?:실적|성과|시행\s?계획|추진\s?계획|계획)"
)
_TIME_HINT = re.compile(r"'\s?\d{2}|(?:19|20)\d{2}[년.]|\d{1,2}월|[上下]|[상하]반기|분기|까지")
_DOTNUM_SENTENCE = 60  # a numbered line longer than this with a date in it is a sentence, not a heading
_INCOMPLETE_END = re.compile(
    r"(?:[을를이가은는에의와과도로,·ㆍ‧(\-~→]|및|등|으로|하고|하여|하며|통해|위한|위해|대한|따라|\d|년|월|상반기|하반기)$"
)
_LABELLED_DATE = re.compile(r"[:：]\s?(?:'\d{2}|(?:19|20)\d{2}|\d{1,2}\s?월)")
_CLOCK_END = re.compile(r"\d{1,2}:\d{2}$")
# A line that ends in a whole ISO date (`수정일` / `2017-08-08`) is a board's field value, not a number
# cut short; a `~` after a syllable that is no date unit (`놓치지 마세요~`) is a flourish, not a range.
_ISO_END = re.compile(r"(?<![\d\-])(?:19|20)\d{2}-\d{2}-\d{2}$")
_DATE_UNITS = "년월일기주차"
_PROSE_WIDTH = 120
_SENTENCE_WIDTH = 60
_CELL_GAP = re.compile(r"\s*\t\s*| {2,}")
_LONGEST_END = 3  # 상반기, 하반기: `_INCOMPLETE_END` looks only this far back
_CREDIT = re.compile(r"[(\[][가-힣]{1,8}\s?=\s?[^)\]]{1,20}[)\]]")
_CONT_START = re.compile(
    r"^(?:[(\[「『)]|및\s|등\s|관련\s|하고|하여|하며|으로|로\s|까지|부터|[을를이가은는의에과와도]\s|후\s)"
)
# Meta lines: a whole-line form (ministry name, `^배포`, session number) or a label anywhere (a label, not
# a sentence's noun: `담당부서나 … 접수하면 됩니다`, `담당자에게 제출`). The
# labels are one alternation of literal-led words, so the engine can skip ahead to their first letters.
_META_LINE = re.compile(r"^(?:[가-힣]{2,10}(?:부|처|청|위원회)$|배포|\(?제\s?\d+\s?회\)?$)")
_META_LABEL = re.compile(
    r"보도시점|보도일시|배포일시|제\s?출\s?자|연월일|의안번호|담당\s?부서(?![가-힣])|담당과장|담당자(?![가-힣])|책임자|연락처(?![가-힣])|전\s?화\s?:|E-?mail"
    r"|기사입력|게시기간|게시일|조간|석간|공고일시|공고일자"
    r"|승인\s?(?:19|20)\d{2}[.\-/]|송고\s?(?:19|20)\d{2}[.\-/]|기준\s?[:：]\s?(?:19|20)\d{2}"
    r"|\(사진\s?=|재판매\s?및\s?DB\s?금지"
)
# `지구빵집 2018. 1. 24. 14:23`: a post's author and its time stamp, nothing else on the line.
# `관리자 2019-01-31 1391`: a board row of the author, the date and the view count.
_BYLINE = re.compile(
    r"^[가-힣A-Za-z]{2,12}\s(?:(?:19|20)\d{2}\.\s?\d{1,2}\.\s?\d{1,2}\.?\s\d{1,2}:\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}\s[\d,]{1,9})$"
)
_META_SENTENCE = 200
_REQUEST_END = re.compile(r"(?:바랍니다|바라며|합니다)[.,]?\s")
_ONLY_DATE = re.compile(
    r"^[<(]?\s*(?:19|20)\d{2}\.\s?\d{1,2}\.?(?:\s?\d{1,2}\.?)?\s*(?:\([월화수목금토일]\))?.{0,12}[>)]?$"
)


# One alternation tried in the order above: the first style whose pattern matches wins.
_STYLE_ANY = re.compile("|".join(f"(?P<{name}>{pattern.pattern})" for name, pattern in _STYLE_PATTERNS))


class _Widths(dict[str, int]):
    """Per-character display width, computed once per distinct character."""

    def __missing__(self, char: str) -> int:
        width = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        self[char] = width
        return width


_WIDTHS = _Widths()


class PhysLine(NamedTuple):
    number: int
    raw: str
    style: str
    content: str
    meta: bool


def at_least_wide(text: str, width: int) -> bool:
    """display_width(text) >= width, without counting when the length decides (1 to 2 columns a char)."""
    if len(text) >= width:
        return True
    return 2 * len(text) >= width and display_width(text) >= width


def display_width(text: str) -> int:
    return sum(map(_WIDTHS.__getitem__, text))


def classify(number: int, raw: str) -> PhysLine:
    text = raw.strip()
    found = _STYLE_ANY.match(text)
    style = (found.lastgroup or "plain") if found else "plain"
    if style == "num" and (len(text) > 50 or _TIME_HINT.search(normalise(text))):
        style = "plain"
    if style == "dotnum" and len(text) > _DOTNUM_SENTENCE and _TIME_HINT.search(normalise(text)):
        style = "plain"  # `2. 아울러, … 2024. 6. 3.(월)까지 의견수렴서를 제출하여 …`: a sentence
    if style == "letter" and (len(text) > 60 or _LABELLED_DATE.search(normalise(text))):
        style = "plain"  # a wrapped sentence's "다. …", or a notice's `가. 모집시기 : 2021.10.1.` item
    if style == "plain" and _PART_LINE.match(text) and len(text) <= 30:
        style = "part"
    content = _MARKER.sub("", text, count=1) if style in BULLET_STYLES else text
    return PhysLine(number, raw, style, content, is_meta(content))


def is_meta(text: str) -> bool:
    # The whole-line forms are short or have a fixed start: checked before their patterns run.
    whole_line = len(text) <= 13 or text.startswith(("배포", "제", "(제"))
    only_date = text.lstrip("<(").lstrip()[:2] in ("19", "20")
    return bool(
        (whole_line and _META_LINE.match(text))
        or (_has_meta_label(text) and not _is_long_sentence(text))
        or (only_date and _ONLY_DATE.match(text))
        or (len(text) <= 40 and _BYLINE.match(text) is not None)
    )


_ROLE_WORDS = ("담당자", "책임자", "담당부서", "담당 부서")


def _has_meta_label(text: str) -> bool:
    """A metadata label, not a word of an enumeration in parentheses (`보육여건(멘토, 장비, 연락처 등)`):
    a label there is one item of a list, and the line is a sentence about it."""
    for found in _META_LABEL.finditer(text):
        before = text[max(0, found.start() - 2) : found.start()]
        if before.endswith((",", ", ", "(")):
            continue
        if found.group().startswith("기준") and "가" <= before[-1:] <= "힣":
            continue  # `선정기준: …` is a field of the call, not an as-of stamp
        if found.group().startswith(_ROLE_WORDS) and before[-1:] == " " and "가" <= before[:1] <= "힣":
            continue  # `공동체 대표 및 회계 담당자 회계교육 이수`: a noun of the sentence, not a contact field
        if found.group().startswith(_ROLE_WORDS) and (
            "가" <= before[-1:] <= "힣" or (before[-1:] == "-" and "가" <= before[:1] <= "힣")
        ):
            continue  # `(사업담당부서, 예산법무과)`, `(제안자-담당자)`: a compound noun, not a contact field
        return True
    return False


def _is_long_sentence(text: str) -> bool:
    """A notice's run-on paragraph that ends by naming where to send opinions (`…에게 제출하여 주시기
    바랍니다 … 전화 : …, e-mail : …`): its contact words do not make it a metadata line."""
    return len(text) > _META_SENTENCE and _REQUEST_END.search(text) is not None


def cells(text: str) -> list[str]:
    """A table row's cells: text separated by tabs or runs of spaces."""
    if "\t" not in text and "  " not in text:
        return [text.strip()] if text.strip() else []
    return [cell for cell in _CELL_GAP.split(text.strip()) if cell]


def pipe_cells(line: str) -> list[str]:
    """A row printed with ` | ` (`| 과제명 | 2011 ~ 2015(5년) |`): its cells, the outer bars dropped."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def is_incomplete(text: str) -> bool:
    if text.count("(") > text.count(")"):
        return True
    end = text.rstrip()
    if end[-3:-2] == ":" and _CLOCK_END.search(end):
        return False  # a time of day (`2025/06/05 15:00`) ends a line; it is no number cut short
    if end[-1:] == "~" and "가" <= end[-2:-1] <= "힣" and end[-2] not in _DATE_UNITS:
        return False
    if end[-10:-9] in ("1", "2") and _ISO_END.search(end):
        return False
    return _INCOMPLETE_END.search(end, max(0, len(end) - _LONGEST_END)) is not None


def opens_with_credit(text: str) -> bool:
    """`(신안=광주전남일보) 신안군은 …`, `[서울=뉴시스] …`: a news agency's credit opens a paragraph."""
    return text[:1] in "([" and _CREDIT.match(text) is not None


def starts_as_continuation(text: str) -> bool:
    return bool(_CONT_START.match(text))


def looks_like_heading(prev: PhysLine | None, line: PhysLine, nxt: PhysLine | None) -> bool:
    text = normalise(line.content)
    if (
        len(text) > 32
        or len(text) < 3
        or ", " in text
        or _TIME_HINT.search(text)
        or starts_as_continuation(text)
    ):
        return False
    if nxt is None or nxt.style not in ("box", "circle"):
        return False
    if prev is not None and prev.style not in HEADING_STYLES and is_incomplete(prev.content):
        return False
    return not text.endswith(("다", "다.", "함", "음"))


def looks_like_prose(text: str) -> bool:
    """Sentences (a press release's paragraphs): long, or ending like a sentence."""
    if text.endswith("다."):
        return at_least_wide(text, _SENTENCE_WIDTH)
    return ("다. " in text or text.endswith("다")) and at_least_wide(text, _PROSE_WIDTH)


# `4. 의견제출 : … 의견이 있는 단체 또는` / (blank) / `             개인은 2006년 12월 20일까지 …`: a
# double-spaced text wraps a sentence onto a deeply indented line; the blank between is spacing.
_HANGING_INDENT = 8


def hangs_on(rows: list[PhysLine | None], index: int, nxt: PhysLine | None) -> bool:
    """One blank line between a line and the deeply indented plain line that continues it."""
    if nxt is None or nxt.style != "plain" or index == 0 or rows[index - 1] is None:
        return False
    if nxt.number != index + 2:
        return False  # more than one blank line: a paragraph ends
    indent = len(nxt.raw) - len(nxt.raw.lstrip(" "))
    prev = rows[index - 1]
    assert prev is not None
    if prev.content.rstrip().endswith((".", ":")):
        return False  # a finished sentence or a label: what follows is another line
    return indent >= _HANGING_INDENT and indent >= len(prev.raw) - len(prev.raw.lstrip(" "))
