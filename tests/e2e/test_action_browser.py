"""The action page in a real headless Chromium, served over a loopback socket: the signed link opened as
from a mail, the form posted by clicking 완료, the milestone done; a replayed or cross-site post changes
nothing. Skipped when no chromium is installed (`apt-get install -y chromium`)."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import date, timedelta

import httpx
import pytest
import uvicorn

from mtrack.stack.ports import free_port
from shared import action_tokens as tokens
from tests.browser import Browser, chromium_path
from tests.waiting import eventually, get_when_found

# Skipped only outside CI (make test installs Debian's chromium where it can; in CI it must be there).
pytestmark = pytest.mark.skipif(
    chromium_path() is None and not os.environ.get("CI"), reason="no chromium installed"
)


async def test_officer_marks_done_in_a_browser(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 4, 2))
    milestone_id = f"browser-{uuid.uuid4().hex[:8]}"
    declared = await stack.ingest.post(
        "/v1/milestones",
        json={"id": milestone_id, "title": "브라우저 시험 과제 <b>굵게</b>", "due": "2025-03-31",
              "owner": "산업기술시장과", "section": ["Ⅳ. 시행 계획", "1. 시험"]},
    )  # fmt: skip
    assert declared.status_code == 202, declared.text
    await get_when_found(stack.milestones, f"/v1/milestones/{milestone_id}")

    ingest = stack.ingest._transport.app
    ingest.state.actions_client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=stack.milestones_app),
        base_url="http://milestones",
        headers={"Authorization": f"Bearer {stack.admin_key}"},  # as MTRACK_SERVICE_KEY would
    )
    key = stack.notifier._transport.app.state.dispatcher.key
    token = tokens.sign(
        key, milestone_id=milestone_id, recipient="tech-market-1@example.com",
        expires=stack.clock.now() + timedelta(days=14),
    )  # fmt: skip
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(ingest, host="127.0.0.1", port=port, lifespan="off", log_config=None)
    )
    serving = asyncio.create_task(server.serve())
    await eventually(lambda: server.started)
    browser = await asyncio.to_thread(Browser, chromium_path())
    try:
        url = f"http://127.0.0.1:{port}/a/{token}"
        await asyncio.to_thread(browser.goto, url)
        title = await asyncio.to_thread(browser.evaluate, "document.getElementById('title').textContent")
        assert title == "브라우저 시험 과제 <b>굵게</b>"  # shown as text, not markup
        assert await asyncio.to_thread(browser.evaluate, "document.querySelectorAll('b#title b').length") == 0
        width = await asyncio.to_thread(
            browser.evaluate, "document.documentElement.scrollWidth <= innerWidth + 1"
        )
        assert width  # nothing overflows sideways
        await asyncio.to_thread(browser.evaluate, "document.getElementById('do-done').click()")
        result = await asyncio.to_thread(browser.wait_for, "document.getElementById('result')?.textContent")
        assert result == "완료 처리되었습니다"

        async def is_done() -> bool:
            found = (await stack.milestones.get(f"/v1/milestones/{milestone_id}")).json()
            return bool(found["state"] == "done")

        await eventually(is_done)
        await asyncio.to_thread(browser.evaluate, "history.back()")
        await asyncio.to_thread(browser.wait_for, "!!document.getElementById('do-ack')")
        await asyncio.to_thread(browser.evaluate, "document.getElementById('do-ack').click()")
        again = await asyncio.to_thread(browser.wait_for, "document.getElementById('result')?.textContent")
        assert again in (
            "이미 처리된 요청입니다",
            "확인 처리되었습니다",
        )  # a cached form is a replay; a fresh one is new
        await asyncio.to_thread(browser.goto, f"http://127.0.0.1:{port}/a/{token[:-2]}xx")
        refused = await asyncio.to_thread(browser.wait_for, "document.getElementById('result')?.textContent")
        assert refused == "올바르지 않은 링크입니다"
    finally:
        await asyncio.to_thread(browser.close)
        server.should_exit = True
        await serving
