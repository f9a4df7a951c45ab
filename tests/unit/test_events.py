import json
import uuid
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from shared.events import (
    DecodeError,
    Envelope,
    MilestoneDeclared,
    Topics,
    decode,
    encode,
    new_envelope,
    record_key,
)


def _declared() -> bytes:
    payload = MilestoneDeclared(title="글로벌우수기업연구소육성사업(GATC) 예타 완료", due=date(2025, 3, 31))
    env = new_envelope(payload, subject="itip-2025-abc", source="ingest", occurred_at=datetime.now(UTC))
    return encode(env)


def test_round_trip_keeps_korean_text_as_utf8() -> None:
    raw = _declared()
    assert "예타 완료".encode() in raw
    env = decode(raw)
    assert env.type == "milestone.declared"
    assert env.payload().title == "글로벌우수기업연구소육성사업(GATC) 예타 완료"  # type: ignore[attr-defined]
    assert record_key(env) == b"itip-2025-abc"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "empty record"),
        (b"\xff\xfe", "not UTF-8"),
        (b"not json", "invalid envelope"),
        (b'{"event_id": "x"}', "invalid envelope"),
    ],
)
def test_undecodable_records_give_a_reason(raw: bytes | None, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode(raw)


def test_unknown_type_and_bad_data_are_rejected() -> None:
    base = {
        "event_id": str(uuid.uuid4()),
        "schema_version": 1,
        "occurred_at": "2025-01-01T00:00:00+09:00",
        "source": "test",
        "subject": "m-1",
    }
    with pytest.raises(DecodeError, match="unknown event type"):
        decode(json.dumps({**base, "type": "milestone.exploded", "data": {}}).encode())
    bad = {
        **base,
        "type": "milestone.declared",
        "data": {"title": "x", "starts": "2025-05-01", "due": "2025-01-01"},
    }
    with pytest.raises(DecodeError, match="starts 2025-05-01 is after due"):
        decode(json.dumps(bad).encode())


def test_newer_schema_versions_are_not_guessed_at() -> None:
    env = decode(_declared())
    newer = env.model_copy(update={"schema_version": 9})
    with pytest.raises(DecodeError, match="newer"):
        decode(encode(newer))


def test_topics_come_from_one_prefix() -> None:
    topics = Topics("acme")
    assert topics.all() == ("acme.milestone-events", "acme.alerts", "acme.dead-letter")


@pytest.mark.parametrize("field", ["line", "plan_version"])
@pytest.mark.parametrize("value", [0, -1, 2**31, 10**30])
def test_line_and_plan_version_are_bounded_naming_the_field(field: str, value: int) -> None:
    with pytest.raises(ValidationError) as caught:
        MilestoneDeclared(title="과제", due=date(2025, 3, 31), **{field: value})
    assert [e["loc"] for e in caught.value.errors()] == [(field,)]
    assert MilestoneDeclared(title="과제", due=date(2025, 3, 31), **{field: 2**31 - 1}).model_dump()[field]


def test_an_event_with_an_out_of_range_line_is_a_decode_error_naming_it() -> None:
    raw = json.loads(_declared())
    raw["data"]["line"] = 2**40
    with pytest.raises(DecodeError, match="line"):
        decode(json.dumps(raw).encode())


def test_encode_gives_the_compact_json_of_the_envelope() -> None:
    """pydantic-core's serialiser: byte for byte the `json.dumps` form the services always wrote."""
    from shared.events import TargetModel

    payload = MilestoneDeclared(
        title='규제 "샌드박스"\n개선\t계획 ✓ \x01',
        due=date(2025, 3, 31),
        target=TargetModel(value=12.5, unit="%"),
        section=["Ⅰ. 추진 배경", "1) 현황"],
        line=7,
    )
    env = new_envelope(
        payload, subject="m-1", source="ingest", occurred_at=datetime(2025, 3, 31, 9, tzinfo=UTC)
    )
    expected = json.dumps(env.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")).encode()
    assert encode(env) == expected


def test_the_payload_is_validated_once_per_envelope() -> None:
    """decode validates the payload and the envelope remembers it (the rules do not validate again);
    the fields alone decide equality, and a copy with other data validates its own."""
    raw = _declared()
    env, plain = decode(raw), Envelope.model_validate_json(raw)  # plain: no payload remembered yet
    assert env.payload() is env.payload()
    assert env == plain
    other = env.model_copy(update={"data": {**env.data, "title": "다른 과제"}})
    assert other.payload().title == "다른 과제"  # type: ignore[attr-defined]
    assert env.payload().title.startswith("글로벌")  # type: ignore[attr-defined]
