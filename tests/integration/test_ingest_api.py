"""The ingest HTTP API against the real stack: clear 4xx for bad input, revisions, status updates."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from tests.waiting import eventually, get_when_found

TEXT = {"content-type": "text/plain; charset=utf-8"}

PLAN_V1 = """2025년 시행계획
ㅇ 글로벌우수기업연구소육성사업(GATC) 예타 완료('25.1분기)
ㅇ 산업기술 로드맵 개정('25.2분기)
ㅇ 규제특례 지원단 확대('25.3분기)
"""
PLAN_V2 = """2025년 시행계획
ㅇ 글로벌우수기업연구소육성사업(GATC) 예타 완료('25.2분기)
ㅇ 산업기술 로드맵 개정('25.2분기)
ㅇ 여성공학인 멘토링 확대('25.4분기)
"""


@pytest.mark.parametrize(
    ("body", "headers", "status", "reason"),
    [
        (b"", TEXT, 422, "empty"),
        ("계획".encode("euc-kr"), TEXT, 422, "not valid utf-8"),
        (b"PK\x03\x04\x00\x00binary", TEXT, 422, "ZIP container is corrupt"),
        (b"x", {"content-type": "image/png"}, 415, "text/plain"),
        (b"x", {"content-type": "text/plain; charset=klingon"}, 415, "charset"),
        (b"x" * (10 * 1024 * 1024 + 1), TEXT, 413, "limit"),
    ],
)
async def test_bad_documents_get_a_clear_4xx(stack, body, headers, status, reason) -> None:  # type: ignore[no-untyped-def]
    response = await stack.ingest.post("/v1/plans", content=body, headers=headers)
    assert response.status_code == status
    assert reason in response.json()["detail"]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"title": "기한 없는 과제"}, "needs `due`, `starts`"),
        ({"title": "x", "starts": "2025-05-01", "due": "2025-01-01"}, "after due"),
        ({"title": "x", "due": "2025-13-01"}, "date"),
        ({"title": "", "due": "2025-01-01"}, "at least 1 character"),
        ({"id": "bad id with spaces", "title": "x", "due": "2025-01-01"}, "pattern"),
    ],
)
async def test_bad_milestones_get_a_reason(stack, payload, reason) -> None:  # type: ignore[no-untyped-def]
    payload = {"owner": "산업기술시장과", **payload}
    response = await stack.ingest.post("/v1/milestones", json=payload)
    assert response.status_code == 422
    assert reason in str(response.json()["detail"])


async def test_revised_plan_reschedules_withdraws_and_declares(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 1, 6))
    key = f"rev-{uuid.uuid4().hex[:8]}"
    first = await stack.ingest.post(
        "/v1/plans", params={"plan_key": key}, content=PLAN_V1.encode(), headers=TEXT
    )
    assert first.status_code == 202 and first.json()["version"] == 1
    await eventually(lambda: _count(stack, key, 3))
    second = await stack.ingest.post(
        "/v1/plans", params={"plan_key": key}, content=PLAN_V2.encode(), headers=TEXT
    )
    assert second.status_code == 202 and second.json()["version"] == 2
    assert len(second.json()["event_ids"]) == 3  # GATC moved, 규제특례 withdrawn, 멘토링 new

    async def revised() -> dict[str, dict]:  # type: ignore[type-arg]
        items = (await stack.milestones.get("/v1/milestones", params={"plan": key})).json()["items"]
        by_title = {m["title"]: m for m in items}
        done = any(m["state"] == "withdrawn" for m in items) and len(items) == 4
        moved = any(m["due"] == "2025-06-30" and "GATC" in m["title"] for m in items)
        return by_title if done and moved else {}

    by_title = await eventually(revised)
    gatc = next(m for t, m in by_title.items() if "GATC" in t)
    assert gatc["plan_version"] == 2
    versions = (await stack.ingest.get(f"/v1/plans/{key}/versions")).json()
    assert [(v["version"], v["milestones"]) for v in versions] == [(1, 3), (2, 3)]
    history = (await stack.milestones.get(f"/v1/milestones/{gatc['id']}")).json()["history"]
    assert [h["event_type"] for h in history] == ["milestone.declared", "milestone.rescheduled"]
    assert history[1]["data"]["previous_due"] == "2025-03-31"


async def _count(stack, key: str, n: int) -> bool:  # type: ignore[no-untyped-def]
    return (await stack.milestones.get("/v1/milestones", params={"plan": key})).json()["total"] == n


async def test_status_updates_mark_done_on_time_and_unknown_ids_get_404(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 1, 6))
    declared = await stack.ingest.post(
        "/v1/milestones", json={"title": "외부 시스템 과제", "due": "2025-02-28", "owner": "산업기술시장과"}
    )
    assert declared.status_code == 202
    again = await stack.ingest.post(
        "/v1/milestones", json={"title": "외부 시스템 과제", "due": "2025-02-28", "owner": "산업기술시장과"}
    )
    assert again.json()["event_ids"] == declared.json()["event_ids"]  # same content, same event: applied once
    items = await eventually(lambda: _titled(stack, "외부 시스템 과제"))
    mid = items[0]["id"]
    early = {"status": "done", "done_date": "2025-02-20"}
    future = await stack.ingest.post(f"/v1/milestones/{mid}/status", json=early)
    assert future.status_code == 422 and "future" in future.text  # today is 2025-01-06
    stack.clock.pin(date(2025, 2, 21))
    update = {"status": "done", "done_date": "2025-02-20", "reported_by": "rnd-system"}
    response = await stack.ingest.post(
        f"/v1/milestones/{mid}/status", json=update, headers={"Idempotency-Key": "k1"}
    )
    assert response.status_code == 202
    retry = await stack.ingest.post(
        f"/v1/milestones/{mid}/status", json=update, headers={"Idempotency-Key": "k1"}
    )
    assert retry.json()["event_ids"] == response.json()["event_ids"]

    async def done() -> dict | None:  # type: ignore[type-arg]
        body = await get_when_found(stack.milestones, f"/v1/milestones/{mid}")
        return body if body["state"] == "done" else None

    body = await eventually(done)
    assert body["on_time"] is True and body["done_date"] == "2025-02-20"
    assert len(body["history"]) == 2

    missing = await stack.ingest.post("/v1/milestones/no-such-id/status", json={"status": "done"})
    assert missing.status_code == 404 and "declare it first" in missing.json()["detail"]
    bad = await stack.ingest.post(f"/v1/milestones/{mid}/status", json={"status": "finished"})
    assert bad.status_code == 422


async def _titled(stack, title: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    items = (await stack.milestones.get("/v1/milestones")).json()["items"]
    return [m for m in items if m["title"] == title]


async def test_csv_import_publishes_every_row_or_names_the_bad_ones(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 1, 6))
    tag = uuid.uuid4().hex[:6]
    csv_text = f"id,title,due,owner\nimp-{tag}-1,가져온 과제 1,2025-06-30,산업기술정책과\nimp-{tag}-2,가져온 과제 2,2025-09-30,산업기술시장과\n"
    response = await stack.ingest.post(
        "/v1/imports", content=csv_text.encode(), headers={"content-type": "text/csv"}
    )
    assert response.status_code == 202 and len(response.json()["event_ids"]) == 2
    second = await get_when_found(stack.milestones, f"/v1/milestones/imp-{tag}-2")
    assert second["title"] == "가져온 과제 2" and second["due"] == "2025-09-30"

    bad = f"id,title,due,owner\nimp-{tag}-3,좋은 행,2025-06-30,산업기술정책과\nimp-{tag}-4,나쁜 행,2025-02-30,산업기술정책과\n"
    rejected = await stack.ingest.post(
        "/v1/imports", content=bad.encode(), headers={"content-type": "text/csv"}
    )
    assert rejected.status_code == 422
    detail = rejected.json()["detail"]
    assert detail["rows"][0]["row"] == 3 and "due" in detail["rows"][0]["errors"][0]
    assert (await stack.milestones.get(f"/v1/milestones/imp-{tag}-3")).status_code == 404
