"""HWP 5 and HWPX: both opened with python-hwpx, which converts HWP 5 into the HWPX (OWPML) model,
then one walk over the OWPML XML writes paragraphs as lines and table rows as tab-separated cells.

Why python-hwpx (compared on the four real HWP files of shared/plans/hwp/ and our own HWPX):
- rhwp-python 0.8 does not import here: its wheel needs FreeType >= 2.13 (`FT_Palette_Data_Get`),
  Debian 12 ships 2.12.
- hwp-hwpx-parser 1.0 reads tables as rows, but lost text on the real press release
  (`□ 행정안전부(장관 …)는` came out as `부(장관 …)는`) and repeated a table's last row as loose lines.
- pyhwp (`hwp5txt`) prints `<표>` for every table, losing the schedule tables; unmaintained since 2020.
- python-hwpx (maintained, Apache-2.0) kept every paragraph and gives the table structure (rows, cells,
  sub-lists), guards ZIP bombs, and reads both formats with one model; its own `text.plain()` breaks a
  cell's paragraphs onto separate lines, which splits rows, hence the walk below.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_HP = "{http://www.hancom.co.kr/hwpml/2011/paragraph}"
# Controls whose text is not body text: running headers/footers, notes, hidden comments, page numbers.
_SKIPPED = frozenset(
    {"header", "footer", "footNote", "endNote", "hiddenComment", "pageNum", "pageHiding", "pageNumCtrl"}
)


def hancom_text(data: bytes) -> str:
    from hwpx import HwpxDocument

    document = HwpxDocument.open(data)
    try:
        return "\n".join(line for section in document.sections for line in _block(section.element))
    finally:
        document.close()


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _block(container: Any) -> Iterator[str]:
    """The lines of the paragraphs directly in a section or sub-list."""
    for child in container:
        if _local(child) == "p":
            yield from _paragraph(child)


def _paragraph(paragraph: Any) -> Iterator[str]:
    """A paragraph's own text as one line (line breaks kept), then the tables and text boxes it anchors."""
    parts: list[str] = []
    objects: list[Any] = []
    for run in paragraph:
        if _local(run) != "run":
            continue
        for item in run:
            name = _local(item)
            if name == "t":
                parts.append(_text(item))
            elif name == "tab":
                parts.append("\t")
            elif name == "lineBreak":
                parts.append("\n")
            elif name not in ("ctrl", "secPr") and name not in _SKIPPED:
                objects.append(item)
    text = "".join(parts)
    if text.strip():
        yield from text.split("\n")
    for item in objects:
        if _local(item) == "tbl":
            yield from _table(item)
        else:  # a text box or drawing: the paragraphs of its sub-lists, if any
            for sub in item.iter(f"{_HP}subList"):
                yield from _block(sub)


def _text(element: Any) -> str:
    """`<hp:t>` text with its inline children (tabs, line breaks, marks) in order."""
    out = [element.text or ""]
    for child in element:
        name = _local(child)
        if name == "tab":
            out.append("\t")
        elif name == "lineBreak":
            out.append("\n")
        out.append(child.tail or "")
    return "".join(out)


def _table(table: Any) -> Iterator[str]:
    """Rows as tab-separated cells; a row with one filled cell (a framed box, a title row, the one
    column of a summary table) gives that cell's paragraphs as lines, as they were written."""
    for row in table:
        if _local(row) != "tr":
            continue
        cells = [_cell_lines(cell) for cell in row if _local(cell) == "tc"]
        filled = [lines for lines in cells if lines]
        if len(filled) == 1:
            yield from filled[0]
        elif filled:
            yield "\t".join(" ".join(lines) for lines in cells)


def _cell_lines(cell: Any) -> list[str]:
    """A cell's paragraphs (and nested tables' rows), each with its spaces and tabs collapsed."""
    lines: list[str] = []
    for sub in cell:
        if _local(sub) == "subList":
            lines.extend(" ".join(line.split()) for line in _block(sub))
    return [line for line in lines if line]
