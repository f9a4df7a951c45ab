"""The notifier against real servers: PostgreSQL, the broker, aiosmtpd (accepting, refusing, delaying) and
a loopback webhook receiver that verifies signatures with the `standardwebhooks` library."""

from __future__ import annotations

import asyncio
import base64
import threading
import uuid
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from aiosmtpd.controller import Controller
from sqlalchemy import event, func, select, update
from standardwebhooks.webhooks import Webhook

from mtrack.stack.ports import free_port
from services.notifier.app import NotifierSettings, make_dispatcher
from services.notifier.app import create_app as create_notifier
from services.notifier.handlers import batch_handler, drop_resolved, record_alerts
from services.notifier.models import Mail, PendingItem, WebhookDelivery
from services.notifier.webhooks import WebhookSender
from shared.clock import SEOUL, Clock
from shared.db import make_engine, make_sessionmaker
from shared.directory import load_directory
from shared.events import (
    MilestoneDueSoon,
    MilestoneEscalated,
    MilestoneOverdue,
    MilestoneStatusReported,
    Topics,
    encode,
    new_envelope,
)
from tests.kafka_tools import produce
from tests.waiting import eventually

HEADERS = ["From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted", "Reply-To", "List-Id",
           "MIME-Version", "Content-Type"]  # fmt: skip


class Smtp:
    """Accepts mail; `codes` maps a local-part prefix to the RCPT reply code to give instead."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []
        self.codes: dict[str, str] = {}

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        for prefix, reply in self.codes.items():
            if address.startswith(prefix):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"

    def to(self, address: str) -> list[Any]:
        return [message_from_bytes(raw, policy=default) for rcpts, raw in self.received if address in rcpts]


@pytest.fixture
def smtp() -> Any:
    handler = Smtp()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def _directory(tmp_path: Path, tag: str, *, webhook_url: str | None = None) -> tuple[Path, dict[str, str]]:
    people = {k: f"{k}-{tag}@example.com" for k in ("officer", "fast", "head", "desk", "fallback")}
    dept: dict[str, Any] = {
        "code": f"d-{tag}",
        "name": f"시험{tag}과",
        "desk": people["desk"],
        "manager": {"name": "과장", "email": people["head"]},
        "officers": [
            {"name": "담당", "email": people["officer"]},
            {"name": "급한 담당", "email": people["fast"], "delivery": "immediate"},
        ],
    }
    if webhook_url:
        dept["webhooks"] = [{"id": "ops", "url": webhook_url, "secret_env": f"HOOK_SECRET_{tag.upper()}"}]
    doc = {"fallback": {"desk": people["fallback"]}, "departments": [dept]}
    path = tmp_path / "directory.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path, people


def _env(alert_type: type, title: str, owner: str, *, due: date, as_of: date, audience: str = "owner") -> Any:
    payload = alert_type(
        title=title, owner=owner, due=due, as_of=as_of, days=abs((as_of - due).days), audience=audience,
        step="+1" if as_of > due else "D-3", health="red",
    )  # fmt: skip
    return new_envelope(
        payload, subject=f"m-{uuid.uuid4().hex[:10]}", source="test", occurred_at=datetime.now(UTC)
    )


class Rig:
    def __init__(self, env_for: dict[str, str], directory: Path, port: int, clock: Clock) -> None:
        self.settings = NotifierSettings(
            **{
                **env_for,
                "SMTP_PORT": str(port),
                "MTRACK_DIRECTORY_FILE": str(directory),
                "MTRACK_DIGEST_SETTLE_SECONDS": "0",
                "MTRACK_IMMEDIATE_SETTLE_SECONDS": "0",
            }
        )
        self.engine = make_engine(env_for["DATABASE_URL"])
        self.sessions = make_sessionmaker(self.engine)
        self.clock = clock
        self.directory = load_directory(directory)

    def dispatcher(self) -> Any:
        return make_dispatcher(self.settings, self.sessions, clock=self.clock)

    async def record(self, *envelopes: Any, escalation_immediate: bool = False) -> None:
        async with self.sessions() as session, session.begin():
            await record_alerts(
                session, list(envelopes), directory=self.directory, escalation_immediate=escalation_immediate
            )


@pytest.fixture
async def rig(env_for, tmp_path, smtp) -> Any:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:8]
    path, people = _directory(tmp_path, tag)
    clock = Clock()
    handler, port = smtp
    made = Rig(env_for, path, port, clock)
    yield made, handler, people, f"시험{tag}과"
    await made.engine.dispose()


def _at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), SEOUL)


async def test_one_digest_per_person_per_working_day_and_quiet_hours(rig) -> None:  # type: ignore[no-untyped-def]
    rig, smtp, people, dept = rig
    first = [
        _env(MilestoneOverdue, f"경과 {i}", dept, due=date(2025, 1, 10 + i), as_of=date(2025, 3, 24))
        for i in range(20)
    ]
    await rig.record(
        *first, _env(MilestoneDueSoon, "임박", dept, due=date(2025, 3, 27), as_of=date(2025, 3, 24))
    )
    rig.clock.pinned = _at(date(2025, 3, 22), 10)  # Saturday: nothing
    await rig.dispatcher().run()
    rig.clock.pinned = _at(date(2025, 3, 24), 8, 30)  # Monday before working hours: nothing
    await rig.dispatcher().run()
    assert smtp.to(people["officer"]) == [] and smtp.to(people["fast"]) == []
    rig.clock.pinned = _at(date(2025, 3, 24), 9, 1)
    await rig.dispatcher().run()
    await rig.dispatcher().run()  # a second pass the same day sends nothing more
    (digest,) = smtp.to(people["officer"])
    assert digest["Subject"] == "[mtrack] 2025-03-24 일일 기한 알림 21건 (기한 경과 20건, 기한 임박 1건)"
    assert list(digest.keys()) == HEADERS and digest["Reply-To"] == people["desk"]
    body = digest.get_body(("plain",)).get_content()
    assert body.index("경과 0") < body.index("경과 19") < body.index("임박")
    (immediate,) = smtp.to(people["fast"])  # the immediate person: one mail for what was waiting
    assert "21건" in immediate["Subject"] and immediate["Message-ID"] != digest["Message-ID"]

    later = _env(MilestoneDueSoon, "오후 알림", dept, due=date(2025, 3, 28), as_of=date(2025, 3, 24))
    await rig.record(later)
    rig.clock.pinned = _at(date(2025, 3, 24), 15)
    await rig.dispatcher().run()
    assert len(smtp.to(people["officer"])) == 1  # waits for the next working day's digest
    assert len(smtp.to(people["fast"])) == 2  # immediate, within working hours
    rig.clock.pinned = _at(date(2025, 3, 25), 9, 5)
    await rig.dispatcher().run()
    assert len(smtp.to(people["officer"])) == 2
    assert "오후 알림" in smtp.to(people["officer"])[1].get_body(("plain",)).get_content()


async def test_an_immediate_burst_that_never_ends_is_mailed_after_the_longest_wait(rig) -> None:  # type: ignore[no-untyped-def]
    """Alerts arriving without pause (a backlog, a steady stream) are held for the burst to end only
    `immediate_max_wait` after the first one; then what waits goes out, and the rest comes after."""
    rig, smtp, people, dept = rig
    rig.clock.pinned = _at(date(2025, 3, 24), 10)  # a Monday, working hours
    dispatcher = rig.dispatcher()
    dispatcher.immediate_settle = timedelta(hours=1)  # every item counts as "the burst goes on"
    dispatcher.immediate_max_wait = timedelta(seconds=60)
    first = _env(MilestoneDueSoon, "첫 알림", dept, due=date(2025, 3, 27), as_of=date(2025, 3, 24))
    second = _env(MilestoneDueSoon, "둘째 알림", dept, due=date(2025, 3, 28), as_of=date(2025, 3, 24))
    await rig.record(first, second)
    await dispatcher.run()
    assert smtp.to(people["fast"]) == []  # the burst began just now: held
    wake = await dispatcher.settling_until()
    assert wake is not None and wake <= datetime.now(UTC) + timedelta(seconds=60)  # not in an hour

    async with rig.sessions() as session, session.begin():  # the burst began two minutes ago
        await session.execute(
            update(PendingItem)
            .where(PendingItem.milestone_id == first.subject)
            .values(created_at=func.now() - timedelta(minutes=2))
        )
    await dispatcher.run()
    (mail,) = smtp.to(people["fast"])
    body = mail.get_body(("plain",)).get_content()
    assert "2건" in mail["Subject"] and "첫 알림" in body and "둘째 알림" in body
    await rig.record(
        _env(MilestoneDueSoon, "셋째 알림", dept, due=date(2025, 3, 29), as_of=date(2025, 3, 24))
    )
    await dispatcher.run()
    assert len(smtp.to(people["fast"])) == 1  # a new burst: held again (from its own first item)


async def test_escalation_goes_to_the_manager_with_officers_copied(rig) -> None:  # type: ignore[no-untyped-def]
    rig, smtp, people, dept = rig
    esc = _env(
        MilestoneEscalated,
        "에스컬 과제",
        dept,
        due=date(2025, 3, 14),
        as_of=date(2025, 3, 24),
        audience="manager",
    )
    await rig.record(
        esc, _env(MilestoneOverdue, "미지정 부서", "없는과", due=date(2025, 3, 1), as_of=date(2025, 3, 24))
    )
    rig.clock.pinned = _at(date(2025, 3, 24), 9)
    await rig.dispatcher().run()
    (mail,) = smtp.to(people["head"])
    assert mail["To"] == people["head"] and mail["Cc"] == f"{people['officer']}, {people['fast']}"
    assert list(mail.keys()) == [*HEADERS[:2], "Cc", *HEADERS[2:]]
    assert [m["To"] for m in smtp.to(people["officer"])] == [people["head"]]  # copied, not mailed again
    unknown = [
        m for m in smtp.to(people["fallback"]) if "미지정 부서" in m.get_body(("plain",)).get_content()
    ]
    assert len(unknown) == 1 and unknown[0]["Reply-To"] == people["fallback"]


async def test_a_milestone_done_before_the_digest_is_not_listed(rig) -> None:  # type: ignore[no-untyped-def]
    rig, smtp, people, dept = rig
    settled = _env(MilestoneOverdue, "이미 끝난 과제", dept, due=date(2025, 3, 3), as_of=date(2025, 3, 24))
    still = _env(MilestoneOverdue, "남은 과제", dept, due=date(2025, 3, 4), as_of=date(2025, 3, 24))
    handle = batch_handler(rig.sessions, rig.directory, escalation_immediate=False)
    await handle([settled, still])
    done = new_envelope(
        MilestoneStatusReported(status="done", done_date=date(2025, 3, 21)),
        subject=settled.subject, source="ingest", occurred_at=datetime.now(UTC),
    )  # fmt: skip
    await handle([done])
    rig.clock.pinned = _at(date(2025, 3, 24), 9)
    await rig.dispatcher().run()
    (digest,) = smtp.to(people["officer"])
    body = digest.get_body(("plain",)).get_content()
    assert "남은 과제" in body and "이미 끝난 과제" not in body


async def test_immediate_escalation_waits_for_working_hours(rig) -> None:  # type: ignore[no-untyped-def]
    rig, smtp, people, dept = rig
    esc = _env(
        MilestoneEscalated,
        "즉시 에스컬",
        dept,
        due=date(2025, 5, 23),
        as_of=date(2025, 6, 2),
        audience="manager",
    )
    await rig.record(esc, escalation_immediate=True)
    rig.clock.pinned = _at(date(2025, 6, 2), 19)  # Monday evening: quiet
    await rig.dispatcher().run()
    rig.clock.pinned = _at(date(2025, 6, 3), 10)  # 대통령 선거일 (a holiday): quiet
    await rig.dispatcher().run()
    assert smtp.to(people["head"]) == []
    rig.clock.pinned = _at(date(2025, 6, 4), 9, 0)
    await rig.dispatcher().run()
    (mail,) = smtp.to(people["head"])
    assert mail["Subject"].startswith("[mtrack] 에스컬레이션: 즉시 에스컬 (2025-05-23, ")
    assert mail["Cc"] == f"{people['officer']}, {people['fast']}"
    assert mail["Date"] == "Wed, 04 Jun 2025 09:00:00 +0900"


@pytest.mark.parametrize(
    "title",
    [
        "예타 완료\r\nBcc: victim@example.com\r\nX-Evil: 1",
        "=?utf-8?q?hi=0D=0ABcc:=20evil@example.com=0D=0AX-Evil:=201?=",
        "널\x00문자",
        "<script>alert(1)</script>",
        "{{7*7}}",
        "줄\n과제: 가짜 줄",
    ],
)
async def test_hostile_titles_through_the_real_server(rig, title: str) -> None:  # type: ignore[no-untyped-def]
    rig, smtp, people, dept = rig
    await rig.record(_env(MilestoneOverdue, title, dept, due=date(2025, 3, 20), as_of=date(2025, 3, 24)))
    rig.clock.pinned = _at(date(2025, 3, 24), 10)
    await rig.dispatcher().run()
    (mail,) = smtp.to(people["fast"])
    assert list(mail.keys()) == HEADERS
    assert all(mail.get_all(h) and len(mail.get_all(h)) == 1 for h in HEADERS)
    assert mail["Bcc"] is None and mail["X-Evil"] is None and mail["To"] == people["fast"]
    assert "\n" not in mail["Subject"] and "=?" not in mail["Subject"] and "\x00" not in mail["Subject"]
    rcpts = [r for r, raw in smtp.received if people["fast"] in r]
    assert rcpts == [[people["fast"]]]  # nobody else received it
    text = mail.get_body(("plain",)).get_content()
    assert not any(line.startswith(("과제: 가짜", "Bcc:", "X-Evil")) for line in text.splitlines())
    html = mail.get_body(("html",)).get_content()
    assert "<script>" not in html and ("{{7*7}}" in text) == ("{{7*7}}" in title)


async def test_two_replicas_send_each_digest_once(rig) -> None:  # type: ignore[no-untyped-def]
    rig, smtp, people, dept = rig
    await rig.record(
        *(
            _env(MilestoneOverdue, f"복제 {i}", dept, due=date(2025, 3, 3), as_of=date(2025, 3, 24))
            for i in range(5)
        )
    )
    rig.clock.pinned = datetime(2025, 3, 24, 0, 30, tzinfo=UTC)  # 09:30 in Seoul
    await asyncio.gather(*(rig.dispatcher().run() for _ in range(4)))
    assert len(smtp.to(people["officer"])) == 1 and len(smtp.to(people["fast"])) == 1
    async with rig.sessions() as session:
        slots = (await session.scalars(select(Mail.slot).where(Mail.recipient == people["officer"]))).all()
    assert slots == [date(2025, 3, 24)]  # the Seoul working day


async def test_smtp_delay_retries_and_permanent_refusal_is_recorded(rig) -> None:  # type: ignore[no-untyped-def]
    rig, smtp, people, dept = rig
    smtp.codes = {"officer-": "451 4.3.0 try later", "fast-": "550 5.1.1 no such user"}
    await rig.record(_env(MilestoneOverdue, "지연 시험", dept, due=date(2025, 3, 3), as_of=date(2025, 3, 24)))
    rig.clock.pinned = _at(date(2025, 3, 24), 9, 30)
    first = await rig.dispatcher().run()
    assert first["retried"] == 1 and first["refused"] == 1 and smtp.to(people["officer"]) == []
    async with rig.sessions() as session:
        rows = dict(
            (
                await session.execute(
                    select(Mail.recipient, Mail.status).where(
                        Mail.recipient.in_([people["officer"], people["fast"]])
                    )
                )
            ).all()
        )
    assert rows == {people["officer"]: "pending", people["fast"]: "failed"}
    smtp.codes = {}
    await rig.dispatcher().run(force=True)  # the retry (force skips the backoff wait)
    assert len(smtp.to(people["officer"])) == 1 and smtp.to(people["fast"]) == []


class Receiver(BaseHTTPRequestHandler):
    secret = ""
    replies: ClassVar[list[int]] = []
    verified: ClassVar[list[tuple[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        code = self.replies.pop(0) if self.replies else 204
        if code < 300:
            payload = Webhook(self.secret).verify(body, dict(self.headers.items()))
            self.verified.append((self.headers["webhook-id"], payload))
        self.send_response(code)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


async def test_webhooks_are_signed_retried_and_dead_lettered(env_for, tmp_path, smtp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:8]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = "whsec_" + base64.b64encode(uuid.uuid4().bytes * 2).decode()
    monkeypatch.setenv(f"HOOK_SECRET_{tag.upper()}", secret)
    Receiver.secret, Receiver.replies, Receiver.verified = secret, [503, 500], []
    path, _ = _directory(tmp_path, tag, webhook_url=f"http://127.0.0.1:{server.server_port}/hook")
    rig = Rig(env_for, path, smtp[1], Clock())
    try:
        alert = _env(
            MilestoneOverdue, "웹훅 과제", f"시험{tag}과", due=date(2025, 3, 3), as_of=date(2025, 3, 24)
        )
        await rig.record(alert)
        await rig.record(alert)  # redelivered: still one delivery
        hooks = WebhookSender(sessions=rig.sessions, first_backoff=0.05, retry_seconds=60)
        await eventually(lambda: _delivered(hooks, Receiver.verified), timeout=20)
        ((webhook_id, payload),) = Receiver.verified
        assert payload["type"] == "milestone.overdue" and payload["data"]["milestone_id"] == alert.subject
        async with rig.sessions() as session:
            row = (
                await session.scalars(select(WebhookDelivery).where(WebhookDelivery.id == webhook_id))
            ).one()
        assert row.status == "delivered" and row.attempts == 3

        Receiver.replies = [500] * 50
        doomed = _env(
            MilestoneOverdue, "실패 웹훅", f"시험{tag}과", due=date(2025, 3, 3), as_of=date(2025, 3, 24)
        )
        await rig.record(doomed)
        brief = WebhookSender(sessions=rig.sessions, first_backoff=0.05, retry_seconds=0.3)

        async def dead() -> bool:
            await brief.deliver_due()
            async with rig.sessions() as session:
                status = await session.scalar(
                    select(WebhookDelivery.status).where(WebhookDelivery.alert_event_id == doomed.event_id)
                )
            return status == "dead"

        await eventually(dead, timeout=20)
    finally:
        server.shutdown()
        await rig.engine.dispose()


async def _delivered(hooks: WebhookSender, verified: list[Any]) -> bool:
    await hooks.deliver_due()
    return bool(verified)


async def test_alerts_from_the_broker_become_mail(env_for, tmp_path, smtp) -> None:  # type: ignore[no-untyped-def]
    handler, port = smtp
    tag = uuid.uuid4().hex[:8]
    path, people = _directory(tmp_path, tag)
    prefix = f"ntf{tag}"
    clock = Clock()
    clock.pinned = _at(date(2025, 3, 24), 10)
    settings = NotifierSettings(
        **{
            **env_for,
            "MTRACK_TOPIC_PREFIX": prefix,
            "SMTP_PORT": str(port),
            "MTRACK_DIRECTORY_FILE": str(path),
            "MTRACK_DIGEST_SETTLE_SECONDS": "0",
            "MTRACK_IMMEDIATE_SETTLE_SECONDS": "0",
        }
    )
    app = create_notifier(settings, clock=clock)
    alert = _env(
        MilestoneOverdue, "브로커 과제", f"시험{tag}과", due=date(2025, 3, 3), as_of=date(2025, 3, 24)
    )
    async with app.router.lifespan_context(app):
        await produce(
            env_for["KAFKA_BOOTSTRAP_SERVERS"],
            Topics(prefix).alerts,
            [(alert.subject.encode(), encode(alert))],
        )
        await eventually(lambda: handler.to(people["fast"]) and handler.to(people["officer"]))
    assert "브로커 과제" in handler.to(people["officer"])[0].get_body(("plain",)).get_content()


async def test_a_lease_is_renewed_only_while_it_is_still_ours(rig) -> None:  # type: ignore[no-untyped-def]
    """Each mail's lease is renewed just before its send; once another replica has taken the mail (our
    lease ran out), the renewal fails and this pass leaves the mail to it: never two sends."""
    rig, _, people, _ = rig
    taken = datetime.now(UTC).replace(microsecond=123456)
    key = f"lease-{uuid.uuid4().hex[:8]}"
    async with rig.sessions() as session, session.begin():
        session.add(
            Mail(
                key=key,
                recipient=people["officer"],
                kind="digest",
                slot=date(2025, 3, 24),
                message_id=f"<{key}@mtrack.example.com>",
                status="pending",
                attempts=1,
                next_attempt_at=taken,
                lease_until=taken,
            )
        )
    async with rig.sessions() as session:
        mine = await session.get(Mail, key)
    dispatcher = rig.dispatcher()
    assert await dispatcher._renew(mine) and mine.lease_until > taken  # still ours: extended
    async with rig.sessions() as session, session.begin():  # another replica takes it over
        await session.execute(
            update(Mail).where(Mail.key == key).values(lease_until=taken + timedelta(hours=1))
        )
    assert not await dispatcher._renew(mine)


async def test_statement_texts_do_not_depend_on_the_batch_size(rig) -> None:  # type: ignore[no-untyped-def]
    """Every distinct SQL text is prepared and kept in each pooled connection's statement cache (asyncpg):
    texts that vary with a batch's size (VALUES lists, IN lists) grew the notifier's memory for as long as
    new sizes came. Batches of 1 to 6 alerts, each recorded, claimed, mailed and some resolved, use no
    text the first two batches did not."""
    rig, smtp, people, dept = rig
    rig.clock.pinned = _at(date(2025, 3, 24), 10)  # a Monday, working hours
    dispatcher = rig.dispatcher()
    texts: list[set[str]] = []

    def seen(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        texts[-1].add(statement)

    event.listen(rig.engine.sync_engine, "before_cursor_execute", seen)
    try:
        for size in range(1, 7):
            texts.append(set())
            batch = [
                _env(
                    MilestoneOverdue, f"경과 {size}-{i}", dept, due=date(2025, 3, 10), as_of=date(2025, 3, 24)
                )
                for i in range(size)
            ]
            await rig.record(*batch)
            await dispatcher.run()
            async with rig.sessions() as session, session.begin():
                await drop_resolved(session, {e.subject for e in batch})
    finally:
        event.remove(rig.engine.sync_engine, "before_cursor_execute", seen)
    assert set().union(*texts[2:]) <= texts[0] | texts[1]
    assert len(smtp.to(people["fast"])) == 6  # one immediate mail a batch: the path above ran each time


async def test_a_mail_of_many_items_counts_them_all_and_lists_the_most_urgent(rig) -> None:  # type: ignore[no-untyped-def]
    """151 milestones for one officer, read from the database as counts and the 100 rows to list: the
    digest counts every one (a milestone once, under its most urgent alert), lists the 100 most urgent
    in order, and says how many it left out."""
    rig, smtp, people, dept = rig
    as_of = date(2025, 3, 24)
    overdue = [
        _env(MilestoneOverdue, f"경과 {i:03d}", dept, due=date(2024, 11, 1) + timedelta(days=i), as_of=as_of)
        for i in range(130)
    ]
    soon = [
        _env(MilestoneDueSoon, f"임박 {i:02d}", dept, due=date(2025, 4, 1) + timedelta(days=i), as_of=as_of)
        for i in range(20)
    ]
    both = _env(MilestoneOverdue, "겹친 과제", dept, due=date(2025, 3, 20), as_of=as_of)
    again = new_envelope(
        MilestoneDueSoon(title="겹친 과제", owner=dept, due=date(2025, 3, 20), as_of=date(2025, 3, 17),
                         days=3, step="D-3", health="amber"),
        subject=both.subject, source="test", occurred_at=datetime.now(UTC),
    )  # fmt: skip
    await rig.record(*overdue, *soon, both, again)
    rig.clock.pinned = _at(as_of, 9)
    await rig.dispatcher().run()
    (digest,) = smtp.to(people["officer"])
    assert digest["Subject"] == "[mtrack] 2025-03-24 일일 기한 알림 151건 (기한 경과 131건, 기한 임박 20건)"
    body = digest.get_body(("plain",)).get_content()
    assert body.count("/a/") == 100
    assert "기한 경과 (131건)" in body and "외 31건은 싣지 않았습니다" in body
    assert "기한 임박 (20건)" in body and "외 20건은 싣지 않았습니다" in body
    listed = [line.split(". ", 1)[1] for line in body.splitlines() if line[:1].isdigit() and ". " in line]
    assert listed == [f"경과 {i:03d}" for i in range(100)]  # the earliest due first; the rest counted
