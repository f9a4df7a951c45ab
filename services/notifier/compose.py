"""Builds the alert e-mail in Korean. Titles come from documents: they never add a header or markup."""

from __future__ import annotations

import html
import uuid
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from shared.clock import SEOUL, to_seoul_datetime
from shared.events import AlertPayload, Envelope

MESSAGE_ID_NAMESPACE = uuid.UUID("0b7e6a8e-2f5d-4c6b-9a0e-5d1c3b2a4f90")
MESSAGE_ID_DOMAIN = "mtrack.example.com"

HEADLINES = {
    "milestone.due_soon": ("기한 임박", "마감 {days}일 전"),
    "milestone.overdue": ("기한 경과", "{days}일 경과"),
}


def message_id(alert_event_id: uuid.UUID, recipient: str) -> str:
    """The same alert to the same recipient always carries the same Message-ID."""
    return (
        f"<{uuid.uuid5(MESSAGE_ID_NAMESPACE, f'{alert_event_id}|{recipient.lower()}')}@{MESSAGE_ID_DOMAIN}>"
    )


def one_line(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def compose(envelope: Envelope, alert: AlertPayload, *, sender: str, recipient: str) -> EmailMessage:
    label, when = HEADLINES[envelope.type]
    when = when.format(days=alert.days)
    title = one_line(alert.title)
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = f"[mtrack] {label}: {title} (기한 {alert.due.isoformat()}, {when})"
    msg["From"] = sender
    msg["To"] = recipient
    msg["Date"] = format_datetime(to_seoul_datetime(envelope.occurred_at).astimezone(SEOUL))
    msg["Message-ID"] = message_id(envelope.event_id, recipient)
    msg["X-Mtrack-Milestone"] = envelope.subject
    msg["X-Mtrack-Alert"] = envelope.type
    text = _body_text(envelope, alert, label, when)
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(_body_html(text), subtype="html", charset="utf-8")
    return msg


def _body_text(envelope: Envelope, alert: AlertPayload, label: str, when: str) -> str:
    section = " > ".join(one_line(s, 60) for s in alert.section) or "-"
    return "\n".join(
        [
            f"담당자님, 안녕하십니까. mtrack 기한 알림({label})입니다.",
            "",
            f"과제: {alert.title}",
            f"구분: {section}",
            f"기한: {alert.due.isoformat()} ({when}, {alert.as_of.isoformat()} 기준)",
            f"담당 부서: {alert.owner or '미지정'}",
            f"마일스톤 ID: {envelope.subject}",
            "",
            "완료되었다면 진행 상황을 mtrack에 보고해 주십시오.",
            "이 메일은 mtrack이 자동으로 보냈습니다.",
        ]
    )


def _body_html(text: str) -> str:
    lines = "".join(f"<p>{html.escape(line)}</p>" if line else "<br>" for line in text.split("\n"))
    return f'<!doctype html><html lang="ko"><meta charset="utf-8"><body>{lines}</body></html>'
