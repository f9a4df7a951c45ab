"""PDF with pdfplumber (on pdfminer.six): ruled tables found by their lines come out as rows of
tab-separated cells, the text around them as lines, both in reading order down the page.

Why pdfplumber (compared on our LibreOffice PDFs and the sample plan): pypdf and plain pdfminer.six
`extract_text` split Korean words at kerning gaps (`2025 년`, `'25.1 분기` — dates the parser then
misses) and pdfminer prints a table column by column; pdfplumber groups characters by position
(no spurious spaces) and finds table cells. Running headers/footers are dropped in `cleanup.py`."""

from __future__ import annotations

import io
from typing import Any

from .errors import ExtractionError


def pdf_text(data: bytes, *, max_pages: int) -> tuple[list[str], int]:
    """The document's lines and its page count; pages beyond `max_pages` are not read."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as err:
        cause = err.args[0] if err.args else err
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise ExtractionError("the PDF is password-protected; send it without a password") from err
        raise ExtractionError(f"the PDF is corrupt ({cause})") from err
    pages: list[list[str]] = []
    with pdf:
        count = len(pdf.pages)
        for page in pdf.pages[:max_pages]:
            pages.append(_page_lines(page))
    return [line for page in pages for line in (*page, "\f")], count


def _page_lines(page: Any) -> list[str]:
    tables = [t for t in page.find_tables() if len(t.rows) >= 1 and len(t.rows[0].cells) >= 2]
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    placed: list[tuple[float, str]] = []
    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or outside(obj)) if boxes else page
    for line in text_page.extract_text_lines(keep_blank_chars=False):
        placed.append((line["top"], line["text"]))
    for table in tables:
        for row_box, cells in zip(table.rows, table.extract(), strict=False):
            row = ["" if cell is None else " ".join(cell.split()) for cell in cells]
            if any(row):
                placed.append((row_box.bbox[1], "\t".join(row)))
    placed.sort(key=lambda item: item[0])
    return [text for _, text in placed]
