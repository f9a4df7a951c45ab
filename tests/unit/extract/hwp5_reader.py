"""A minimal HWP 5 reader written for the tests from the format's published structure (Hancom, "HWP
5.0 file format", BodyText records), independent of python-hwpx: it lists each PARA_TEXT record's text
with its record level (1: a body paragraph; deeper: inside a table cell or another control)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import olefile

_PARA_TEXT = 0x10 + 51
_LONG_SIZE = 0xFFF
# Control characters that take 8 UTF-16 units (a code, 6 units of data, the code again); 9 is a tab.
_EIGHT_UNITS = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23})
_TAB = 9


def _records(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    pos = 0
    while pos + 4 <= len(data):
        (head,) = struct.unpack_from("<I", data, pos)
        pos += 4
        tag, level, size = head & 0x3FF, (head >> 10) & 0x3FF, head >> 20
        if size == _LONG_SIZE:
            (size,) = struct.unpack_from("<I", data, pos)
            pos += 4
        yield tag, level, data[pos : pos + size]
        pos += size


def _text(payload: bytes) -> str:
    units = struct.unpack(f"<{len(payload) // 2}H", payload[: len(payload) // 2 * 2])
    out, index = [], 0
    while index < len(units):
        unit = units[index]
        if unit in _EIGHT_UNITS:
            out.append("\t" if unit == _TAB else "")
            index += 8
            continue
        if unit >= 32:
            out.append(chr(unit))
        index += 1
    return "".join(out)


def paragraphs(path: Path) -> Iterator[tuple[int, str]]:
    """(record level, text) of every paragraph, in the order of the sections and their records."""
    with olefile.OleFileIO(str(path)) as ole:
        header = ole.openstream("FileHeader").read()
        compressed = bool(int.from_bytes(header[36:40], "little") & 1)
        sections = sorted((e for e in ole.listdir() if e[0] == "BodyText"), key=lambda e: int(e[1][7:]))
        for entry in sections:
            data = ole.openstream(entry).read()
            if compressed:
                data = zlib.decompress(data, -15)
            for tag, level, payload in _records(data):
                if tag == _PARA_TEXT:
                    yield level, _text(payload)
