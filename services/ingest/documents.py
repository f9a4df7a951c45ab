"""Checks an uploaded plan document and turns it into text for the parser: size first, then the
format from its content (HWP 5, HWPX, PDF, DOCX or text — see `extract/`), then decoding or
extraction. Every refusal is a DocumentError with the HTTP status and a reason naming the problem."""

from __future__ import annotations

from services.ingest.extract import ExtractionError, Format, decode_text, detect, extract_isolated
from services.ingest.extract.textdecode import UnknownCharset

MAX_BYTES = 10 * 1024 * 1024
# Declared media types that may carry a plan; the body is sniffed whatever is declared among them.
DOCUMENT_TYPES = frozenset(
    {
        "",
        "text/plain",
        "text/markdown",
        "application/octet-stream",
        "application/pdf",
        "application/x-hwp",
        "application/haansofthwp",
        "application/vnd.hancom.hwp",
        "application/hwp+zip",
        "application/vnd.hancom.hwpx",
        "application/haansofthwpx",
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)


class DocumentError(ValueError):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def read_document(body: bytes, content_type: str | None) -> str:
    """The plan's text; DocumentError (413/415/422) with the reason when it cannot be read."""
    return read_document_as(body, content_type)[1]


def read_document_as(body: bytes, content_type: str | None) -> tuple[Format, str]:
    """The document's detected format and its text."""
    media_type, charset = _media_type(content_type)
    if media_type not in DOCUMENT_TYPES:
        raise DocumentError(
            415,
            f"send the plan as text/plain, HWP, HWPX, PDF or DOCX (or application/octet-stream), "
            f"not {media_type!r}",
        )
    if len(body) > MAX_BYTES:
        raise DocumentError(413, f"the plan is {len(body):,} bytes; the limit is {MAX_BYTES:,}")
    if not body.strip():
        raise DocumentError(422, "the plan document is empty")
    try:
        kind = detect(body)
        text = decode_text(body, charset) if kind == "text" else extract_isolated(body, kind)
    except UnknownCharset as err:
        raise DocumentError(415, str(err)) from err
    except ExtractionError as err:
        raise DocumentError(422, str(err)) from err
    if not text.strip():
        raise DocumentError(422, f"the {kind.upper()} document holds no text (a scan? send a text PDF)")
    return kind, text


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    media_type, _, params = (content_type or "").partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"') or None
    return media_type.strip().lower(), charset
