import uuid
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.policy import default

import pytest

from services.notifier.compose import compose, message_id
from services.notifier.directory import OwnerDirectory, load_directory
from shared.events import MilestoneOverdue, new_envelope


def _alert(title: str) -> tuple:
    payload = MilestoneOverdue(
        title=title,
        owner="산업기술정책과",
        section=["Ⅳ. 2025년 시행 계획"],
        due=date(2025, 3, 31),
        as_of=date(2025, 4, 2),
        days=2,
    )
    env = new_envelope(payload, subject="m-1", source="milestones", occurred_at=datetime.now(UTC))
    return env, payload


def _round_trip(title: str):  # type: ignore[no-untyped-def]
    env, payload = _alert(title)
    msg = compose(env, payload, sender="mtrack <mtrack@example.com>", recipient="tech-policy@example.com")
    return message_from_bytes(msg.as_bytes(), policy=default), env


def test_subject_and_body_are_korean_utf8() -> None:
    parsed, _ = _round_trip("GATC 예타 완료")
    assert parsed["Subject"] == "[mtrack] 기한 경과: GATC 예타 완료 (기한 2025-03-31, 2일 경과)"
    body = parsed.get_body(("plain",)).get_content()
    assert "과제: GATC 예타 완료" in body and "담당 부서: 산업기술정책과" in body


def test_crlf_in_a_title_adds_no_header() -> None:
    parsed, _ = _round_trip("예타 완료\r\nBcc: victim@example.com\r\nX-Evil: 1")
    assert parsed["Bcc"] is None and parsed["X-Evil"] is None
    assert parsed.get_all("To") == ["tech-policy@example.com"]
    assert "\n" not in parsed["Subject"]


def test_html_in_a_title_is_escaped() -> None:
    parsed, _ = _round_trip("<script>alert(1)</script> 완료")
    html = parsed.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_message_id_is_deterministic_per_alert_and_recipient() -> None:
    alert = uuid.uuid4()
    assert message_id(alert, "a@example.com") == message_id(alert, "A@example.com")
    assert message_id(alert, "a@example.com") != message_id(alert, "b@example.com")
    assert message_id(alert, "a@example.com") != message_id(uuid.uuid4(), "a@example.com")


def test_directory_maps_owner_falls_back_and_refuses_bad_addresses() -> None:
    directory = load_directory()
    assert directory.recipients("산업기술정책과") == ["tech-policy@example.com"]
    assert directory.recipients("산업 기술정책과") == ["tech-policy@example.com"]
    assert directory.recipients("없는과") == directory.fallback != []
    assert directory.recipients("officer@example.com") == ["officer@example.com"]
    with pytest.raises(ValueError, match="not a plain e-mail address"):
        OwnerDirectory(owners={"x": ["a@example.com\r\nBcc: b@example.com"]})


def test_shipped_directory_uses_reserved_example_domains_only() -> None:
    directory = load_directory()
    addresses = [a for group in directory.owners.values() for a in group] + directory.fallback
    assert addresses and all(a.endswith("@example.com") for a in addresses)
