"""What a document is, from its first bytes (magic numbers), never from its name or media type."""

from __future__ import annotations

import io
import zipfile
from typing import Literal

from .errors import ExtractionError

Format = Literal["text", "hwp", "hwpx", "docx", "pdf"]

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
HWP_SIGNATURE = b"HWP Document File"
HWPX_MIMETYPE = b"application/hwp+zip"
_MAX_ENTRIES = 10_000


def detect(data: bytes) -> Format:
    """The document's format, or ExtractionError naming what it is instead."""
    head = data[:1024]
    if head.startswith(OLE2_MAGIC):
        return _ole2_kind(data)
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(data)
    if PDF_MAGIC in head:  # `%PDF-` may follow a few bytes of junk, as readers accept
        return "pdf"
    for magic, name in _OTHER_BINARIES:
        if head.startswith(magic):
            raise ExtractionError(f"this is {name}, not a plan document; send HWP, HWPX, PDF, DOCX or text")
    return "text"


_OTHER_BINARIES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "an RTF document (save it as DOCX)"),
)


def _ole2_kind(data: bytes) -> Format:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, IndexError) as err:
        raise ExtractionError(f"the OLE2 (HWP 5) container is corrupt: {err}") from err
    with ole:
        if ole.exists("FileHeader"):
            header = ole.openstream("FileHeader").read(40)
            if not header.startswith(HWP_SIGNATURE):
                raise ExtractionError("the HWP FileHeader has no 'HWP Document File' signature")
            _check_hwp_flags(int.from_bytes(header[36:40], "little"))
            return "hwp"
        if ole.exists("EncryptedPackage"):
            raise ExtractionError(
                "the document is encrypted (password-protected Office file); send it unprotected"
            )
        if ole.exists("WordDocument"):
            raise ExtractionError("legacy Word .doc is not supported; save it as DOCX or PDF")
    raise ExtractionError("an OLE2 file that is neither HWP 5 nor a known document")


def _check_hwp_flags(flags: int) -> None:
    """FileHeader properties (HWP 5.0 spec, table 3): bit 1 password, bit 2 distribution document."""
    if flags & 0b10:
        raise ExtractionError(
            "the HWP document is password-protected (암호 설정); send it without a password"
        )
    if flags & 0b100:
        raise ExtractionError(
            "the HWP document is a distribution document (배포용 문서, encrypted); save an ordinary copy"
        )


def _zip_kind(data: bytes) -> Format:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if len(names) > _MAX_ENTRIES:
            raise ExtractionError(f"the archive has {len(names):,} entries; a document has far fewer")
        mimetype = archive.read("mimetype")[:64].strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as err:
        raise ExtractionError(f"the ZIP container is corrupt: {err}") from err
    if mimetype == HWPX_MIMETYPE or "Contents/content.hpf" in names:
        return "hwpx"
    if "word/document.xml" in names:
        return "docx"
    if "EncryptedPackage" in names:
        raise ExtractionError("the document is encrypted; send it unprotected")
    kind = mimetype.decode("ascii", "replace") or "no mimetype"
    raise ExtractionError(
        f"a ZIP archive that is not HWPX or DOCX ({kind}); send HWP, HWPX, PDF, DOCX or text"
    )
