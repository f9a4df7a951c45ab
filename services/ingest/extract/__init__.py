"""Plan documents in the formats officers have (HWP 5, HWPX, PDF, DOCX, text) turned into plain text
for the parser: detected by content, decoded or extracted with tables kept as rows (cells separated
by tabs, which `parser.lines.cells` splits), page headers and footers dropped.

Binary formats are extracted in a child process (`sandbox.py`) bounded in time and memory; text is
decoded in-process (bounded by the upload limit)."""

from __future__ import annotations

from .detect import Format, detect
from .errors import ExtractionError
from .sandbox import extract_isolated
from .textdecode import decode_text

__all__ = ["ExtractionError", "Format", "decode_text", "detect", "extract_isolated"]
