"""Logical lines: wrapped lines joined, heading path kept, part (summary/results/plan) marked."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .dates import is_date_only
from .lines import (
    BULLET_STYLES,
    HEADING_STYLES,
    PhysLine,
    at_least_wide,
    cells,
    classify,
    hangs_on,
    is_incomplete,
    looks_like_heading,
    looks_like_prose,
    opens_with_credit,
    starts_as_continuation,
)
from .owners import department
from .textnorm import clean_controls, is_noise

_RESULTS = re.compile(
    r"실적|그간의?\s?성과|추진\s?성과|성과\s?(?:및|와)\s?평가|(?:19|20)\d{2}년도?\s?(?:주요\s?)?성과"
)
_PLAN = re.compile(
    r"시행\s?계획|추진\s?계획|세부\s?계획|실행\s?계획|향후\s?계획|추진\s?과제|중점\s?과제|추진\s?방향"
)
# `1. 공모 개요` / `모집 개요` in a call: the terms of the call (its periods are its schedule), not
# the background of a plan (`추진 개요`, `사업 개요` stay background). Written without the space
# (`공모개요`), the word is already no heading word: `개요` must not follow a Hangul letter.
_BACKGROUND = re.compile(
    r"(?<![가-힣])(?<!(?:공모|모집|행사|대회|채용|선발)\s)개\s?요|배\s?경|비\s?전|목\s?차|현\s?황|여\s?건|전략\s?및\s?(?:세부\s?)?과제|전략\s?체계|제안\s?이유"
)
_SUMMARY = re.compile(r"의결\s?주문|주요\s?내용|요\s?약")
_RESETTING = frozenset({"roman", "annex"})
_WRAP_WIDTH = 50
_OPEN_PHRASE = 16
_FIELD_MARK = re.compile(r"[:：|~]|\d\.\s?\d")
_ITEM_START = frozenset("0123456789가나다라마바사아자차카타파하 ")
# `나. 신청기한: 2017.11.27.(월) ~ …`, `2) 신청기간: 2018.8.13.(월) …`: a lettered or numbered item that
# states a date after its label starts a line of its own, however wide the note above it.
_ITEM_FIELD = re.compile(r"^\s*(?:[가-하]|\d{1,2})\s?[.)]\s?[^:：\s][^:：]{0,19}[:：]\s?['’]?\d")
_BULLET_RANK = {"box": 0, "circle": 1, "dash": 2, "enum": 3, "note": 4}


@dataclass(eq=False, slots=True)
class Logical:
    text: str
    style: str
    spans: list[tuple[int, int]]
    parents: tuple[Logical, ...]
    part: str = "plan"
    skip: bool = False
    front: bool = False
    family: int = 0
    last_phys: str = ""
    parts: list[str] = field(default_factory=list)
    size: int = 0
    starts: list[int] = field(default_factory=list)
    marker: str = ""
    nearest_part: str | None = None
    own_title: str | None = None  # the text undated and cleaned; filled in by `extract`
    heading_path: tuple[str, ...] | None = None

    @property
    def is_heading(self) -> bool:
        return self.style in HEADING_STYLES

    def line_at(self, offset: int) -> int:
        if len(self.starts) != len(self.spans):
            self.starts = [start for start, _ in self.spans]
        index = bisect_right(self.starts, offset) - 1
        return self.spans[max(0, index)][1]

    def extend(self, phys: PhysLine) -> None:
        self.spans.append((self.size + 1, phys.number))
        self.parts.append(phys.content)
        self.size += 1 + len(phys.content)
        self.last_phys = phys.content

    def finish(self) -> None:
        if self.parts:
            self.text = " ".join([self.text, *self.parts])
            self.parts = []

    def section(self) -> tuple[str, ...]:
        """Heading texts of the parents; computed once, after the lines are finished."""
        if self.heading_path is None:
            self.heading_path = tuple(p.heading_text() for p in self.parents)
        return self.heading_path

    def heading_text(self) -> str:
        return self.text.strip()


def _part_of(text: str) -> str | None:
    if _SUMMARY.search(text):
        return "summary"
    if _RESULTS.search(text):
        return "results"
    if _PLAN.search(text):
        return "plan"
    if _BACKGROUND.search(text):
        return "background"
    return None


def _nearest_part(node: Logical) -> str | None:
    """Part named by the nearest heading among the node (when a heading) and its parents; kept on
    the node. A parent's own parents are the ones before it, so its kept answer covers them."""
    found = _part_of(node.text) if node.style in HEADING_STYLES else None
    if not found and node.parents:
        found = node.parents[-1].nearest_part
    node.nearest_part = found
    return found


def _physical_lines(raw_lines: list[str]) -> list[PhysLine | None]:
    """One entry per input line; None for noise (blank, page marker, table of contents)."""
    return [None if is_noise(raw) else classify(number, raw) for number, raw in enumerate(raw_lines, start=1)]


class _Builder:
    def __init__(self, has_roman: bool) -> None:
        self.out: list[Logical] = []
        self.stack: list[Logical] = []
        self.open: Logical | None = None
        self.table_mode = False
        self.has_roman = has_roman
        self.seen_roman = False
        self.annex_cover = False

    def _push(self, node: Logical) -> None:
        style = node.style
        if style in _RESETTING or (style == "dotnum" and not any(p.style == "roman" for p in self.stack)):
            self.stack = []
        rank = _BULLET_RANK.get(style, -1)
        while self.stack and _BULLET_RANK.get(self.stack[-1].style, -2) >= rank:
            self.stack.pop()
        styles = [p.style for p in self.stack]
        if style in styles:
            del self.stack[styles.index(style) :]
        node.parents = tuple(self.stack)
        self.stack.append(node)

    def _state(self, node: Logical) -> None:
        part, skip = "plan", self.annex_cover
        found = _nearest_part(node)
        if found:
            part, skip = ("other", True) if found == "background" else (found, skip)
        node.part, node.skip = part, skip or node.skip
        node.front = self.has_roman and not self.seen_roman

    def _start(self, phys: PhysLine, style: str) -> Logical:
        node = Logical(
            phys.content, style, [(0, phys.number)], (), last_phys=phys.content, size=len(phys.content)
        )
        if style == "roman":
            self.seen_roman, self.annex_cover = True, False
        if style == "annex":
            self.annex_cover = True
        if style in HEADING_STYLES or style in BULLET_STYLES:
            self._push(node)
        else:
            node.parents = tuple(self.stack)
        node.skip = phys.meta
        if style in BULLET_STYLES:
            node.marker = phys.raw.strip()[:1]
        self._state(node)
        node.family = len(self.out) if style != "note" or not self.open else self.open.family
        self.out.append(node)
        return node

    def add(self, prev: PhysLine | None, phys: PhysLine, nxt: PhysLine | None) -> None:
        if phys.style == "caption":
            self.table_mode, self.open = True, None
            return
        if phys.style != "plain":
            self.table_mode = False
            node = self._start(phys, phys.style)
            self.open = None if node.is_heading else node
            return
        self._add_plain(prev, phys, nxt)

    def _add_plain(self, prev: PhysLine | None, phys: PhysLine, nxt: PhysLine | None) -> None:
        if not self.table_mode and looks_like_heading(prev, phys, nxt):
            self._start(phys, "unmarked")
            self.open = None
            return
        if phys.meta:
            self.open = self._start(phys, "row")
            self.open = None
            return
        if self.open is not None and self._joins(phys):
            self.open.extend(phys)
            return
        style = "prose" if looks_like_prose(phys.content) else "row"
        self.open = self._start(phys, style)

    def _joins(self, phys: PhysLine) -> bool:
        assert self.open is not None
        last = self.open.last_phys
        if "\t" in last and "\t" in phys.content:
            return False  # two rows of an extracted table (cells separated by tabs), however wide
        if " | " in last and " | " in phys.content:
            return False  # two rows of an extracted table printed with ` | ` between cells
        if opens_with_credit(phys.content):
            return False  # `(신안=광주전남일보) …`: a news paragraph starts, whatever came before
        if self.open is self.out[0] and phys.content.rstrip().endswith("다."):
            return False  # the document's title line, then the first sentence of an article
        if self.table_mode and self.open.style == "row":
            if len(cells(last)) > 1 and len(cells(phys.content)) > 1:
                return False  # two rows of cells, e.g. `과제<TAB>'25.2월<TAB>담당과`
            if _whole_cell(last) or _whole_cell(phys.content):
                return False  # one cell per line: `과제` / `'25.6월` / `해양정책과`
            return starts_as_continuation(phys.content) or is_incomplete(last)
        if self.open.style == "prose" or last.endswith("다."):
            return False  # a finished sentence: the next line starts another
        if phys.content[:1] in _ITEM_START and _ITEM_FIELD.match(phys.content):
            return False  # `나. 신청기한: 2017.11.27.(월) ~ …`: an item of the notice, no wrapped text
        if _open_phrase(last, phys.content.strip()):
            return True
        return is_incomplete(last) or starts_as_continuation(phys.content) or at_least_wide(last, _WRAP_WIDTH)

    def blank(self) -> None:
        self.open = None


def _open_phrase(text: str, after: str) -> bool:
    """`10월 말까지` / `연구용역을 완료할 예정입니다.`, `오는 11월 중앙정부로부터` / `국비지원을 받기 위한`: a news
    script read one phrase a line; a short phrase that ends in `까지`/`부터` waits for its verb on the next
    line (words, not a date or a name; a date alone only before the sentence's end, not a site menu's
    `2024년부터` over `2024년`)."""
    text = text.rstrip()
    if len(text) > _OPEN_PHRASE or not text.endswith(("까지", "부터")) or _FIELD_MARK.search(text):
        return False
    if " " not in after or is_date_only(after):
        return False
    return not is_date_only(text) or after.endswith("다.")


def _whole_cell(text: str) -> bool:
    return department(text) is not None or is_date_only(text)


def logical_lines(text: str) -> list[Logical]:
    raw_lines = clean_controls(text).splitlines()
    rows = _physical_lines(raw_lines)
    builder = _Builder(has_roman=any(r is not None and r.style == "roman" for r in rows))
    following = _next_rows(rows)
    prev: PhysLine | None = None
    hanging = False
    for index, row in enumerate(rows):
        if row is None:
            hanging = not raw_lines[index].strip() and hangs_on(rows, index, following[index])
            if not raw_lines[index].strip() and not hanging:
                builder.blank()
            continue
        if hanging and builder.out and builder.out[-1].is_heading:
            builder.out[-1].extend(row)  # the wrapped rest of the line above the blank
            builder.open, hanging = builder.out[-1], False
        else:
            builder.add(prev, row, following[index])
        prev = row
    for node in builder.out:
        node.finish()
    return builder.out


def _next_rows(rows: list[PhysLine | None]) -> list[PhysLine | None]:
    """For each index, the first non-noise row among the next three (one backward pass)."""
    following: list[PhysLine | None] = [None] * len(rows)
    nearest: PhysLine | None = None
    nearest_at = len(rows)
    for index in range(len(rows) - 1, -1, -1):
        following[index] = nearest if nearest_at - index <= 3 else None
        row = rows[index]
        if row is not None:
            nearest, nearest_at = row, index
    return following
