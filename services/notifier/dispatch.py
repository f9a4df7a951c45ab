"""The digest job: claims pending items into mails by the clock's rules, then sends the mails due.

- Quiet hours: nothing is claimed or sent outside working hours or on non-working days (`force` — the
  `mtrack jobs run digest` command — ignores the hour, for demos and checks).
- Digest: one mail per recipient per working day (key `digest:<day>:<recipient>`, unique), from the first
  pass at/after the digest hour, carrying every item not yet claimed.
- Immediate (a person's `delivery: immediate`, escalations with MTRACK_ESCALATION_IMMEDIATE): each pass
  puts a recipient's waiting items into one mail.
- Exactly once: a mail is recorded with its items before it is sent (leased, so two replicas never send
  the same one) and marked after. SMTP 4xx and connection failures retry later with backoff; 5xx is
  recorded as failed. A crash between the server's acceptance and the mark resends with the same
  Message-ID (the counted window)."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from aiosmtplib import SMTPException, SMTPRecipientsRefused, SMTPResponseException
from sqlalchemy import all_, and_, func, or_, select, text, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from services.notifier.compose import GROUPS, MAX_LISTED, Letter, entry, message_id, render
from services.notifier.hours import Hours, digest_due, in_working_hours
from services.notifier.mailer import Send
from services.notifier.metrics import DIGEST_LAST, MAILS, OLDEST, PENDING, RETRIES
from services.notifier.models import Mail, PendingItem
from services.notifier.webhooks import WebhookSender
from shared import action_tokens as tokens
from shared.clock import SEOUL, Clock
from shared.db import array, columns
from shared.directory import Directory
from shared.workdays import WorkingCalendar

log = logging.getLogger(__name__)

# A batch of mails is leased at once, and each mail's lease is renewed (only if still ours) just
# before it is sent: one send (the 15 s SMTP timeout) stays well inside the lease, so no other replica
# re-sends it, and a mail whose sender was killed waits at most one lease for another replica.
SEND_BATCH = 20
LEASE = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=1)

# Every statement here has one SQL text whatever the number of rows or ids (arrays, not VALUES lists or
# IN lists): each distinct text is prepared and kept in each pooled connection's statement cache, and
# texts that vary with a batch's size made the notifier's RSS grow under a steady load (see handlers.py).
MAIL_INSERT = text(
    """INSERT INTO notifier_mail (key, recipient, kind, slot, message_id, status, attempts, next_attempt_at)
       SELECT u.key, u.recipient, u.kind, u.slot, u.message_id, 'pending', 0, now()
       FROM unnest(CAST(:key AS text[]), CAST(:recipient AS text[]), CAST(:kind AS text[]),
                   CAST(:slot AS date[]), CAST(:message_id AS text[]))
            AS u(key, recipient, kind, slot, message_id)
       ON CONFLICT DO NOTHING
       RETURNING key, recipient"""
)
# Items attached to their mails in one statement per pass (a digest takes a recipient's waiting digest
# items; an immediate mail takes the items it was made from).
ATTACH_DIGESTS = text(
    """UPDATE notifier_item i SET mail_key = u.key
       FROM unnest(CAST(:recipient AS text[]), CAST(:key AS text[])) AS u(recipient, key)
       WHERE i.recipient = u.recipient AND i.mail_key IS NULL AND i.delivery = 'digest'"""
)
ATTACH_ITEMS = text(
    """UPDATE notifier_item i SET mail_key = u.key
       FROM unnest(CAST(:id AS bigint[]), CAST(:key AS text[])) AS u(id, key) WHERE i.id = u.id"""
)

# A mail's items are read in three small answers, never all of them at once (a mail after an SMTP outage
# or a plan's first day holds thousands; loading and rendering every one grew the notifier's RSS): per
# alert type, how many milestones (each once, under its most urgent alert: the compose.GROUPS order);
# the rows to list, in the mail's order (due date, undated last, then title; "C" collation = Python's
# code-point order); and the owners and audiences, for the Reply-To desk and the managers in Cc.
_BEST = """WITH best AS (
         SELECT DISTINCT ON (milestone_id) alert_type, alert,
                array_position(CAST(:types AS text[]), alert_type) AS rank
         FROM notifier_item
         WHERE mail_key = :key AND alert_type = ANY(CAST(:types AS text[]))
         ORDER BY milestone_id, array_position(CAST(:types AS text[]), alert_type), id)"""
MAIL_TOTALS = text(_BEST + " SELECT alert_type, count(*) FROM best GROUP BY alert_type")
MAIL_LISTED = text(
    _BEST
    + """ SELECT alert FROM best
       ORDER BY rank, alert->>'due' IS NULL, alert->>'due', alert->>'title' COLLATE "C"
       LIMIT :limit"""
).columns(alert=PendingItem.alert.type)
MAIL_PEOPLE = text(
    """SELECT DISTINCT alert->>'owner' AS owner, alert->>'audience' AS audience
       FROM notifier_item WHERE mail_key = :key ORDER BY 1, 2"""
)


@dataclass
class Dispatcher:
    sessions: async_sessionmaker  # type: ignore[type-arg]
    directory: Directory
    calendar: WorkingCalendar
    clock: Clock
    send: Send
    sender: str
    public_url: str
    key: bytes
    hours: Hours = field(default_factory=Hours)
    link_days: int = 14
    webhooks: WebhookSender | None = None
    retry_first: timedelta = timedelta(seconds=30)
    # A digest waits until a recipient's items stop arriving for this long (a sweep or a first start
    # emits alerts over several seconds; the digest should carry them all). `force` does not wait.
    settle: timedelta = timedelta(seconds=20)
    # Immediate mails wait this long for a burst of alerts to end (one mail, not one per batch) …
    immediate_settle: timedelta = timedelta(seconds=5)
    # … but no longer than this after its first item: alerts that never stop (a backlog, a steady
    # stream) would otherwise be held until they do, then go out as one mail of thousands of rows.
    immediate_max_wait: timedelta = timedelta(seconds=60)

    async def run(self, *, force: bool = False) -> dict[str, int]:
        now = self.clock.now()
        today = now.astimezone(SEOUL).date()  # the Korean working day the mails belong to
        counts = {"digests": 0, "immediate": 0, "sent": 0, "retried": 0, "refused": 0, "webhooks": 0}
        if force or in_working_hours(now, self.calendar, self.hours):
            counts["immediate"] = await self._claim_immediate(today, force=force)
            if force or digest_due(now, self.calendar, self.hours):
                counts["digests"] = await self._claim_digests(today, force=force)
            for outcome, n in (await self._send_due(now, force=force)).items():
                counts[outcome] += n
        if self.webhooks is not None:
            counts["webhooks"] = await self.webhooks.deliver_due()
        DIGEST_LAST.set(datetime.now(UTC).timestamp())
        return counts

    async def settling_until(self) -> datetime | None:
        """When items now held back by a settle window become due (the app runs the job then)."""
        async with self.sessions() as session:
            spans = (
                await session.execute(
                    select(
                        PendingItem.delivery,
                        func.min(PendingItem.created_at),
                        func.max(PendingItem.created_at),
                    )
                    .where(PendingItem.mail_key.is_(None))
                    .group_by(PendingItem.delivery)
                )
            ).all()
        ends = [
            newest + self.settle
            if delivery == "digest"
            else min(newest + self.immediate_settle, oldest + self.immediate_max_wait)
            for delivery, oldest, newest in spans
            if newest is not None
        ]
        upcoming = [e for e in ends if e > datetime.now(UTC)]
        return min(upcoming) if upcoming else None

    async def _claim_digests(self, day: date, *, force: bool) -> int:
        """One statement creates today's digest rows for everyone with waiting digest items (a row that
        exists already — sent earlier today or by another replica — is left alone); one attaches them."""
        async with self.sessions() as session, session.begin():
            waiting = (
                select(PendingItem.recipient)
                .where(PendingItem.mail_key.is_(None), PendingItem.delivery == "digest")
                .group_by(PendingItem.recipient)
            )
            if not force:
                waiting = waiting.having(func.max(PendingItem.created_at) < datetime.now(UTC) - self.settle)
            people = list((await session.scalars(waiting)).all())
            if not people:
                return 0
            rows = [self._mail_row(f"digest:{day.isoformat()}:{p.lower()}", p, "digest", day) for p in people]
            created = list((await session.execute(MAIL_INSERT, columns(rows))).all())
            if created:
                attach = {"recipient": [r for _, r in created], "key": [k for k, _ in created]}
                await session.execute(ATTACH_DIGESTS, attach)
        return len(created)

    async def _claim_immediate(self, day: date, *, force: bool) -> int:
        async with self.sessions() as session, session.begin():
            query = select(PendingItem.id, PendingItem.recipient, PendingItem.delivery).where(
                PendingItem.mail_key.is_(None), PendingItem.delivery != "digest"
            )
            if not force:  # held: a recipient whose burst goes on, unless it began immediate_max_wait ago
                real = datetime.now(UTC)
                held = (
                    select(PendingItem.recipient)
                    .where(PendingItem.mail_key.is_(None), PendingItem.delivery != "digest")
                    .group_by(PendingItem.recipient)
                    .having(
                        func.max(PendingItem.created_at) >= real - self.immediate_settle,
                        func.min(PendingItem.created_at) > real - self.immediate_max_wait,
                    )
                )
                query = query.where(PendingItem.recipient.not_in(held))
            found = (
                await session.execute(query.order_by(PendingItem.id).with_for_update(skip_locked=True))
            ).all()
            groups: dict[tuple[str, str], list[int]] = defaultdict(list)
            for item_id, recipient, delivery in found:
                groups[(recipient, delivery)].append(item_id)
            if not groups:
                return 0
            rows: list[dict[str, object]] = []
            attach: dict[str, list[object]] = {"id": [], "key": []}
            for (recipient, delivery), ids in groups.items():
                key = f"{delivery}:{ids[0]}:{recipient.lower()}"
                rows.append(self._mail_row(key, recipient, delivery, day))
                attach["id"].extend(ids)
                attach["key"].extend([key] * len(ids))
            await session.execute(ATTACH_ITEMS, attach)
            await session.execute(MAIL_INSERT, columns(rows))
        return len(rows)

    def _mail_row(self, key: str, recipient: str, kind: str, day: date) -> dict[str, object]:
        return {
            "key": key,
            "recipient": recipient,
            "kind": kind,
            "slot": day,
            "message_id": message_id(key, recipient),
        }

    async def _send_due(self, now: datetime, *, force: bool) -> dict[str, int]:
        """Leases due mails a batch at a time (a lease outlives a batch's worst-case send time) until
        none is left; each mail is tried at most once per pass."""
        counts = {"sent": 0, "retried": 0, "refused": 0}
        tried: set[str] = set()
        while True:
            real = datetime.now(UTC)
            conditions = [Mail.status == "pending", or_(Mail.lease_until.is_(None), Mail.lease_until < real)]
            if not force:
                conditions.append(Mail.next_attempt_at <= real)
            if tried:
                conditions.append(Mail.key != all_(array("tried", sorted(tried))))
            async with self.sessions() as session, session.begin():
                leased = list(
                    (
                        await session.scalars(
                            select(Mail)
                            .where(*conditions)
                            .order_by(Mail.created_at)
                            .limit(SEND_BATCH)
                            .with_for_update(skip_locked=True)
                        )
                    ).all()
                )
                for mail in leased:
                    mail.lease_until = real + LEASE
                    mail.attempts += 1
            for mail in leased:
                tried.add(mail.key)
                if not await self._renew(mail):
                    continue  # our lease ran out while earlier mails were sent; another replica has it
                outcome = await self._send_one(mail, now)
                counts[outcome] += 1
            if len(leased) < SEND_BATCH:
                return counts

    async def _send_one(self, mail: Mail, now: datetime) -> str:
        wanted = {"key": mail.key, "types": [t for t, _ in GROUPS]}
        async with self.sessions() as session:
            totals = {t: n for t, n in (await session.execute(MAIL_TOTALS, wanted)).all()}
            alerts = list((await session.scalars(MAIL_LISTED, {**wanted, "limit": MAX_LISTED})).all())
            people = [(o, a) for o, a in (await session.execute(MAIL_PEOPLE, wanted)).all()]
        if not totals:
            await self._mark(mail.key, status="empty", lease_until=None)
            return "sent"
        message = render(self._letter(mail, alerts, totals, people), now=now)
        try:
            refused = await self.send(message)
        except (SMTPException, OSError, TimeoutError) as err:
            reason = permanent_refusal(err)
            if reason is not None:
                await self._mark(mail.key, status="failed", last_error=reason[:500], lease_until=None)
                MAILS.labels(mail.kind, "refused").inc()
                log.warning("mail %s to %s refused permanently: %s", mail.key, mail.recipient, reason)
                return "refused"
            delay = min(self.retry_first * 2 ** max(mail.attempts - 1, 0), MAX_BACKOFF)
            await self._mark(
                mail.key,
                next_attempt_at=datetime.now(UTC) + delay,
                lease_until=None,
                last_error=f"{type(err).__name__}: {err}"[:500],
            )
            MAILS.labels(mail.kind, "retried").inc()
            RETRIES.labels("mail").inc()
            log.info("mail %s to %s delayed %s: %s", mail.key, mail.recipient, delay, err)
            return "retried"
        note = "; ".join(f"{a}: {code}" for a, (code, _) in refused.items()) or None
        await self._mark(
            mail.key, status="sent", sent_at=datetime.now(UTC), lease_until=None, last_error=note
        )
        MAILS.labels(mail.kind, "sent").inc()
        return "sent"

    def _letter(
        self,
        mail: Mail,
        alerts: list[dict],  # type: ignore[type-arg]
        totals: dict[str, int],
        people: list[tuple[str | None, str | None]],
    ) -> Letter:
        expires = self.clock.now() + timedelta(days=self.link_days)

        def link(milestone_id: str) -> str:
            token = tokens.sign(
                self.key, milestone_id=milestone_id, recipient=mail.recipient, expires=expires
            )
            return f"{self.public_url.rstrip('/')}/a/{token}"

        entries = [entry(a, link(a["milestone_id"])) for a in alerts]
        departments = [self.directory.resolve(owner) for owner, _ in people]
        desks = {d.desk if d is not None else None for d in departments}
        reply_to = (desks.pop() if len(desks) == 1 else None) or self.directory.fallback.desk
        cc: list[str] = []
        for (_, audience), dept in zip(people, departments, strict=True):
            if audience == "manager" and dept is not None:
                cc.extend(p.email for p in dept.officers)
        cc = [c for i, c in enumerate(cc) if c.lower() != mail.recipient.lower() and c not in cc[:i]]
        return Letter(
            key=mail.key,
            kind=mail.kind,
            sender=self.sender,
            recipient=mail.recipient,
            name=self._name(mail.recipient),
            cc=cc,
            reply_to=reply_to,
            day=mail.slot,
            entries=entries,
            public_url=self.public_url,
            link_days=self.link_days,
            totals=totals,
        )

    def _name(self, address: str) -> str | None:
        for dept in self.directory.departments:
            for person in (dept.manager, *dept.officers):
                if person is not None and person.email.lower() == address.lower():
                    return person.name
        return None

    async def _renew(self, mail: Mail) -> bool:
        """Extends the lease of `mail` if it is still the one this pass took (same `lease_until`)."""
        renewed = datetime.now(UTC) + LEASE
        async with self.sessions() as session, session.begin():
            result = await session.execute(
                update(Mail)
                .where(Mail.key == mail.key, Mail.status == "pending", Mail.lease_until == mail.lease_until)
                .values(lease_until=renewed)
                .returning(Mail.key)
            )
            if result.scalar() is None:
                return False
        mail.lease_until = renewed
        return True

    async def _mark(self, key: str, **values: object) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(update(Mail).where(Mail.key == key).values(**values))

    async def refresh_gauges(self) -> None:
        async with self.sessions() as session:
            open_items = or_(
                PendingItem.mail_key.is_(None),
                PendingItem.mail_key.in_(select(Mail.key).where(Mail.status == "pending")),
            )
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(PendingItem.created_at)).where(and_(open_items))
                )
            ).one()
        PENDING.set(count)
        OLDEST.set((datetime.now(UTC) - oldest).total_seconds() if oldest else 0)


def permanent_refusal(err: BaseException) -> str | None:
    """The reason when the server will never take this message (5xx); None for what may pass later
    (421/451, a refused connection, a timeout)."""
    if isinstance(err, SMTPRecipientsRefused):
        codes = [refusal.code for refusal in err.recipients]
        return f"recipient refused ({', '.join(map(str, codes))})" if codes and min(codes) >= 500 else None
    if isinstance(err, SMTPResponseException) and err.code >= 500:
        return f"{err.code} {err.message}"
    return None
