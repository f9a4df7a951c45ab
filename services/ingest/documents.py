"""Checks an uploaded plan document before parsing: size, encoding, and that it is text at all."""

from __future__ import annotations

MAX_BYTES = 10 * 1024 * 1024
TEXT_TYPES = ("text/plain", "text/markdown", "application/octet-stream", "")


class DocumentError(ValueError):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def read_document(body: bytes, content_type: str | None) -> str:
    media_type, _, params = (content_type or "").partition(";")
    if media_type.strip().lower() not in TEXT_TYPES:
        raise DocumentError(415, f"send the plan as text/plain (UTF-8), not {media_type.strip()!r}")
    charset = (
        params.strip().lower().removeprefix("charset=").strip('"')
        if "charset=" in params.lower()
        else "utf-8"
    )
    if charset not in ("utf-8", "utf8"):
        raise DocumentError(415, f"the plan must be UTF-8 text, not {charset}")
    if len(body) > MAX_BYTES:
        raise DocumentError(413, f"the plan is {len(body):,} bytes; the limit is {MAX_BYTES:,}")
    if not body.strip():
        raise DocumentError(422, "the plan document is empty")
    if b"\x00" in body[:65536]:
        raise DocumentError(422, "the document looks binary (NUL bytes); convert it to UTF-8 text first")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DocumentError(
            422, f"the document is not UTF-8 (invalid byte 0x{body[err.start]:02x} at offset {err.start})"
        ) from err
    return text.removeprefix("\ufeff")
