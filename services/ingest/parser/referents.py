"""`‘삼국유사 체류형 거점조성사업’은 … 이 사업은 2026년부터 2028년까지 3년 동안 진행되며`: a period
told of `이 사업` / `사업 기간은` is the period of the project named just before; its title names that
project, not the pronoun."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from .extract import Candidate
from .lines import pipe_cells
from .rowheads import header_step, header_with_years, without_counts

# A title that opens on a word pointing back (`이 사업`, `본 사업`, `해당 사업`, `사업 기간`).
_POINTING_BACK = re.compile(r"^(?:(?:이|본|해당|동)\s?사업(?:은|는|의)?|사업\s?기간(?:은|는)?)(?=\s|$)\s?")
# A quoted name (`‘…’`, `'…'`, `「…」`, `“…”`) of four to forty characters.
_QUOTED_NAME = re.compile(r"[‘'「“]([^‘’'「」“”\n]{4,40})[’'」”]")
_LOOK_BACK = 3  # lines: the project is named in the same paragraph, just before
# Field lines and table rows are short; a longer line (a run-on text with dense dates) is left to
# the titles it has, so each item costs a bounded amount of work whatever the line's length.
_MAX_LINE = 2_000
_KINDS = ("program", "range", "ongoing")


def _named_before(lines: list[str], line: int) -> str:
    for number in range(line, max(0, line - _LOOK_BACK) - 1, -1):
        if 1 <= number <= len(lines):
            names = [m.group(1) for m in _QUOTED_NAME.finditer(lines[number - 1][:_MAX_LINE])]
            if names:
                return names[-1].strip()
    return ""


def name_the_project(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    out: list[Candidate] = []
    for item in items:
        pointing = _POINTING_BACK.match(item.title) if item.expr_norm.kind in _KINDS else None
        name = _named_before(lines, item.line) if pointing is not None else ""
        if pointing is None or not name:
            out.append(item)
            continue
        out.append(replace(item, title=f"{name} {item.title[pointing.end() :].strip()}".strip()))
    return out


# `접수마감일 : 2011.07.27`, a cell `| 접수마감일 : 2011.07.27 |`: a date alone after its field label,
# in its own line or cell; what follows the date is only its weekday, time or a closing dot.
_CELL_LABEL = re.compile(r"(?:^|\|)\s*[□○ㅇ◦·\-*▶]?\s*([가-힣][가-힣A-Za-z ]{1,19}?)\s?[:：]\s?$")
_CELL_MARKS = re.compile(r"[|:：]")
_CELL_TAIL = re.compile(r"\s*(?:\.|\([월화수목금토일]?\)|\d{1,2}:\d{2}|까지|\s)*\s*(?:\||$)")


def _own_label(line: str, expr: str) -> str:
    at = line.find(expr)
    if at < 0 or ("|" not in line and line.count(":") + line.count("：") != 1):
        return ""
    label = _CELL_LABEL.search(line[:at])
    if label is None or not _CELL_TAIL.match(line, at + len(expr)):
        return ""
    return " ".join(label.group(1).split())


# `사업 신청 기간 | 2024.01.22 ~ 2024.02.05`, `접수일자 | 20241222 ~ 20250105`: a record printed as a
# two-column table (field | value) is the `label : date` of a notice; a short label is one word
# whatever its spacing.
_FIELD_LABEL = re.compile(r"^[가-힣][가-힣 ]{1,14}$")
_FIELD_WORD = 8


# `□ 지원기간 : 협약시작일로부터 9개월 이내('24.3월~'24.11월 예정)`: the date is a note on the field's
# value, at the end of the line or cell; the field names it.
_NOTED_FIELD = re.compile(r"(?:^|\|)\s*[□○ㅇ◦·\-*▶]?\s*([가-힣][가-힣 ]{1,10}?)\s?[:：][^:：()|]{1,40}\(\s?$")
_NOTE_END = re.compile(r"\s?(?:예정)?\s?\)\s*(?:\||$)")


def _label_of_noted_date(line: str, expr: str) -> str:
    at = line.find(expr)
    if at < 1 or line[at - 1] != "(" or not _NOTE_END.match(line, at + len(expr)):
        return ""
    found = _NOTED_FIELD.search(line[max(0, at - 60) : at])
    return " ".join(found.group(1).split()) if found else ""


def _field_row_label(line: str, expr: str) -> str:
    row = pipe_cells(line)
    if len(row) != 2 or not row[1].startswith(expr) or not _FIELD_LABEL.match(row[0]):
        return ""
    if not _date_only_cell(row[1], expr):
        return ""
    label = row[0]
    return label.replace(" ", "") if len(label.replace(" ", "")) <= _FIELD_WORD else label


def _short_line(item: Candidate, lines: list[str]) -> str | None:
    """The item's line, or None when it is longer than these passes read (their scans stay linear)."""
    line = item.source_line(lines)
    return None if len(line) > _MAX_LINE else line


def title_by_own_label(
    items: list[Candidate], lines: list[str], step: Callable[[str], str]
) -> list[Candidate]:
    """A date whose line or cell is only `label : date` is titled by that label (`step` turns a bare
    time label into the notice's step), not by the text of the lines the structure joined to it."""
    return [_by_own_label(item, _short_line(item, lines), step) for item in items]


# `마. 의견제출` / `- 제출기한 : 2024. 2. 12.까지`: a time label whose step (`제출`) the short title the
# heading gave already names (`의견제출`) says less than that title.
_TIME_LABEL = re.compile(r"^([가-힣]{2,4})\s?(?:기한|기간|일시|일자|시기|일정)$")
_SHORT_TITLE = 12


def _names_the_step(title: str, label: str) -> bool:
    found = _TIME_LABEL.match(label)
    if found is None or len(title) > _SHORT_TITLE or _CELL_MARKS.search(title):
        return False
    return found.group(1) in title and title.replace(" ", "") != label.replace(" ", "")


def _by_own_label(item: Candidate, line: str | None, step: Callable[[str], str]) -> Candidate:
    if line is not None and " | " in line and ":" not in line and "：" not in line:
        field = _field_row_label(line, item.expr)
        return replace(item, title=step(field)) if field else item
    if line is None or (":" not in line and "：" not in line):
        return item
    label = _own_label(line, item.expr) or _label_of_noted_date(line, item.expr)
    # A title that already names the label (with its heading's subject) and holds no cell marks
    # is better than the bare label.
    kept = not label or (label in item.title and not _CELL_MARKS.search(item.title))
    kept = kept or _names_the_step(item.title, label)
    return item if kept else replace(item, title=step(label))


# A table row as the extractors print it (`노화성근육감소제어원천기술 | 2011 ~ 2015(5년) | 2011. 9 ~ 2012. 8 |`):
# a date in a later cell is the row's (its first cell names the task) under its column's header.
_HEADER_REACH = 12
_HAS_DIGIT = re.compile(r"\d")
_ROW_NAME = re.compile(r"[가-힣A-Za-z]{2}")


def _header_for(lines: list[str], line: int, width: int, column: int) -> str:
    for number in range(line - 1, max(0, line - _HEADER_REACH) - 1, -1):
        text = lines[number - 1]
        if "|" not in text:
            continue
        row = pipe_cells(text)
        if len(row) == width and not _HAS_DIGIT.search(text.replace("’", "").replace("'", "")):
            return row[column]
    return header_with_years(lines, line, width, column, _HEADER_REACH)


def title_table_rows(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """A date in a later cell of a printed table row, whose title ran the row's cells together
    (`A과제 | |`), is titled by the row's first cell and the date's column header."""
    return [_by_table_row(item, _short_line(item, lines), lines) for item in items]


def _by_table_row(item: Candidate, line: str | None, lines: list[str]) -> Candidate:
    if line is None or "|" not in line:
        return item
    row = pipe_cells(line)
    column = next((i for i, cell in enumerate(row) if item.expr in cell), -1)
    if (
        column == 0
        and len(row) > 1
        and _STARTS_WITH_MARK.match(item.title)
        and _date_only_cell(row[0], item.expr)
    ):
        return _by_date_first_row(item)
    if line.count("|") < 2:
        return item
    borrowed = item.title[:6] not in line  # a heading's or an earlier line's title, not the row's
    if "|" not in item.title and not borrowed:
        return item
    name = row[0] if column > 0 and _date_only_cell(row[column], item.expr) else ""
    if not name or not _ROW_NAME.search(name) or _HAS_DIGIT.search(without_counts(name)):
        return item
    header = header_step(undated_header(_header_for(lines, item.line, len(row), column)))
    return replace(item, title=f"{_kind_row_name(item, lines, row, name)} {header}".strip())


# `공모 유형 | … | 연구기간` / `지정 | … | 2009.9 ~ 2010.8`: a first column of kinds (`지정`, `자유`) names
# no task; the section's heading does (`Ⅰ. 우주핵심기술개발(시범)사업` → `우주핵심기술개발(시범)사업`).
_KIND_HEADER = ("유형", "구분")
_KIND_NAME = 4
_NUMBERING = re.compile(r"^\s*(?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+|\d{1,2}|[가-하])[.)]\s*")


def _kind_row_name(item: Candidate, lines: list[str], row: list[str], name: str) -> str:
    if len(name.replace(" ", "")) > _KIND_NAME or not item.section:
        return name
    if not _header_for(lines, item.line, len(row), 0).replace(" ", "").endswith(_KIND_HEADER):
        return name
    heading = _NUMBERING.sub("", item.section[0]).strip()
    return heading or name


_CELL_RUN = re.compile(r"\s*\|\s*(?:·\s*)?")
_TITLE_CAP = 80
# A title that opens on cell marks or a stray dot (`| 심사/선정 결과발표 | 심사 후`): the rows ran together.
_STARTS_WITH_MARK = re.compile(r"^\s*[|.:]")


def _by_date_first_row(item: Candidate) -> Candidate:
    """`18. 2월 중 | 심사/선정 결과발표 | 심사 후, 홈페이지 게재`: a schedule table whose first column
    is the date; the title is the row's other cells, without the cell marks the structure left at its
    start (`| 심사/선정 결과발표 | 심사 후`)."""
    text = _CELL_RUN.sub(" ", item.title.strip().lstrip("|.: ")).strip(" |")
    return (
        replace(item, title=" ".join(text.split())[:_TITLE_CAP].strip()) if _ROW_NAME.search(text) else item
    )


def _date_only_cell(cell: str, expr: str) -> bool:
    """The cell holds the date and nothing that names a step (`2011. 9 ~ 2012. 8`, `… (5년)`)."""
    rest = re.sub(r"\([^()]*\)", "", cell.replace(expr, ""))
    return len(re.findall(r"[가-힣A-Za-z]", re.sub(r"[년월일]", "", rest))) <= 1


def undated_header(text: str) -> str:
    return re.sub(r"\s?\([^()]*\)", "", text).strip()
