"""Text documents: UTF-8 (with or without BOM), UTF-16 with BOM, or CP949/EUC-KR — detected by
strict decoding in that order (valid UTF-8 is almost never valid-looking CP949 by accident, and the
reverse fails fast on UTF-8's multi-byte rules), or named by the request's `charset` parameter."""

from __future__ import annotations

import codecs

from .errors import ExtractionError

# Names a sender may give, mapped to the codec used. CP949 is a superset of EUC-KR (it adds the 8,822
# Hangul syllables EUC-KR lacks), so both decode as CP949.
CHARSETS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-16": "utf-16",
    "utf-16le": "utf-16-le",
    "utf-16be": "utf-16-be",
    "euc-kr": "cp949",
    "euckr": "cp949",
    "cp949": "cp949",
    "ms949": "cp949",
    "uhc": "cp949",
    "x-windows-949": "cp949",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
}


class UnknownCharset(ExtractionError):
    """The `charset` parameter names an encoding this service does not read (415)."""


def decode_text(data: bytes, charset: str | None = None) -> str:
    if charset:
        codec = CHARSETS.get(charset.strip().strip('"').lower())
        if codec is None:
            names = ", ".join(sorted({"utf-8", "utf-16", "euc-kr", "cp949"}))
            raise UnknownCharset(f"charset {charset!r} is not supported; send {names}")
        return _strict(data, codec)
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16")
    if b"\x00" in data[:65536]:
        raise ExtractionError("the document looks binary (NUL bytes) and is no format this service reads")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("cp949")
        except UnicodeDecodeError:
            raise ExtractionError(
                "the document is not UTF-8, UTF-16 (with BOM) or CP949/EUC-KR text "
                f"(not UTF-8 at byte 0x{data[utf8_error.start]:02x}, offset {utf8_error.start})"
            ) from utf8_error


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec).removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise ExtractionError(
            f"the document is not valid {codec} (byte 0x{data[err.start]:02x} at offset {err.start})"
        ) from err
