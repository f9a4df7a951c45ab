"""Plan parser: `parse_plan(text)` turns a Korean R&D implementation plan into dated milestones."""

from __future__ import annotations

import logging
import re
from datetime import date
from functools import partial

from . import _accel

if (_native := _accel.native_dir()) is not None:
    __path__.insert(0, _native)  # compiled modules (make native) shadow the sources below

from .asides import drop_asides
from .bare import name_bare_labels
from .began import join_began_days
from .briefing import title_schedule_details
from .budget import budget_in_preparation, prepared_the_year_before
from .calls import close_open_starts, later_call_year, title_announced_calls
from .chains import title_chain_stages, title_held_events
from .changes import read_changes
from .completion import title_completion_targets
from .counted import count_from_events
from .dates import is_date_only
from .docinfo import (
    find_dateline,
    find_named_year,
    find_notice_title,
    find_plan_year,
    find_title,
    is_implementation_plan,
    is_press_release,
    make_plan_key,
    without_listing_stamp,
)
from .extract import Candidate, DocContext, candidates, notice_step, notice_subject, schedule_heading_year
from .fields import read_fields
from .listhead import title_list_heads
from .lists import title_listed_rounds
from .merge import dedupe, drop_open_restatements, drop_same_day_repeats, norm_title, to_milestones
from .model import ParsedMilestone, ParsedPlan, Target
from .newsdate import articles_without_year, listed_release_date
from .nonitems import drop_bare_restatements, drop_non_milestones
from .notelabels import title_note_fields
from .owners import assign_owner, find_contacts
from .periodnames import drop_named_periods, named_round_year
from .planyear import heading_plan_year
from .records import title_by_record_label
from .referents import name_the_project, title_by_own_label, title_table_rows
from .repeats import drop_coarse_restatements, drop_contained_repeats, drop_year_frames
from .reported import drop_reported, drop_restated_ends, drop_status_and_headline_repeats
from .respectively import split_respective_rounds
from .restated import drop_restated_targets
from .rowspan import continue_month_rows, date_first_steps
from .selection import paren_span
from .selfref import drop_own_dates
from .sentences import title_by_sentence
from .stages import title_stages
from .structure import logical_lines
from .subjects import needs_subject
from .titles import letters
from .topics import title_short_by_topic
from .undated import mend_titles

__all__ = ["MAX_CHARS", "ParsedMilestone", "ParsedPlan", "Target", "is_native", "parse_plan"]

log = logging.getLogger(__name__)

# Real plans are well under 1 MB; beyond this only the head is read, so time stays bounded.
MAX_CHARS = 4_000_000
_TITLE_MAX = 80
_HEADLINE_MAX = 40
_BULLET = re.compile(r"[○ㅇ□■◦•·*\-▶▷①-⑳]|\d+[.)]|[가-하][.)]")


def _forget_previous_document() -> None:
    """Empty the per-document caches before each parse: memory stays bounded by one document,
    and no parse runs faster for the one before it."""
    paren_span.cache_clear()
    norm_title.cache_clear()
    schedule_heading_year.cache_clear()
    letters.cache_clear()
    needs_subject.cache_clear()
    is_date_only.cache_clear()


# `관련기사` / `많이 본 뉴스` and the headlines listed under it (`- … 세종시 이전2018.02.21`): other
# articles of the site, with their own dates; not the document (not its dateline, not its steps).
_RELATED_LIST = re.compile(
    r"^\s*\[?\s?(?:관련\s?기사|많이\s?본\s?(?:뉴스|기사)|인기\s?기사|주요\s?뉴스|추천\s?뉴스)\s?\]?\s*$"
)
_LISTED_HEADLINE = re.compile(r"^\s*[-·•▶]\s?\S|(?:19|20)\d{2}[.\-]\d{2}[.\-]\d{2}\s*$")


def _without_related_lists(text: str) -> str:
    if "관련" not in text and "뉴스" not in text and "기사" not in text:
        return text
    lines = text.split("\n")
    listing = False
    for n, line in enumerate(lines):
        if _RELATED_LIST.match(line):
            listing, lines[n] = True, ""
        elif listing and _LISTED_HEADLINE.search(line):
            lines[n] = ""  # the line stays, blank, so the document's line numbers are kept
        else:
            listing = False
    return "\n".join(lines)


def _parse(text: str, doc_date: date | None, plan_key: str | None) -> ParsedPlan:
    listed = _without_related_lists(text)
    lines = listed.splitlines()
    title = find_title(lines)
    found, stated = find_dateline(lines)
    reported = None
    if found is None and listed is not text:
        found = reported = listed_release_date(text.splitlines())  # the lead's day, in the related list
    text = listed
    if found is not None and stated:
        unstamped = without_listing_stamp(lines)
        if unstamped is not lines:
            lines, text = unstamped, "\n".join(unstamped)
    stated = stated and doc_date is None
    doc_date = doc_date or found
    plan_year = heading_plan_year(lines) or find_plan_year(title, lines, doc_date)
    press = is_press_release(lines) or reported is not None  # a report of a release, in the news
    key = plan_key or make_plan_key(title, plan_year, press)
    ref_year = doc_date.year if doc_date else plan_year or later_call_year(lines)
    year = plan_year or ref_year or find_named_year(lines) or named_round_year(lines)
    if doc_date is None and year is not None and budget_in_preparation(lines) == year:
        year = year - 1  # an undated call for the 2026 budget runs its schedule in 2025
        ref_year = year if ref_year is not None else None
    ctx = DocContext(
        ref_year=ref_year,
        plan_year=year,
        doc_date=doc_date,
        press=press,
        subject=notice_subject(find_notice_title(lines)),
        stated=stated,
        tracks_results=is_implementation_plan(lines),
    )
    contacts = find_contacts(lines)
    found_items = prepared_the_year_before(candidates(logical_lines(text), ctx), lines)
    found_items = name_the_project(found_items, lines)
    found_items = title_by_own_label(found_items, lines, lambda label: notice_step(label, ctx.subject))
    found_items = mend_titles(title_table_rows(found_items, lines), lines, ctx.subject)
    found_items = name_bare_labels(read_fields(found_items, lines), lines, ctx.subject)
    step = partial(notice_step, subject=ctx.subject)
    found_items = title_by_sentence(found_items, lines, ctx.subject, step)
    found_items = read_changes(title_by_record_label(found_items, lines, ctx.subject, step), lines, doc_date)
    found_items = close_open_starts(title_completion_targets(found_items, lines), lines)
    found_items = title_announced_calls(title_listed_rounds(found_items, lines), lines)
    found_items = title_held_events(title_chain_stages(found_items, lines))
    found_items = drop_reported(drop_non_milestones(found_items, lines, doc_date), lines)
    found_items = drop_asides(found_items, lines)
    found_items = split_respective_rounds(drop_named_periods(found_items, lines), lines)
    found_items = title_schedule_details(drop_own_dates(found_items, lines), lines)
    found_items = title_list_heads(title_note_fields(found_items, lines), lines)
    found_items = title_stages(join_began_days(found_items, lines), lines)
    found_items = continue_month_rows(count_from_events(found_items, lines), lines)
    found_items = date_first_steps(found_items, lines)
    unplaced = articles_without_year(lines)
    if unplaced:  # another article's year does not place these days
        found_items = [c for c in found_items if c.line not in unplaced or c.expr_norm.explicit_year]
    items = title_short_by_topic(dedupe(_undated_title(found_items, lines)), lines)
    items = drop_restated_ends(drop_bare_restatements(items))
    items = drop_year_frames(drop_coarse_restatements(drop_contained_repeats(items)), title, lines)
    items = drop_open_restatements(drop_same_day_repeats(items, title))
    items = drop_restated_targets(drop_status_and_headline_repeats(items, lines))
    milestones = to_milestones(items, key, lambda context: assign_owner(contacts, context))
    return ParsedPlan(plan_key=key, title=title, doc_date=doc_date, milestones=tuple(milestones))


def _undated_title(items: list[Candidate], lines: list[str]) -> list[Candidate]:
    """The document's own title line (`2025년 6월 건축안전전문위원회 심의 일정 안내`) names the period
    it is about; its year or month is not a milestone (the body dates the steps)."""
    filled = [n for n, line in enumerate(lines, 1) if line.strip()][:2]
    if len(filled) < 2:
        return items  # a one-line text is an item, not a titled document
    first = filled[0]
    title = lines[first - 1].strip()
    # a headline may end in a verb (`신안군, 2019년 농림축산식품사업 신청받는다`); a sentence ends in `다.`
    if len(title) > _TITLE_MAX or title.endswith("다.") or _BULLET.match(title):
        return items
    if title.endswith("다") and len(title) > _HEADLINE_MAX:
        return items
    return [c for c in items if c.line != first or c.expr_norm.grain == "day"]


def parse_plan(text: str, *, doc_date: date | None = None, plan_key: str | None = None) -> ParsedPlan:
    """Parse a plan; never raises: on unusable input the milestone tuple is empty."""
    if not isinstance(text, str):
        text = ""
    _forget_previous_document()
    try:
        return _parse(text[:MAX_CHARS], doc_date, plan_key)
    except (ValueError, IndexError, KeyError, TypeError, OverflowError, RecursionError):
        # A parser bug, not bad input: logged with its traceback so the empty result is not silent.
        log.exception("plan parser failed on a %d-character document; no milestones returned", len(text))
        return ParsedPlan(plan_key=plan_key or "plan", title="", doc_date=doc_date, milestones=())


def is_native() -> bool:
    """Whether the compiled (mypyc) parser modules are in use."""
    return _native is not None
