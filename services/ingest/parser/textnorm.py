"""Length-preserving text normalisation and noise-line detection."""

from __future__ import annotations

import re

_VARIANTS = {
    "’": "'",
    "‘": "'",
    "`": "'",
    "´": "'",
    "′": "'",
    "＇": "'",
    "∼": "~",
    "～": "~",
    "〜": "~",
    "⁓": "~",
    "➝": "→",
    "⇒": "→",
    "⟶": "→",
    "\t": " ",
    "\u00a0": " ",
    "\u3000": " ",
}

_MAPPED = re.compile("[" + re.escape("".join(_VARIANTS)) + "]")
_PAGE_MARKER = re.compile(r"^[-–—]\s*\d{1,4}\s*[-–—]$")
# Five or more leader dots; written to start with a character class so the search can skip ahead.
_TOC_LINE = re.compile(r"[·ㆍ.…](?:\s?[·ㆍ.…]){4,}\s*\d{0,4}\s*$")
_TOC_HEAD = re.compile(r"^목\s*차$")
_DASHES = "-–—"
_LEADERS = "·ㆍ.…"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def _canonical(match: re.Match[str]) -> str:
    return _VARIANTS[match.group()]


# `(’19.2월~.3월)`: a stray dot after a range's tilde, before its end month (the start's year dot
# repeated), is a blank.
_TILDE_DOT = re.compile(r"(?<=~)\.(?=\s?\d{1,2}\s?월)")


def normalise(text: str) -> str:
    """Map apostrophe, tilde and arrow variants to one form; never changes length.
    (A regex substitution: `str.translate` is several times slower on Hangul text.)"""
    out = _MAPPED.sub(_canonical, text)
    return _TILDE_DOT.sub(" ", out) if "~." in out else out


def clean_controls(text: str) -> str:
    return _CONTROL.sub(" ", text)


def is_noise(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return True
    first, last = stripped[0], stripped[-1]
    # Cheap first/last-character checks decide most lines before any pattern runs.
    return bool(
        (first in _DASHES and _PAGE_MARKER.match(stripped))
        or ((last in _LEADERS or last.isdecimal()) and _TOC_LINE.search(stripped))
        or (first == "목" and _TOC_HEAD.match(stripped))
    )


def hangul_ratio(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for c in text if "가" <= c <= "힣") / len(text)
