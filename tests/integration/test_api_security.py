"""The inbound edge as a hostile client tries it, against the real stack: keys and scopes, departments,
takeover by id, strict input, body limits, idempotency, batches, rate limits, an unreachable database.
Every refused request queues no event."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import date

import asyncpg
import httpx
import pytest

from services.ingest import service
from shared.auth import RateLimits
from tests.conftest import _asyncpg_dsn, make_key
from tests.waiting import eventually, get_when_found

TEXT = {"content-type": "text/plain; charset=utf-8"}
MARKET, POLICY = "산업기술시장과", "산업기술정책과"
PLAN = "2025년 시행계획\nㅇ 산업기술 로드맵 개정('25.2분기)\n"


def _client(stack, app_name: str, key: str | None) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    app = stack.ingest_app if app_name == "ingest" else stack.milestones_app
    headers = {"authorization": f"Bearer {key}"} if key else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=f"http://{app_name}", headers=headers
    )


@pytest.fixture(scope="module")
async def keys(stack) -> AsyncIterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    tag = uuid.uuid4().hex[:6]
    made = {
        "market": await make_key(
            stack.database_url, f"market-{tag}", [MARKET], ["status:write", "milestones:write", "read"]
        ),
        "policy": await make_key(
            stack.database_url, f"policy-{tag}", [POLICY], ["status:write", "milestones:write", "read"]
        ),
        "status_only": await make_key(stack.database_url, f"status-{tag}", [MARKET], ["status:write"]),
    }
    yield made


async def _outbox_rows(stack) -> int:  # type: ignore[no-untyped-def]
    conn = await asyncpg.connect(_asyncpg_dsn(stack.database_url))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM outbox_message WHERE producer = 'ingest'"))
    finally:
        await conn.close()


async def _declare(client: httpx.AsyncClient, owner: str = MARKET, **extra: object) -> httpx.Response:
    body = {
        "id": f"sec-{uuid.uuid4().hex[:10]}",
        "title": "보안 시험 과제",
        "due": "2025-06-30",
        "owner": owner,
    }
    return await client.post("/v1/milestones", json={**body, **extra})


async def test_no_key_unknown_key_and_wrong_scope_are_refused(stack, keys) -> None:  # type: ignore[no-untyped-def]
    async with _client(stack, "ingest", None) as anonymous, _client(stack, "milestones", None) as reader:
        for response in (
            await _declare(anonymous),
            await anonymous.post("/v1/milestones/x/status", json={"status": "done"}),
            await anonymous.post("/v1/plans", content=PLAN.encode(), headers=TEXT),
            await reader.get("/v1/milestones"),
            await reader.get("/v1/summary"),
        ):
            assert response.status_code == 401, response.text
            assert response.headers["www-authenticate"].startswith("Bearer")
        for path in ("/healthz", "/openapi.json", "/metrics", "/docs"):
            assert (await reader.get(path)).status_code == 200, path
    async with _client(stack, "ingest", "mtk_" + "x" * 43) as unknown:
        assert (await _declare(unknown)).status_code == 401
    async with _client(stack, "ingest", keys["status_only"]) as limited:
        assert (await _declare(limited)).status_code == 403
        assert (await limited.post("/v1/plans", content=PLAN.encode(), headers=TEXT)).status_code == 403
    async with _client(stack, "milestones", keys["status_only"]) as limited:
        assert (await limited.get("/v1/milestones")).status_code == 403


async def test_departments_see_and_change_only_their_own(stack, keys) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 1, 6))
    async with (
        _client(stack, "ingest", keys["market"]) as market,
        _client(stack, "ingest", keys["policy"]) as policy,
    ):
        declared = await _declare(market)
        assert declared.status_code == 202, declared.text
        mid = declared.json()["milestone_id"]
        assert declared.headers["location"] == f"/v1/milestones/{mid}"
        assert declared.json()["event_ids"]
        before = await _outbox_rows(stack)
        foreign = await _declare(market, owner=POLICY)
        assert foreign.status_code == 422 and "owner" in foreign.text
        attacker = await _declare(market, owner="attacker@example.com")
        assert attacker.status_code == 422 and "directory" in attacker.text
        takeover = await policy.post(
            "/v1/milestones", json={"id": mid, "title": "탈취", "due": "2025-01-01", "owner": POLICY}
        )
        assert takeover.status_code == 409
        done = await policy.post(f"/v1/milestones/{mid}/status", json={"status": "done"})
        assert done.status_code == 403
        assert (
            await policy.post("/v1/milestones/no-such/status", json={"status": "done"})
        ).status_code == 404
        assert await _outbox_rows(stack) == before
    await get_when_found(stack.milestones, f"/v1/milestones/{mid}")
    async with _client(stack, "milestones", keys["policy"]) as policy_reader:
        assert (await policy_reader.get(f"/v1/milestones/{mid}")).status_code == 404
        listed = (await policy_reader.get("/v1/milestones", params={"limit": 1000})).json()
        assert all(m["owner"] in (POLICY, "산업부 산업기술정책과", "기술정책과") for m in listed["items"])
    async with _client(stack, "milestones", keys["market"]) as market_reader:
        assert (await market_reader.get(f"/v1/milestones/{mid}")).status_code == 200


async def test_plan_ids_cannot_be_taken_over(stack, keys) -> None:  # type: ignore[no-untyped-def]
    plan_key = f"sec-{uuid.uuid4().hex[:8]}"
    posted = await stack.ingest.post(
        "/v1/plans", params={"plan_key": plan_key}, content=PLAN.encode(), headers=TEXT
    )
    assert posted.status_code == 202
    versions = await stack.ingest.get(f"/v1/plans/{plan_key}/versions")
    assert versions.status_code == 200
    item = await eventually(
        lambda: _first(stack, plan_key),
    )
    before = await _outbox_rows(stack)
    takeover = {"id": item["id"], "title": "바꿔치기", "due": "2030-01-01", "owner": MARKET}
    assert (await stack.ingest.post("/v1/milestones", json=takeover)).status_code == 409
    rows = f"id,title,due,owner\n{item['id']},바꿔치기,2030-01-01,{MARKET}\n"
    imported = await stack.ingest.post(
        "/v1/imports", content=rows.encode(), headers={"content-type": "text/csv"}
    )
    assert imported.status_code == 409
    assert await _outbox_rows(stack) == before


async def test_plan_versions_are_limited_to_the_keys_departments(stack, keys) -> None:  # type: ignore[no-untyped-def]
    plan_key = f"sec-{uuid.uuid4().hex[:8]}"
    text = f"{PLAN}\n담당부서 {MARKET} 044-203-4500\n"
    posted = await stack.ingest.post(
        "/v1/plans", params={"plan_key": plan_key}, content=text.encode(), headers=TEXT
    )
    assert posted.status_code == 202, posted.text
    path = f"/v1/plans/{plan_key}/versions"
    async with (
        _client(stack, "ingest", keys["market"]) as market,
        _client(stack, "ingest", keys["policy"]) as policy,
    ):
        mine = await market.get(path)
        assert mine.status_code == 200, mine.text
        assert [v["version"] for v in mine.json()] == [1]
        others = await policy.get(path)
        assert others.status_code == 404, others.text
        assert plan_key in others.json()["detail"] and "title" not in others.text
    assert (await stack.ingest.get(path)).status_code == 200  # the administrator's key sees every plan


async def _first(stack, plan_key: str) -> dict | None:  # type: ignore[no-untyped-def,type-arg]
    items = (await stack.milestones.get("/v1/milestones", params={"plan": plan_key})).json()["items"]
    return items[0] if items else None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "널\u0000제목"}, "title"),
        ({"title": "=?utf-8?b?7KCc66qp?="}, "title"),
        ({"title": "줄\n바꿈"}, "title"),
        ({"owner": "산업기술시장과\u0085"}, "owner"),
        ({"state": "done", "on_time": True}, "state"),
        ({"section": ["가" * 201]}, "section"),
        ({"due": "9999-12-31"}, "due"),
        ({"target": {"value": 1e300, "unit": "건"}}, "target"),
    ],
)
async def test_hostile_fields_are_422_naming_the_field(stack, change, field) -> None:  # type: ignore[no-untyped-def]
    before = await _outbox_rows(stack)
    response = await _declare(stack.ingest, **change)
    assert response.status_code == 422, response.text
    assert field in json.dumps(response.json()["detail"], ensure_ascii=False)
    assert len(response.content) < 4000  # the input is not echoed back
    assert await _outbox_rows(stack) == before


async def test_lone_surrogates_huge_numbers_and_controls_in_urls_are_4xx(stack) -> None:  # type: ignore[no-untyped-def]
    raw = b'{"id": "sur-1", "title": "\\ud800", "due": "2025-06-30", "owner": "\xec\x82\xb0"}'
    response = await stack.ingest.post(
        "/v1/milestones", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and "title" in response.text
    note = b'{"status": "done", "note": "\\udfff"}'
    response = await stack.ingest.post(
        "/v1/milestones/x/status", content=note, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert (await stack.milestones.get("/v1/milestones", params={"offset": 2**70})).status_code == 422
    assert (await stack.milestones.get("/v1/milestones", params={"owner": "a\x00b"})).status_code == 422
    assert (await stack.milestones.get("/v1/milestones/a%00b")).status_code == 422
    wrong_type = await stack.ingest.post(
        "/v1/milestones", content=b"title=x", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert wrong_type.status_code == 415


async def test_bodies_over_their_limits_are_413_before_anything_is_queued(stack) -> None:  # type: ignore[no-untyped-def]
    before = await _outbox_rows(stack)
    section = await _declare(stack.ingest, section=["가" * 100_000] * 5)  # 1.5 MB of UTF-8
    assert section.status_code == 413 and "limit" in section.json()["detail"]
    huge = json.dumps({"status": "done", "note": "x" * (20 * 1024 * 1024)}).encode()
    assert (
        await stack.ingest.post(
            "/v1/milestones/x/status", content=huge, headers={"content-type": "application/json"}
        )
    ).status_code == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: refused while streaming
        for _ in range(100):
            yield b"a" * 65536

    streamed = await stack.ingest.post("/v1/imports", content=chunks(), headers={"content-type": "text/csv"})
    assert streamed.status_code == 413
    assert await _outbox_rows(stack) == before


async def test_an_event_over_the_configured_maximum_is_refused(stack, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MTRACK_MAX_EVENT_BYTES", "600")
    service.max_event_bytes.cache_clear()
    try:
        before = await _outbox_rows(stack)
        response = await _declare(stack.ingest, section=["가" * 150, "나" * 150])
        assert response.status_code == 413 and "limit" in response.json()["detail"]
        assert await _outbox_rows(stack) == before
    finally:
        monkeypatch.delenv("MTRACK_MAX_EVENT_BYTES")
        service.max_event_bytes.cache_clear()


async def test_a_revoked_key_stops_working_within_seconds(stack) -> None:  # type: ignore[no-untyped-def]
    name = f"revoke-{uuid.uuid4().hex[:6]}"
    key = await make_key(stack.database_url, name, ["*"], ["read"])
    async with _client(stack, "milestones", key) as client:
        assert (await client.get("/v1/summary")).status_code == 200
        conn = await asyncpg.connect(_asyncpg_dsn(stack.database_url))
        try:
            await conn.execute("UPDATE api_key SET revoked_at = now() WHERE name = $1", name)
        finally:
            await conn.close()

        async def refused() -> bool:
            return (await client.get("/v1/summary")).status_code == 401

        await eventually(refused, timeout=5.0)


async def test_idempotency_key_replays_refuses_another_body_and_queues_once(stack) -> None:  # type: ignore[no-untyped-def]
    declared = await _declare(stack.ingest)
    mid = declared.json()["milestone_id"]
    key = {"Idempotency-Key": f"idem-{uuid.uuid4().hex}"}
    first = await stack.ingest.post(
        f"/v1/milestones/{mid}/status", json={"status": "in_progress"}, headers=key
    )
    assert first.status_code == 202
    before = await _outbox_rows(stack)
    again = await stack.ingest.post(
        f"/v1/milestones/{mid}/status", json={"status": "in_progress"}, headers=key
    )
    assert (again.status_code, again.json()) == (202, first.json())
    other = await stack.ingest.post(f"/v1/milestones/{mid}/status", json={"status": "done"}, headers=key)
    assert other.status_code == 422 and "different" in other.json()["detail"]
    assert await _outbox_rows(stack) == before
    declare_key = {"Idempotency-Key": f"idem-{uuid.uuid4().hex}"}
    body = {"title": "멱등 선언", "due": "2025-06-30", "owner": MARKET}
    one = await stack.ingest.post("/v1/milestones", json=body, headers=declare_key)
    two = await stack.ingest.post("/v1/milestones", json=body, headers=declare_key)
    assert one.json() == two.json() and two.headers["location"] == one.headers["location"]


async def test_batches_answer_per_item_in_order(stack, keys) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 1, 6))
    async with (
        _client(stack, "ingest", keys["market"]) as market,
        _client(stack, "ingest", keys["policy"]) as policy,
    ):
        mine = (await _declare(market)).json()["milestone_id"]
        theirs = (await _declare(policy, owner=POLICY)).json()["milestone_id"]
        updates = [
            {
                "milestone_id": mine,
                "status": "in_progress",
                "progress": 40,
                "expected_date": "2025-07-15",
                "reason": "장비 지연",
            },
            {"milestone_id": theirs, "status": "done"},
            {"milestone_id": "no-such-milestone", "status": "done"},
            {"milestone_id": mine, "status": "done", "state": "done"},
            {"milestone_id": mine, "status": "done", "done_date": "2025-01-03"},
        ]
        before = await _outbox_rows(stack)
        response = await market.post("/v1/status-updates", json={"updates": updates})
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert [r["status"] for r in results] == [202, 403, 404, 422, 202]
        assert results[0]["event_id"] and "state" in json.dumps(results[3]["error"])
        assert await _outbox_rows(stack) == before + 2
        too_many = await market.post(
            "/v1/status-updates", json={"updates": [{"milestone_id": mine, "status": "done"}] * 1001}
        )
        assert too_many.status_code == 422
        snoozed = await market.post(f"/v1/milestones/{mine}/snooze", json={"until": "2025-01-20"})
        assert snoozed.status_code == 202
        too_far = await market.post(f"/v1/milestones/{mine}/snooze", json={"until": "2025-03-20"})
        assert too_far.status_code == 422
        assert (
            await market.post(f"/v1/milestones/{mine}/acknowledge", json={"by": "담당자"})
        ).status_code == 202
        assert (await market.post(f"/v1/milestones/{theirs}/acknowledge")).status_code == 403


async def test_rate_limit_per_key_gives_429_with_retry_after(stack) -> None:  # type: ignore[no-untyped-def]
    app = stack.milestones_app
    saved = app.state.rate_limits
    app.state.rate_limits = RateLimits("3/minute")
    try:
        async with _client(stack, "milestones", stack.admin_key) as client:
            answers = [await client.get("/v1/summary") for _ in range(5)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
        assert int(answers[-1].headers["retry-after"]) >= 1
    finally:
        app.state.rate_limits = saved


async def test_an_unreachable_database_is_503_with_retry_after(stack) -> None:  # type: ignore[no-untyped-def]
    from services.ingest.app import IngestSettings, create_app

    settings = IngestSettings(
        DATABASE_URL="postgresql://postgres@127.0.0.1:1/none", KAFKA_BOOTSTRAP_SERVERS=stack.kafka_servers
    )
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://down",
        headers={"authorization": f"Bearer {stack.admin_key}"},
    ) as client:
        response = await asyncio.wait_for(client.post("/v1/milestones/x/status", json={"status": "done"}), 30)
    assert response.status_code == 503 and response.headers["retry-after"]


async def test_a_retry_while_the_first_is_in_flight_is_409(stack) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    key = f"inflight-{uuid.uuid4().hex}"
    conn = await asyncpg.connect(_asyncpg_dsn(stack.database_url))
    try:
        name = await conn.fetchval(
            "SELECT name FROM api_key WHERE key_hash = $1",
            hashlib.sha256(stack.admin_key.encode()).hexdigest(),
        )
        await conn.execute(
            "INSERT INTO idempotency_record (key_name, idempotency_key, request_hash) VALUES ($1, $2, 'x')",
            name,
            key,
        )
        body = {"status": "in_progress"}
        response = await stack.ingest.post(
            "/v1/milestones/x/status", json=body, headers={"Idempotency-Key": key}
        )
        assert response.status_code == 422  # another body than the one in flight
        digest = await conn.fetchval(
            "SELECT request_hash FROM idempotency_record WHERE idempotency_key = $1", key
        )
        assert digest == "x"
        await conn.execute("DELETE FROM idempotency_record WHERE idempotency_key = $1", key)
        first = await stack.ingest.post(
            "/v1/milestones/x/status", json=body, headers={"Idempotency-Key": key}
        )
        assert first.status_code == 404  # stored: the same answer on a retry
        await conn.execute("UPDATE idempotency_record SET status_code = NULL WHERE idempotency_key = $1", key)
        retry = await stack.ingest.post(
            "/v1/milestones/x/status", json=body, headers={"Idempotency-Key": key}
        )
        assert retry.status_code == 409 and retry.headers["retry-after"]
    finally:
        await conn.close()


async def test_imports_over_the_row_limit_or_malformed_are_refused(stack) -> None:  # type: ignore[no-untyped-def]
    before = await _outbox_rows(stack)
    rows = "id,title,due,owner\n" + "".join(f"many-{n},과제,2025-06-30,{MARKET}\n" for n in range(10_001))
    many = await stack.ingest.post("/v1/imports", content=rows.encode(), headers={"content-type": "text/csv"})
    assert many.status_code == 413 and "10,000" in many.json()["detail"]["reason"]
    deep = await stack.ingest.post(
        "/v1/imports", content=b"[" * 100_000, headers={"content-type": "application/json"}
    )
    assert deep.status_code == 422
    nul = await stack.ingest.post(
        "/v1/imports",
        content="id,title,due,owner\nn-1,널\x00값,2025-06-30,산업기술시장과\n".encode(),
        headers={"content-type": "text/csv"},
    )
    assert nul.status_code == 422 and "title" in json.dumps(nul.json(), ensure_ascii=False)
    nested = await stack.ingest.post(
        "/v1/milestones", content=b"[" * 100_000, headers={"content-type": "application/json"}
    )
    assert nested.status_code == 422
    assert await _outbox_rows(stack) == before


async def test_two_departments_declaring_one_new_id_at_once_get_one_owner(stack, keys) -> None:  # type: ignore[no-untyped-def]
    async with (
        _client(stack, "ingest", keys["market"]) as market,
        _client(stack, "ingest", keys["policy"]) as policy,
    ):
        for _ in range(5):
            mid = f"race-{uuid.uuid4().hex[:8]}"
            answers = await asyncio.gather(
                market.post(
                    "/v1/milestones", json={"id": mid, "title": "경쟁", "due": "2025-06-30", "owner": MARKET}
                ),
                policy.post(
                    "/v1/milestones", json={"id": mid, "title": "경쟁", "due": "2025-06-30", "owner": POLICY}
                ),
            )
            assert sorted(a.status_code for a in answers) == [202, 409], [a.text for a in answers]


async def test_the_request_id_travels_in_the_events_it_causes(stack) -> None:  # type: ignore[no-untyped-def]
    request_id = f"req-{uuid.uuid4().hex[:12]}"
    declared = await stack.ingest.post(
        "/v1/milestones",
        json={"id": f"rid-{uuid.uuid4().hex[:10]}", "title": "요청 번호 과제", "due": "2025-06-30",
              "owner": "산업기술정책과"},
        headers={"X-Request-ID": request_id},
    )  # fmt: skip
    assert declared.status_code == 202 and declared.headers["X-Request-ID"] == request_id
    (event_id,) = declared.json()["event_ids"]
    conn = await asyncpg.connect(_asyncpg_dsn(stack.database_url))
    try:
        value = await conn.fetchval(
            "SELECT value FROM outbox_message WHERE event_id = $1", uuid.UUID(event_id)
        )
    finally:
        await conn.close()
    assert json.loads(value)["request_id"] == request_id


async def test_the_status_lane_answers_as_the_route_does(stack, keys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The plain status POST is served by a pure-ASGI lane (services/ingest/status_lane.py); every answer
    must be the FastAPI route's: the same status and error body, the same 202 shape."""
    from services.ingest.status_lane import StatusLane

    async with _client(stack, "ingest", keys["market"]) as market:
        mine = (await _declare(market)).json()["milestone_id"]
    async with _client(stack, "ingest", keys["policy"]) as policy:
        theirs = (await _declare(policy, owner=POLICY)).json()["milestone_id"]
    reader = await make_key(stack.database_url, f"reader-{uuid.uuid4().hex[:6]}", [MARKET], ["read"])
    cases = [
        (keys["market"], mine, {"status": "in_progress", "progress": 40, "note": "진행\n중"}),
        (keys["market"], theirs, {"status": "done"}),
        (keys["market"], "no-such-milestone", {"status": "done"}),
        (keys["market"], mine, {"status": "done", "on_time": True}),
        (keys["market"], mine, {"status": "done", "done_date": "2999-01-01"}),
        (keys["market"], mine, {"status": "busy"}),
        (reader, mine, {"status": "planned"}),
        (keys["policy"].replace("mtk_", "mtk_x"), mine, {"status": "done"}),
        ("", mine, {"status": "done"}),
    ]
    served: dict[str, int] = {"lane": 0}
    real = StatusLane._serve

    async def counting(self, *args):  # type: ignore[no-untyped-def]
        answer = await real(self, *args)
        served["lane"] += answer is not None
        return answer

    async def answers() -> list[tuple[int, object]]:
        out = []
        for key, mid, body in cases:
            async with _client(stack, "ingest", key or None) as client:
                response = await client.post(f"/v1/milestones/{mid}/status", json=body)
            data = response.json()
            out.append((response.status_code, sorted(data) if response.status_code == 202 else data))
        return out

    monkeypatch.setattr(StatusLane, "_serve", counting)
    through_lane = await answers()
    assert served["lane"] == 3  # the 202, the 403 and the 404; the rest went to the route
    monkeypatch.setattr(StatusLane, "_serve", lambda self, *args: _none())
    assert await answers() == through_lane
    assert [status for status, _ in through_lane] == [202, 403, 404, 422, 422, 422, 403, 401, 401]


async def _none() -> None:
    return None
