"""The whole way: a plan posted to ingest → milestones in PostgreSQL → the clock passes a due date →
the owner's overdue e-mail, in Korean, arrives at the SMTP server."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes
from email.policy import default

from tests.conftest import EXAMPLES
from tests.waiting import eventually

PLAN = EXAMPLES / "2025_industrial_tech_innovation_plan.txt"


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

    def gatc_mail() -> list:  # type: ignore[type-arg]
        return [p for p in stack.mail.messages() if gatc["id"] in p.read_text(errors="replace")]

    (mail,) = await eventually(gatc_mail)
    message = message_from_bytes(mail.read_bytes(), policy=default)
    assert message["To"] == "tech-policy@example.com"
    assert message["Subject"].startswith("[mtrack] 기한 경과: ")
    assert "GATC" in message["Subject"] and "(기한 2025-03-31, 2일 경과)" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "기한: 2025-03-31 (2일 경과, 2025-04-02 기준)" in body

    detail = (await stack.milestones.get(f"/v1/milestones/{gatc['id']}")).json()
    assert detail["state"] == "overdue"
    assert [h["to_state"] for h in detail["history"]] == ["planned", "overdue"]

    again = await stack.ingest.post(
        "/v1/plans", content=PLAN.read_bytes(), headers={"content-type": "text/plain; charset=utf-8"}
    )
    assert again.status_code == 200 and again.json()["unchanged"] and again.json()["event_ids"] == []
