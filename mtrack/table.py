"""Plain-text tables for the terminal, aligned for Korean (wide) characters."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, limit: int) -> str:
    out, used = "", 0
    for ch in text:
        w = width(ch)
        if used + w > limit - 1:
            return out + "…"
        out, used = out + ch, used + w
    return out


def render(headers: Sequence[str], rows: Sequence[Sequence[str]], limits: Sequence[int]) -> str:
    cells = [[clip(c, lim) for c, lim in zip(row, limits, strict=True)] for row in [headers, *rows]]
    widths = [max(width(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def milestone_table(items: Sequence[dict[str, Any]]) -> str:
    rows = [
        [
            str(m["line"]),
            m["kind"],
            m["starts"] or "",
            m["due"] or "",
            m["expr"],
            m["title"],
            m.get("owner") or "",
        ]
        for m in items
    ]
    table = render(
        ["line", "kind", "starts", "due", "expr", "title", "owner"], rows, [6, 9, 11, 11, 18, 50, 14]
    )
    return f"{table}\n{len(items)} milestones"
