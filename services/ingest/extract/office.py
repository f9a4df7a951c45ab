"""DOCX with python-docx (maintained; the OOXML reference reader for Python, lxml without entity
resolution): body paragraphs and tables in document order; headers and footers live in their own parts
and are not read. A merged cell is one cell (python-docx repeats it across the span)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(data: bytes) -> str:
    import io

    from docx import Document

    document = Document(io.BytesIO(data))
    return "\n".join(_body(document.element.body))


def _body(container: Any) -> Iterator[str]:
    for child in container:
        if child.tag == f"{_W}p":
            yield from _paragraph(child).split("\n")
        elif child.tag == f"{_W}tbl":
            yield from _table(child)
        elif child.tag == f"{_W}sdt":  # content controls wrap ordinary paragraphs and tables
            for content in child.iter(f"{_W}sdtContent"):
                yield from _body(content)
                break


def _paragraph(paragraph: Any) -> str:
    out: list[str] = []
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if node.tag == f"{_W}t":
            out.append(node.text or "")
        elif node.tag == f"{_W}tab":
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def _table(table: Any) -> Iterator[str]:
    """Rows as tab-separated cells; a row with one filled cell gives that cell's paragraphs as lines
    (as in `hancom._table`)."""
    for row in table.iter(f"{_W}tr"):
        if row.getparent() is not table:
            continue
        cells: list[list[str]] = []
        for cell in row.iter(f"{_W}tc"):
            if cell.getparent() is not row:
                continue
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(f"{_W}val") != "restart":
                cells.append([])  # the continuation of a cell merged from the row above
                continue
            lines = (" ".join(_paragraph(p).split()) for p in cell.iter(f"{_W}p"))
            cells.append([line for line in lines if line])
        filled = [lines for lines in cells if lines]
        if len(filled) == 1:
            yield from filled[0]
        elif filled:
            yield "\t".join(" ".join(lines) for lines in cells)
