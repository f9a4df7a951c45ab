"""What the notifier does with an alert: look up the owner's addresses and mail each one exactly once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage

from aiosmtplib import SMTPException, SMTPRecipientsRefused, SMTPResponseException
from prometheus_client import Counter
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import async_sessionmaker

from services.notifier.compose import compose
from services.notifier.directory import OwnerDirectory
from services.notifier.models import Notification
from shared.events import AlertPayload, Envelope, MilestoneDueSoon, MilestoneOverdue
from shared.kafka import Rejected

MAILS = Counter("mtrack_notifier_emails_total", "Alert e-mails by outcome", ["type", "outcome"])

ALERT_TYPES = {MilestoneDueSoon.TYPE, MilestoneOverdue.TYPE}

Send = Callable[[EmailMessage], Awaitable[None]]


@dataclass(frozen=True)
class Context:
    sessions: async_sessionmaker  # type: ignore[type-arg]
    directory: OwnerDirectory
    send: Send
    sender: str


async def handle_batch(envelopes: list[Envelope], ctx: Context) -> list[Rejected]:
    rejected: list[Rejected] = []
    for env in envelopes:
        if env.type not in ALERT_TYPES:
            continue
        alert = env.payload()
        assert isinstance(alert, AlertPayload)
        recipients = ctx.directory.recipients(alert.owner)
        if not recipients:
            rejected.append(Rejected(env, f"no recipient for owner {alert.owner!r} and no fallback"))
            continue
        refused = [
            f"{recipient}: {reason}"
            for recipient in recipients
            if (reason := await notify_once(env, alert, recipient, ctx)) is not None
        ]
        if refused:
            rejected.append(Rejected(env, "the mail server refused: " + "; ".join(refused)))
    return rejected


async def notify_once(env: Envelope, alert: AlertPayload, recipient: str, ctx: Context) -> str | None:
    """Records the mail as pending, sends it, marks it sent. A crash between send and mark resends
    with the same Message-ID, which mail clients fold into one. A permanent refusal (SMTP 5xx) is
    recorded as `failed` and returned as the reason; a transient one raises, and the alert is retried."""
    message = compose(env, alert, sender=ctx.sender, recipient=recipient)
    key = {"alert_event_id": env.event_id, "recipient": recipient}
    async with ctx.sessions() as session, session.begin():
        await session.execute(
            insert(Notification)
            .values(
                **key,
                milestone_id=env.subject,
                alert_type=env.type,
                message_id=message["Message-ID"],
                subject=str(message["Subject"]),
                status="pending",
                attempts=0,
            )
            .on_conflict_do_nothing()
        )
        status = await session.scalar(select(Notification.status).filter_by(**key).with_for_update())
        if status in ("sent", "failed"):
            MAILS.labels(env.type, "duplicate").inc()
            return None
        await session.execute(
            update(Notification).filter_by(**key).values(attempts=Notification.attempts + 1)
        )
    try:
        await ctx.send(message)
    except SMTPException as err:
        reason = permanent_refusal(err)
        if reason is None:
            raise
        await _mark(ctx, key, status="failed")
        MAILS.labels(env.type, "refused").inc()
        return reason
    await _mark(ctx, key, status="sent", sent_at=datetime.now(UTC))
    MAILS.labels(env.type, "sent").inc()
    return None


async def _mark(ctx: Context, key: dict[str, object], **values: object) -> None:
    async with ctx.sessions() as session, session.begin():
        await session.execute(update(Notification).filter_by(**key).values(**values))


def permanent_refusal(err: SMTPException) -> str | None:
    """The reason when the server will never take this message (5xx); None for what may pass later."""
    if isinstance(err, SMTPRecipientsRefused):
        codes = [refusal.code for refusal in err.recipients]
        return f"recipient refused ({', '.join(map(str, codes))})" if codes and min(codes) >= 500 else None
    if isinstance(err, SMTPResponseException) and err.code >= 500:
        return f"{err.code} {err.message}"
    return None
