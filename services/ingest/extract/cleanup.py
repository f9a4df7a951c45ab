"""What every extracted document goes through: page numbers (`- 3 -`, `3 / 12`) and running headers
or footers (the same short line at the top or bottom of most pages) dropped, control characters
removed, blank runs shortened. Plain text documents are not touched (the parser reads them as sent)."""

from __future__ import annotations

import re
from collections import Counter

_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4})\s*$", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b]")
_EDGE = 2  # lines at each end of a page looked at for running headers/footers
_RUNNING_LENGTH = 60


def clean_lines(lines: list[str]) -> str:
    """Lines of a document whose pages are separated by "\f" lines (PDF), or of one flow (HWP, DOCX)."""
    pages = _split_pages(lines)
    running = _running_lines(pages) if len(pages) >= 3 else set()
    out: list[str] = []
    kept: set[str] = set()  # a running header is kept once: on the cover it is the title
    for page in pages:
        for line in page:
            line = _CONTROL.sub("", line.replace("\r", "")).rstrip()
            key = _key(line)
            if _PAGE_NUMBER.match(line) or (key in running and key in kept):
                continue
            if key in running:
                kept.add(key)
            if not line.strip() and out and not out[-1].strip():
                continue
            out.append(line)
    while out and not out[-1].strip():
        out.pop()
    while out and not out[0].strip():
        out.pop(0)
    return "\n".join(out) + "\n" if out else ""


def _split_pages(lines: list[str]) -> list[list[str]]:
    pages: list[list[str]] = [[]]
    for line in lines:
        if line == "\f":
            pages.append([])
        else:
            pages[-1].append(line)
    return [page for page in pages if page]


def _key(line: str) -> str:
    """Exact text: a digits-blind match would take a dated bullet that ends every page for a footer."""
    return line.strip()


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Short lines found, the same, at the top or bottom of at least half the pages (3 or more)."""
    seen: Counter[str] = Counter()
    for page in pages:
        edges = {
            _key(line) for line in (*page[:_EDGE], *page[-_EDGE:]) if 0 < len(line.strip()) <= _RUNNING_LENGTH
        }
        seen.update(edges)
    return {key for key, count in seen.items() if count >= max(3, len(pages) // 2)}
