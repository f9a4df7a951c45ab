"""The date of a news text that prints none of its own (issue #12, the older sets): its lead names only
the day of the release (`…를 실시한다고 21일 밝혔다`); a headline of the page's related-article list
stamped on that day (`- 과기정통부·행안부, 2019년까지 세종시 이전2018.02.21`) gives its month and year,
as it does to the officer reading the page. Other stamps (another day: the page's own crawl) say nothing."""

from __future__ import annotations

import re
from datetime import date

_LEAD_LINES = 3
_MAX_LINE = 400
_RELEASE_DAY = re.compile(r"(?:다|고|며)\s([1-3]?\d)일\s?(?:밝혔|발표했|전했|알렸)")
_LISTED_STAMP = re.compile(r"((?:19|20)\d{2})[.\-](\d{2})[.\-](\d{2})\s*$")
_LISTING = re.compile(
    r"^\s*\[?\s?(?:관련\s?기사|많이\s?본\s?(?:뉴스|기사)|인기\s?기사|주요\s?뉴스|추천\s?뉴스)\s?\]?\s*$"
)


def _release_day(lines: list[str]) -> int | None:
    seen = 0
    for line in lines:
        if not line.strip():
            continue
        found = _RELEASE_DAY.search(line[:_MAX_LINE])
        if found:
            return int(found.group(1))
        seen += 1
        if seen == _LEAD_LINES:
            return None
    return None


def listed_release_date(lines: list[str]) -> date | None:
    """The release's date from a related headline stamped on the lead's day, or None."""
    day = _release_day(lines)
    if day is None:
        return None
    listing = False
    for line in lines:
        if _LISTING.match(line):
            listing = True
            continue
        stamp = _LISTED_STAMP.search(line[-20:]) if listing else None
        if stamp and int(stamp.group(3)) == day:
            try:
                return date(int(stamp.group(1)), int(stamp.group(2)), day)
            except ValueError:
                return None
    return None


# `[울산/박기택기자] 울산시는 … 오는 12월 31일까지 …`: one article of a reporter's list; the year of the
# article above it does not place its days.
_BYLINE = re.compile(r"^\s*\[[^\[\]]{1,20}기자\]")
_OWN_YEAR = re.compile(r"(?:19|20)\d{2}\s?년|['’‘]\d{2}(?:년|\.)")


def articles_without_year(lines: list[str]) -> set[int]:
    """Line numbers of the articles, after the first of a list of two or more, that state no year."""
    starts = [n for n, line in enumerate(lines, 1) if _BYLINE.match(line[:40])]
    if len(starts) < 2:
        return set()
    out: set[int] = set()
    for first, after in zip(starts[1:], [*starts[2:], len(lines) + 1], strict=True):
        numbers = range(first, after)
        if not any(_OWN_YEAR.search(lines[n - 1][:_MAX_LINE]) for n in numbers):
            out.update(numbers)
    return out
