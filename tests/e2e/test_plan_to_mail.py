"""The whole way: a plan posted to ingest → milestones in PostgreSQL → the clock passes a due date →
the officer's digest, in Korean, arrives at the SMTP server → its link, followed and posted as a browser
would, marks the milestone done → the next digest no longer lists it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from email import message_from_bytes
from email.policy import default

import httpx
from sqlalchemy import select

from services.notifier.models import PendingItem
from shared import action_tokens as tokens
from shared.db import make_engine
from tests.conftest import EXAMPLES
from tests.waiting import eventually

PLAN = EXAMPLES / "2025_industrial_tech_innovation_plan.txt"


async def _first(url: str, stmt) -> object:  # type: ignore[no-untyped-def]
    engine = make_engine(url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(stmt)).first()
    finally:
        await engine.dispose()


def _messages(mail, recipient: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [
        message_from_bytes(p.read_bytes(), policy=default) for p in mail.messages() if recipient in p.name
    ]


def _link_for(body: str, milestone_id: str) -> str:
    """The action link of the digest entry whose ID line names `milestone_id`."""
    lines = body.splitlines()
    at = next(i for i, line in enumerate(lines) if f"ID: {milestone_id}" in line)
    return lines[at + 1].rsplit(" ", 1)[-1]


async def _gatc(stack, plan_key: str) -> dict | None:  # type: ignore[no-untyped-def,type-arg]
    response = await stack.milestones.get(
        "/v1/milestones", params={"plan": plan_key, "due_from": "2025-03-31", "due_to": "2025-03-31"}
    )
    return next((m for m in response.json()["items"] if "GATC" in m["title"] and "예타" in m["title"]), None)


async def test_plan_to_overdue_mail(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2024, 12, 2))
    posted = await stack.ingest.post(
        "/v1/plans", content=PLAN.read_bytes(), headers={"content-type": "text/plain; charset=utf-8"}
    )
    assert posted.status_code == 202, posted.text
    accepted = posted.json()
    assert accepted["version"] == 1 and accepted["milestones"] >= 1 and accepted["event_ids"]

    gatc = await eventually(lambda: _gatc(stack, accepted["plan_key"]))
    assert gatc["due"] == "2025-03-31"
    assert gatc["state"] == "planned"  # the pinned clock says 2024-12-02
    assert gatc["owner"] == "산업기술정책과"

    async def all_applied() -> bool:
        params = {"plan": accepted["plan_key"], "limit": 1}
        listed = (await stack.milestones.get("/v1/milestones", params=params)).json()
        return bool(listed["total"] == accepted["milestones"])

    await eventually(all_applied)

    stack.clock.pin(date(2025, 4, 2))
    await stack.milestones_app.state.run_job("deadline-sweep")
    notifier = stack.notifier._transport.app  # the in-process apps behind the clients
    recorded = select(PendingItem.id).where(
        PendingItem.milestone_id == gatc["id"], PendingItem.recipient == "tech-policy-1@example.com"
    )
    await eventually(lambda: _first(stack.database_url, recorded))
    await notifier.state.run_job(force=True)  # `mtrack jobs run digest`: the digest due today, now

    def digest_for(day: str) -> list:  # type: ignore[type-arg]
        return [
            m
            for m in _messages(stack.mail, "tech-policy-1@example.com")
            if m["Subject"].startswith(f"[mtrack] {day} 일일 기한 알림")
        ]

    def listing_gatc(day: str) -> list:  # type: ignore[type-arg]
        # (other tests share the stack: an earlier digest of that day may list only their items)
        return [m for m in digest_for(day) if f"ID: {gatc['id']}" in m.get_body(("plain",)).get_content()]

    (message,) = await eventually(lambda: listing_gatc("2025-04-02"))
    assert message["To"] == "tech-policy-1@example.com" and message["Reply-To"] == "tech-policy@example.com"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_body(("plain",)).get_content()
    assert "기한: 2025-03-31 (2일 경과)" in body and f"ID: {gatc['id']}" in body
    link = _link_for(body, gatc["id"])
    assert link.startswith("http://127.0.0.1:8001/a/")
    path = link.removeprefix("http://127.0.0.1:8001")

    ingest = stack.ingest._transport.app
    ingest.state.actions_client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=stack.milestones_app),
        base_url="http://milestones",
        headers={"Authorization": f"Bearer {stack.admin_key}"},  # as MTRACK_SERVICE_KEY would
    )
    page = await stack.ingest.get(path)
    assert page.status_code == 200 and "GATC" in page.text and "2025-03-31" in page.text
    assert page.headers["referrer-policy"] == "same-origin"
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    cookie = page.headers["set-cookie"].split(";")[0]
    assert "samesite=strict" in page.headers["set-cookie"].lower()
    form = {"csrf": csrf, "action": "done", "done_date": "2025-04-01"}
    headers = {"origin": "http://ingest", "cookie": cookie}
    foreign = await stack.ingest.post(
        path, data=form, headers={**headers, "origin": "http://evil.example.com"}
    )
    assert foreign.status_code == 403
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=ingest), base_url="http://ingest") as bare:
        no_cookie = await bare.post(path, data=form, headers={"origin": "http://ingest"})
    assert no_cookie.status_code == 403 and "보안 확인" in no_cookie.text
    done = await stack.ingest.post(path, data=form, headers=headers)
    assert done.status_code == 200 and "완료 처리되었습니다" in done.text, done.text
    replay = await stack.ingest.post(path, data=form, headers=headers)
    assert replay.status_code == 409 and "이미 처리된 요청" in replay.text
    stale = tokens.sign(
        notifier.state.dispatcher.key, milestone_id=gatc["id"], recipient="tech-policy-1@example.com",
        expires=stack.clock.now() - timedelta(seconds=1),
    )  # fmt: skip
    expired = await stack.ingest.post(f"/a/{stale}", data=form, headers=headers)
    assert expired.status_code == 410 and "유효 기간" in expired.text
    altered = await stack.ingest.get(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"))
    assert altered.status_code == 403 and "올바르지 않은 링크" in altered.text

    async def is_done() -> bool:
        found = (await stack.milestones.get(f"/v1/milestones/{gatc['id']}")).json()
        return bool(found["state"] == "done")

    await eventually(is_done)
    stack.clock.pin(date(2025, 4, 3))
    await stack.milestones_app.state.run_job("deadline-sweep")
    await notifier.state.run_job(force=True)
    assert all(gatc["id"] not in m.get_body(("plain",)).get_content() for m in digest_for("2025-04-03"))

    detail = (await stack.milestones.get(f"/v1/milestones/{gatc['id']}")).json()
    assert detail["state"] == "done" and detail["on_time"] is False
    assert [h["to_state"] for h in detail["history"]] == ["planned", "overdue", "done"]

    again = await stack.ingest.post(
        "/v1/plans", content=PLAN.read_bytes(), headers={"content-type": "text/plain; charset=utf-8"}
    )
    assert again.status_code == 200 and again.json()["unchanged"] and again.json()["event_ids"] == []
