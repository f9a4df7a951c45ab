"""The notifier's pure parts: mail composition, recipients by audience, quiet hours, action tokens."""

import random
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes
from email.policy import default

import pytest

from services.notifier.compose import MAX_LISTED, Letter, entry, grouped, message_id, one_line, render
from services.notifier.handlers import recipients
from services.notifier.hours import Hours, digest_due, in_working_hours
from shared import action_tokens as tokens
from shared.clock import SEOUL
from shared.directory import load_directory
from shared.events import MilestoneEscalated, MilestoneOverdue
from shared.workdays import load_calendar

NOW = datetime(2025, 4, 2, 9, 0, tzinfo=SEOUL)


def _alert(
    title: str, *, type_: str = "milestone.overdue", due: str = "2025-03-31", mid: str = "m-1"
) -> dict:  # type: ignore[type-arg]
    return {
        "type": type_,
        "milestone_id": mid,
        "title": title,
        "owner": "산업기술정책과",
        "section": ["Ⅳ. 2025년 시행 계획"],
        "due": due,
        "as_of": "2025-04-02",
        "days": 2,
        "step": "+1",
        "audience": "owner",
        "health": "red",
    }


def _letter(alerts: list[dict], kind: str = "digest") -> Letter:  # type: ignore[type-arg]
    return Letter(
        key="digest:2025-04-02:tech-policy-1@example.com",
        kind=kind,
        sender="mtrack <mtrack@example.com>",
        recipient="tech-policy-1@example.com",
        name="정책 담당1",
        cc=[],
        reply_to="tech-policy@example.com",
        day=date(2025, 4, 2),
        entries=[entry(a, f"http://127.0.0.1:8001/a/t{i}") for i, a in enumerate(alerts)],
        public_url="http://127.0.0.1:8001",
    )


def _parsed(letter: Letter):  # type: ignore[no-untyped-def]
    return message_from_bytes(render(letter, now=NOW).as_bytes(), policy=default)


def test_immediate_subject_and_body_are_korean() -> None:
    parsed = _parsed(_letter([_alert("GATC 예타 완료")], kind="immediate"))
    assert parsed["Subject"] == "[mtrack] 기한 경과: GATC 예타 완료 (2025-03-31, 2일 경과)"
    assert parsed["Date"] == "Wed, 02 Apr 2025 09:00:00 +0900"
    assert parsed["Auto-Submitted"] == "auto-generated" and parsed["Reply-To"] == "tech-policy@example.com"
    body = parsed.get_body(("plain",)).get_content()
    assert "1. GATC 예타 완료" in body and "http://127.0.0.1:8001/a/t0" in body


def test_digest_groups_in_order_and_sorts_by_due() -> None:
    alerts = [
        _alert("임박 나중", type_="milestone.due_soon", due="2025-04-10", mid="a"),
        _alert("경과", mid="b"),
        _alert("임박 먼저", type_="milestone.due_soon", due="2025-04-04", mid="c"),
        {**_alert("에스컬", type_="milestone.escalated", mid="d"), "audience": "manager"},
        _alert("같은 과제 D-7", type_="milestone.due_soon", due="2025-04-09", mid="b"),
    ]
    groups = grouped(_letter(alerts).entries)
    assert [label for label, _ in groups] == ["에스컬레이션 (책임자 확인 필요)", "기한 경과", "기한 임박"]
    assert [e.title for e in groups[2][1]] == ["임박 먼저", "임박 나중"]
    assert [e.title for e in groups[1][1]] == ["경과"]  # milestone b once, under its most urgent alert
    parsed = _parsed(_letter(alerts))
    assert (
        parsed["Subject"]
        == "[mtrack] 2025-04-02 일일 기한 알림 4건 (에스컬레이션 1건, 기한 경과 1건, 기한 임박 2건)"
    )
    assert "8일 남음" in parsed.get_body(("plain",)).get_content()


def test_a_long_mail_lists_the_most_urgent_rows_and_counts_the_rest() -> None:
    overdue = [_alert(f"경과 {i:03d}", mid=f"o{i}", due=f"2025-03-{1 + i % 28:02d}") for i in range(150)]
    soon = [_alert(f"임박 {i}", type_="milestone.due_soon", due="2025-04-09", mid=f"s{i}") for i in range(30)]
    parsed = _parsed(_letter(overdue + soon))
    assert parsed["Subject"] == "[mtrack] 2025-04-02 일일 기한 알림 180건 (기한 경과 150건, 기한 임박 30건)"
    for part in ("plain", "html"):
        body = parsed.get_body((part,)).get_content()
        assert body.count("/a/") == MAX_LISTED  # one action link per listed row
        assert "기한 경과 (150건)" in body and "기한 임박 (30건)" in body
        assert f"외 50건은 싣지 않았습니다 (한 메일에 {MAX_LISTED}건까지)" in body
        assert "외 30건은 싣지 않았습니다" in body  # the less urgent group is counted, not listed


HOSTILE = [
    "예타 완료\r\nBcc: victim@example.com\r\nX-Evil: 1",
    "=?utf-8?q?hi=0D=0ABcc:=20evil@example.com=0D=0AX-Evil:=201?=",
    "널\x00문자\x0b과제\u2028줄\u2029바꿈",
    "<script>alert(1)</script> 완료",
    "{{7*7}} {% raw %} 과제",
    "줄바꿈\n과제: 가짜 줄\n처리: http://evil.example.com",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_add_no_header_and_forge_no_line(title: str) -> None:
    parsed = _parsed(_letter([_alert(title)], kind="immediate"))
    assert [k for k in parsed] == [
        "From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted", "Reply-To", "List-Id",
        "MIME-Version", "Content-Type",
    ]  # fmt: skip
    subject = parsed["Subject"]
    assert "\n" not in subject and "\r" not in subject and "\x00" not in subject and "=?" not in subject
    text = parsed.get_body(("plain",)).get_content()
    lines = text.splitlines()
    assert not any(line.startswith(("Bcc:", "X-Evil", "과제: 가짜", "처리: http://evil")) for line in lines)
    html = parsed.get_body(("html",)).get_content()
    assert "<script>" not in html and ("{{7*7}}" in text) == ("{{7*7}}" in title)


def test_one_line_neutralises_encoded_words_and_controls() -> None:
    assert one_line("a\r\nb\x00c\u2028d") == "a b c d"
    assert "=?" not in one_line("=?utf-8?b?SGk=?=") and "?=" not in one_line("=?utf-8?b?SGk=?=")


def test_message_id_is_stable_per_mail_and_recipient() -> None:
    assert message_id("digest:2025-04-02:a", "a@example.com") == message_id(
        "digest:2025-04-02:a", "A@example.com"
    )
    assert message_id("digest:2025-04-02:a", "a@example.com") != message_id(
        "digest:2025-04-03:a", "a@example.com"
    )


def _payload(owner: str, *, manager: bool = False):  # type: ignore[no-untyped-def]
    model = MilestoneEscalated if manager else MilestoneOverdue
    return model(title="t", owner=owner, due=date(2025, 3, 31), as_of=date(2025, 4, 9),
                 audience="manager" if manager else "owner")  # fmt: skip


def test_audiences_come_from_the_directory_only() -> None:
    directory = load_directory()
    dept, people = recipients(directory, _payload("산업 기술정책과"), escalation_immediate=False)
    assert dept is not None and dept.code == "tech-policy"
    assert [(p.address, p.delivery) for p in people] == [
        ("tech-policy-1@example.com", "digest"),
        ("tech-policy-2@example.com", "immediate"),
    ]
    _, people = recipients(directory, _payload("산업기술정책과", manager=True), escalation_immediate=True)
    assert [(p.address, p.delivery) for p in people] == [("tech-policy-head@example.com", "escalation")]
    _, people = recipients(directory, _payload("산업기술정책과", manager=True), escalation_immediate=False)
    assert [p.delivery for p in people] == ["digest"]
    dept, people = recipients(directory, _payload("evil@example.com"), escalation_immediate=False)
    assert dept is None and [p.address for p in people] == ["mtrack-desk@example.com"]


def test_quiet_hours_follow_the_working_calendar() -> None:
    calendar, hours = load_calendar(), Hours()

    def at(day: date, hh: int, mm: int = 0) -> datetime:
        return datetime.combine(day, time(hh, mm), SEOUL)

    assert in_working_hours(at(date(2025, 3, 25), 9), calendar, hours)
    assert not in_working_hours(at(date(2025, 3, 25), 8, 59), calendar, hours)
    assert not in_working_hours(at(date(2025, 3, 25), 18), calendar, hours)
    assert not in_working_hours(at(date(2025, 3, 29), 10), calendar, hours)  # Saturday
    assert not in_working_hours(at(date(2025, 3, 3), 10), calendar, hours)  # 대체공휴일
    assert not in_working_hours(at(date(2025, 6, 3), 10), calendar, hours)  # 대통령 선거
    assert in_working_hours(datetime(2025, 3, 25, 1, 0, tzinfo=UTC), calendar, hours)  # 10:00 KST
    late = Hours(digest=time(14, 0))
    assert not digest_due(at(date(2025, 3, 25), 13, 59), calendar, late)
    assert digest_due(at(date(2025, 3, 25), 14), calendar, late)


def test_tokens_refuse_altered_foreign_and_expired() -> None:
    key = b"k" * 32
    token = tokens.sign(key, milestone_id="m-1", recipient="a@example.com", expires=NOW + timedelta(days=14))
    claims = tokens.verify(key, token, now=NOW)
    assert (claims.milestone_id, claims.recipient) == ("m-1", "a@example.com")
    body, mac = token.split(".")
    for bad in (
        body[:-1] + ("A" if body[-1] != "A" else "B") + "." + mac,
        token + "x",
        "x",
        body + "." + mac[:-2],
    ):
        with pytest.raises(tokens.TokenError, match="invalid"):
            tokens.verify(key, bad, now=NOW)
    with pytest.raises(tokens.TokenError, match="invalid"):
        tokens.verify(b"other" * 8, token, now=NOW)
    with pytest.raises(tokens.TokenError, match="expired"):
        tokens.verify(key, token, now=NOW + timedelta(days=14))


def test_csrf_value_is_bound_to_token_and_cookie() -> None:
    key = b"k" * 32
    nonce = tokens.csrf_nonce()
    field = tokens.csrf_field(key, "tok", nonce)
    assert tokens.check_csrf(key, "tok", field, nonce) == nonce
    assert tokens.check_csrf(key, "tok", field, None) is None
    assert tokens.check_csrf(key, "tok", field, tokens.csrf_nonce()) is None
    assert tokens.check_csrf(key, "other", field, nonce) is None


def test_production_refuses_a_missing_action_secret() -> None:
    with pytest.raises(RuntimeError, match="MTRACK_ACTION_SECRET"):
        tokens.action_key(None, environment="production", service="notifier", seed="x")
    assert tokens.action_key("s3cret", environment="production", service="notifier", seed="x") == b"s3cret"


def test_metric_series_exist_at_zero() -> None:
    from prometheus_client import REGISTRY

    from services.notifier.metrics import init_series

    init_series()
    for kind in ("digest", "immediate", "escalation"):
        for outcome in ("sent", "retried", "refused", "failed"):
            assert (
                REGISTRY.get_sample_value("mtrack_mails_total", {"kind": kind, "outcome": outcome})
                is not None
            )
    for outcome in ("delivered", "retried", "dead"):
        assert REGISTRY.get_sample_value("mtrack_webhook_deliveries_total", {"outcome": outcome}) is not None
    for channel in ("mail", "webhook"):
        assert REGISTRY.get_sample_value("mtrack_notifier_retries_total", {"channel": channel}) is not None
    assert REGISTRY.get_sample_value("mtrack_notifier_pending_items") is not None


def test_ingest_and_notifier_refuse_to_start_in_production_without_the_secret(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from services.ingest.app import IngestSettings
    from services.ingest.app import create_app as create_ingest
    from services.notifier.app import NotifierSettings
    from services.notifier.app import create_app as create_notifier

    env = {"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none", "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}
    monkeypatch.setenv("MTRACK_ENVIRONMENT", "production")
    monkeypatch.delenv("MTRACK_ACTION_SECRET", raising=False)
    with pytest.raises(RuntimeError, match="MTRACK_ACTION_SECRET"):
        create_ingest(IngestSettings(**env))
    with pytest.raises(RuntimeError, match="MTRACK_ACTION_SECRET"):
        create_notifier(NotifierSettings(**env))
    monkeypatch.setenv("MTRACK_ACTION_SECRET", "a-secret-from-the-environment")
    create_ingest(IngestSettings(**env))
    create_notifier(NotifierSettings(**env))


def test_webhook_urls_are_http_or_https_from_the_directory_only() -> None:
    from pydantic import ValidationError

    from shared.directory import Webhook

    Webhook(id="ops", url="https://hooks.example.com/mtrack", secret_env="HOOK_SECRET")
    for url in ("file:///etc/passwd", "gopher://example.com/", "javascript:alert(1)", "http://a b"):
        with pytest.raises(ValidationError):
            Webhook(id="ops", url=url, secret_env="HOOK_SECRET")


def test_a_folded_korean_subject_keeps_every_space() -> None:
    """The standard library's folder lost the space at a fold between encoded words ("180건(기한")."""
    words = ["기한", "경과", "과제", "151건", "(기한", "임박)", "알림", "A", "B12", "-", "·"]
    chooser = random.Random(7)
    for _ in range(300):
        title = " ".join(chooser.choice(words) for _ in range(chooser.randint(1, 30)))
        raw = render(_letter([_alert(title)], kind="immediate"), now=NOW).as_bytes()
        parsed = message_from_bytes(raw, policy=default)
        assert parsed["Subject"] == f"[mtrack] 기한 경과: {one_line(title, 80)} (2025-03-31, 2일 경과)"
        assert max(len(line) for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n")) <= 78
