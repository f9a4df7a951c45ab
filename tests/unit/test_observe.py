"""HTTP metrics, request ids, access logs and their redaction (shared/observe.py, shared/logs.py)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI, HTTPException
from prometheus_client import REGISTRY

from shared.logs import JsonFormatter, RequestIdFilter, TextFormatter, configure_logging, redact
from shared.observe import current_request_id, observe, request_context

SERVICE = "unit-observe"
app_log = logging.getLogger("unit.observe.app")


def _app() -> FastAPI:
    app = FastAPI()
    observe(app, SERVICE)

    @app.get("/v1/things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, str | None]:
        app_log.info("looking at %s", thing_id)
        if thing_id == "missing":
            raise HTTPException(404, "no such thing")
        return {"request_id": current_request_id()}

    @app.get("/a/{token}")
    async def action(token: str) -> dict[str, str]:
        return {"ok": "yes"}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    included = APIRouter(prefix="/v2")

    @included.get("/items/{item_id}")
    async def item(item_id: str) -> dict[str, str]:
        return {"item": item_id}

    app.include_router(included)
    return app


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _value(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, {"service": SERVICE, **labels})


def _client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://t")


async def test_counts_by_route_template_and_status_class_with_every_series_at_zero_first() -> None:
    app = _app()
    route = "/v1/things/{thing_id}"
    before = _value("mtrack_http_requests_total", route=route, status_class="2xx") or 0.0
    async with _client(app) as client:
        assert (await client.get("/v1/things/one")).status_code == 200
        # primed by the first request: the 5xx series of a route nobody failed on exists at 0
        assert _value("mtrack_http_requests_total", route=route, status_class="5xx") == 0.0
        assert (await client.get("/v1/things/missing")).status_code == 404
        assert (await client.get("/boom")).status_code == 500
        assert (await client.get("/no/such/path")).status_code == 404
    assert _value("mtrack_http_requests_total", route=route, status_class="2xx") == before + 1
    assert _value("mtrack_http_requests_total", route=route, status_class="4xx") == 1.0
    assert _value("mtrack_http_requests_total", route="/boom", status_class="5xx") == 1.0
    assert _value("mtrack_http_requests_total", route="unmatched", status_class="4xx") == 1.0
    assert _value("mtrack_http_request_duration_seconds_count", route=route) == before + 2
    # a route of an included router (added after observe()) is primed and counted by its template
    assert _value("mtrack_http_requests_total", route="/v2/items/{item_id}", status_class="2xx") == 0.0
    async with _client(app) as client:
        assert (await client.get("/v2/items/7")).status_code == 200
    assert _value("mtrack_http_requests_total", route="/v2/items/{item_id}", status_class="2xx") == 1.0
    assert _value("mtrack_http_requests_in_flight") == 0.0
    labels = {
        s.labels.get("route")
        for m in REGISTRY.collect()
        for s in m.samples
        if s.name.startswith("mtrack_http")
    }
    assert "/no/such/path" not in labels and "/v1/things/one" not in labels


async def test_request_id_is_kept_or_generated_returned_and_on_every_log_line(captured: io.StringIO) -> None:
    async with _client(_app()) as client:
        kept = await client.get("/v1/things/one", headers={"X-Request-ID": "abc-123"})
        made = await client.get("/v1/things/two")
        bad = await client.get("/v1/things/three", headers={"X-Request-ID": "<script>\u0000"})
    assert kept.headers["x-request-id"] == "abc-123" == kept.json()["request_id"]
    assert (
        len(made.headers["x-request-id"]) == 32 and made.json()["request_id"] == made.headers["x-request-id"]
    )
    assert bad.headers["x-request-id"] != "<script>\u0000" and len(bad.headers["x-request-id"]) == 32
    lines = _lines(captured)
    for rid, thing in (("abc-123", "one"), (made.headers["x-request-id"], "two")):
        mine = [line for line in lines if line.get("request_id") == rid]
        assert {line["logger"] for line in mine} == {"unit.observe.app", "mtrack.access"}
        (access,) = (line for line in mine if line["logger"] == "mtrack.access")
        assert access["http"] == {  # type: ignore[comparison-overlap]
            "method": "GET",
            "path": f"/v1/things/{thing}",
            "route": "/v1/things/{thing_id}",
            "status": 200,
            "duration_ms": access["http"]["duration_ms"],  # type: ignore[index]
        }
    assert current_request_id() is None


async def test_an_unhandled_error_is_logged_with_the_request_id(captured: io.StringIO) -> None:
    async with _client(_app()) as client:
        response = await client.get("/boom", headers={"X-Request-ID": "req-boom"})
    assert response.status_code == 500
    (error,) = (line for line in _lines(captured) if line["logger"] == "mtrack.errors")
    assert error["request_id"] == "req-boom" and "RuntimeError: boom" in error["exc"]  # type: ignore[operator]


async def test_tokens_and_keys_never_reach_the_access_log(captured: io.StringIO) -> None:
    async with _client(_app()) as client:
        await client.get(
            "/a/s3cr3t-t0ken-value?key=k-777&format=ics", headers={"Authorization": "Bearer zzz-top"}
        )
    text = captured.getvalue()
    assert "s3cr3t-t0ken-value" not in text and "k-777" not in text and "zzz-top" not in text
    (access,) = (line for line in _lines(captured) if line["logger"] == "mtrack.access")
    assert access["http"]["path"] == "/a/***?key=***&format=ics"  # type: ignore[index]


@pytest.mark.parametrize(
    ("raw", "secret"),
    [
        ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
        ("calling https://x.example.com/feed.ics?key=K123&x=1", "K123"),
        ("GET /a/Zm9vYmFyYmF6cXV4 302", "Zm9vYmFyYmF6cXV4"),
        ("postgresql://mtrack:hunter2@db:5432/mtrack", "hunter2"),
        ("headers={'authorization': 'Bearer tok-9'}", "tok-9"),
        ("retrying with BEARER mtk_abc123 (재시도)", "mtk_abc123"),
        ("GET /v1/feed.ics;Token=T-77 200", "T-77"),
    ],
)
def test_redact(raw: str, secret: str) -> None:
    assert secret not in redact(raw)


def test_a_line_with_no_secret_is_unchanged() -> None:
    line = "POST /v1/milestones/m-1/status 202 1.2ms 상태 보고"
    assert redact(line) is line


def test_json_format_is_one_object_per_line_and_text_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        monkeypatch.setenv("MTRACK_LOG_FORMAT", "json")
        configure_logging("unit-service")
        assert isinstance(root.handlers[0].formatter, JsonFormatter)
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "과제\n%s", ("두 줄",), None)
        line = root.handlers[0].format(record)
        assert "\n" not in line and json.loads(line)["msg"] == "과제\n두 줄"
        monkeypatch.delenv("MTRACK_LOG_FORMAT")
        configure_logging("unit-service")
        assert isinstance(root.handlers[0].formatter, TextFormatter)
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])


def test_request_context_binds_an_id_outside_http() -> None:
    assert current_request_id() is None
    with request_context("from-event"):
        assert current_request_id() == "from-event"
    assert current_request_id() is None
