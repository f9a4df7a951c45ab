"""Builds the mails (Jinja2 templates, multipart text + HTML, Korean). Document text never becomes a
header other than the Subject, and there only as one printable line with encoded words neutralised."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from shared.clock import SEOUL

MESSAGE_ID_NAMESPACE = uuid.UUID("0b7e6a8e-2f5d-4c6b-9a0e-5d1c3b2a4f90")
MESSAGE_ID_DOMAIN = "mtrack.example.com"
LIST_ID = "mtrack deadline alerts <alerts.mtrack.example.com>"

# Group order in a digest: what needs a person most comes first.
GROUPS = (
    ("milestone.escalated", "에스컬레이션 (책임자 확인 필요)"),
    ("milestone.overdue", "기한 경과"),
    ("milestone.due_soon", "기한 임박"),
    ("milestone.update_requested", "추진실적 보고 요청"),
)
SHORT = {
    "milestone.escalated": "에스컬레이션",
    "milestone.overdue": "기한 경과",
    "milestone.due_soon": "기한 임박",
    "milestone.update_requested": "실적 보고 요청",
}
HEALTH = {"green": "양호", "amber": "주의", "red": "위험", "done": "완료", "withdrawn": "철회"}

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"], default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def one_line(text: str | None, limit: int = 120) -> str:
    """One printable line: control and separator characters become spaces, runs of space one, the
    encoded-word markers `=?` and `?=` are broken apart, and it is cut at `limit` characters."""
    chars = (" " if unicodedata.category(c)[0] in "CZ" else c for c in (text or ""))
    flat = " ".join("".join(chars).split()).replace("=?", "= ?").replace("?=", "? =")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def message_id(key: str, recipient: str) -> str:
    """The same mail (digest slot or immediate batch) to the same recipient: the same Message-ID."""
    return f"<{uuid.uuid5(MESSAGE_ID_NAMESPACE, f'{key}|{recipient.lower()}')}@{MESSAGE_ID_DOMAIN}>"


@dataclass(frozen=True)
class Entry:
    milestone_id: str
    alert_type: str
    title: str
    section: str
    owner: str
    due: date | None
    when: str  # "3일 남음" / "5일 경과" / "기한 없음"
    step: str
    health: str
    link: str


def entry(alert: dict[str, Any], link: str) -> Entry:
    due = date.fromisoformat(alert["due"]) if alert.get("due") else None
    as_of = date.fromisoformat(alert["as_of"])
    if due is None:
        when = "기한 없음"
    elif due >= as_of:
        when = "오늘 마감" if due == as_of else f"{(due - as_of).days}일 남음"
    else:
        when = f"{(as_of - due).days}일 경과"
    health = alert.get("health")
    return Entry(
        milestone_id=one_line(alert["milestone_id"], 128),
        alert_type=alert["type"],
        title=one_line(alert["title"], 200),
        section=" > ".join(one_line(s, 60) for s in alert.get("section") or []) or "-",
        owner=one_line(alert.get("owner"), 100) or "미지정",
        due=due,
        when=when,
        step=one_line(alert.get("step"), 16),
        health=HEALTH.get(health or "", "-"),
        link=link,
    )


def grouped(entries: list[Entry]) -> list[tuple[str, list[Entry]]]:
    """Groups in GROUPS order, each sorted by due date (undated last); a milestone appears once, under
    its most urgent alert."""
    return [(label, rows) for _, label, rows in _by_type(entries)]


def _by_type(entries: list[Entry]) -> list[tuple[str, str, list[Entry]]]:
    rank = {t: i for i, (t, _) in enumerate(GROUPS)}
    best: dict[str, Entry] = {}
    for item in entries:
        held = best.get(item.milestone_id)
        if held is None or rank.get(item.alert_type, 9) < rank.get(held.alert_type, 9):
            best[item.milestone_id] = item
    out = []
    for alert_type, label in GROUPS:
        rows = [e for e in best.values() if e.alert_type == alert_type]
        rows.sort(key=lambda e: (e.due is None, e.due or date.max, e.title))
        if rows:
            out.append((alert_type, label, rows))
    return out


def tally(letter: Letter) -> list[tuple[str, str, list[Entry], int]]:
    """(alert type, label, rows at hand, milestones in the whole mail) per group, most urgent first."""
    shown = {t: rows for t, _, rows in _by_type(letter.entries)}
    totals = letter.totals if letter.totals is not None else {t: len(r) for t, r in shown.items()}
    return [(t, label, shown.get(t, []), totals[t]) for t, label in GROUPS if totals.get(t)]


# Rows listed in one mail; the rest of each group is counted, not listed. A mail of thousands of rows
# (a backlog, a plan's first day) is one nobody can act on, and rendering it twice (text and HTML) cost
# the notifier tens of MB at once (seen in the soak).
MAX_LISTED = 100


def listed(letter: Letter, limit: int = MAX_LISTED) -> list[tuple[str, list[Entry], int]]:
    """Each group with the rows shown and how many are left out, the most urgent groups first."""
    out, room = [], limit
    for _, label, rows, total in tally(letter):
        shown = rows[: max(room, 0)]
        room -= len(shown)
        out.append((label, shown, total - len(shown)))
    return out


@dataclass(frozen=True)
class Letter:
    """Everything a mail is made of; only `entries` carry document text."""

    key: str
    kind: str  # digest | immediate | escalation
    sender: str
    recipient: str
    name: str | None
    cc: list[str]
    reply_to: str
    day: date
    entries: list[Entry]
    public_url: str
    link_days: int = 14
    # Milestones per alert type in the whole mail, when `entries` holds only the rows to list (the
    # dispatcher loads at most MAX_LISTED of a mail's items); None: `entries` is the whole mail.
    totals: dict[str, int] | None = None


def subject(letter: Letter) -> str:
    groups = tally(letter)
    count = sum(total for *_, total in groups)
    if letter.kind != "digest" and count == 1 and groups[0][2]:
        only = groups[0][2][0]
        due = only.due.isoformat() if only.due else "기한 없음"
        return f"[mtrack] {SHORT[only.alert_type]}: {one_line(only.title, 80)} ({due}, {only.when})"
    counts = ", ".join(f"{SHORT[t]} {total}건" for t, _, _, total in groups)
    what = "일일 기한 알림" if letter.kind == "digest" else "기한 알림"
    return f"[mtrack] {letter.day.isoformat()} {what} {count}건 ({counts})"


def render(letter: Letter, *, now: datetime) -> EmailMessage:
    context = {
        "letter": letter,
        "groups": listed(letter),
        "limit": MAX_LISTED,
        "name": one_line(letter.name, 60) if letter.name else "담당자",
        "day": letter.day.isoformat(),
    }
    msg = EmailMessage(policy=SMTP)
    msg["From"] = letter.sender
    msg["To"] = _plain(letter.recipient)
    if letter.cc:
        msg["Cc"] = ", ".join(_plain(a) for a in letter.cc)
    # CPython's folder (policy SMTP) drops the space at a fold between two encoded words: "151건 (기한"
    # arrived as "151건(기한" (584 of 2,000 random Korean subjects lost one). email.header.Header keeps
    # the spaces inside the encoded words, and set_raw keeps its folding (lines of at most 76).
    msg.set_raw("Subject", Header(subject(letter), "utf-8", header_name="Subject").encode())
    msg["Date"] = format_datetime(now.astimezone(SEOUL))
    msg["Message-ID"] = message_id(letter.key, letter.recipient)
    msg["Auto-Submitted"] = "auto-generated"
    msg["Reply-To"] = _plain(letter.reply_to)
    msg["List-Id"] = LIST_ID
    msg.set_content(_templates.get_template("mail.txt").render(context), charset="utf-8")
    msg.add_alternative(_templates.get_template("mail.html").render(context), subtype="html", charset="utf-8")
    return msg


def _plain(address: str) -> str:
    """A directory address, re-checked to be one plain addr-spec (no display name, no folding)."""
    parsed = Address(addr_spec=address)
    return parsed.addr_spec


LinkMaker = Callable[[str, str], str]
