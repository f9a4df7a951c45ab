"""The HTTP edge's guards and error shape, shared by ingest and the milestones API.

- bodies are read in chunks and refused (413) once they pass the route's limit, before they are whole;
- paths and query strings with control characters are refused (422) before any handler sees them;
- validation errors are `{"detail": [{"loc", "msg", "type"}]}`, never echoing the input;
- an unreachable database is 503 with Retry-After, never 500."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any
from urllib.parse import unquote_to_bytes

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import Counter
from pydantic import BeforeValidator
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)
REJECTIONS = Counter("mtrack_api_rejections_total", "Requests refused at the edge", ["reason"])
REASONS = ("auth", "scope", "rate", "validation", "size", "conflict")
JSON_LIMIT = 256 * 1024
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_BYTES = re.compile(rb"[\x00-\x1f\x7f]")
RETRY_AFTER = "5"

ERROR_EXAMPLES: dict[int, tuple[str, Any]] = {
    401: ("missing, unknown or revoked API key", "unknown or revoked API key"),
    403: ("the key lacks the scope, or the milestone belongs to another department", "this key lacks the 'read' scope"),
    404: ("no such milestone (or not one this key may see)", "no milestone 'x'"),
    409: ("conflict: an id owned by a plan or another department, or a request still in flight", "milestone 'x' comes from a plan"),
    413: ("the body or the event it would create is over its limit", "the body is over the limit of 262,144 bytes"),
    415: ("unsupported content type", "send JSON (application/json)"),
    422: ("invalid input, naming the field", [{"loc": ["body", "title"], "msg": "contains a control character", "type": "value_error"}]),
    429: ("rate limit for this key exceeded; see Retry-After", "rate limit for this key exceeded; retry in 1 s"),
    503: ("the database is unreachable; see Retry-After", "the database is unreachable; retry shortly"),
}  # fmt: skip


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the given status codes, each with an example of the one error shape."""
    return {
        code: {
            "description": ERROR_EXAMPLES[code][0],
            "content": {
                "application/json": {
                    "schema": {"type": "object", "properties": {"detail": {}}, "required": ["detail"]},
                    "example": {"detail": ERROR_EXAMPLES[code][1]},
                }
            },
        }
        for code in codes
    }


def _iso_only(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date is written YYYY-MM-DD")
    if not isinstance(value, str | date):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_only)]
"""A date in a query string: only `YYYY-MM-DD` (pydantic alone would take `0` as 1970-01-01)."""

Limits = Callable[[str], tuple[int, bool]]


def install(app: FastAPI, *, limits: Limits | None = None) -> None:
    """Error handlers and the request guard on `app`; `limits(path)` gives a path's body limit in bytes
    and whether it takes JSON only (else 415)."""
    for reason in REASONS:
        REJECTIONS.labels(reason)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for kind in DATABASE_DOWN:
        app.add_exception_handler(kind, _database_down)
    app.add_middleware(RequestGuard, limits=limits or (lambda path: (JSON_LIMIT, True)))


async def _http_error(request: Request, err: Exception) -> Response:
    """FastAPI's own answer, except its 400 for a body it could not parse (too deeply nested JSON),
    which is a validation error like any other."""
    assert isinstance(err, StarletteHTTPException)
    if err.status_code == 400:
        REJECTIONS.labels("validation").inc()
        detail = [
            {
                "loc": ["body"],
                "msg": "the body is not valid JSON (or nested too deeply)",
                "type": "json_invalid",
            }
        ]
        return JSONResponse({"detail": detail}, status_code=422)
    return await http_exception_handler(request, err)


def _short(value: Any) -> Any:
    return value if isinstance(value, int | float | bool) or value is None else None


async def _validation_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, RequestValidationError)
    REJECTIONS.labels("validation").inc()
    detail = []
    for e in err.errors()[:50]:
        item = {
            "loc": [p if isinstance(p, int) else str(p)[:100] for p in e.get("loc", ())],
            "msg": _clean(str(e.get("msg", "")))[:300],
            "type": str(e.get("type", "")),
        }
        if _short(e.get("input")) is not None:
            item["input"] = e["input"]
        detail.append(item)
    return JSONResponse({"detail": detail}, status_code=422)


def _clean(text: str) -> str:
    return CONTROL.sub("?", text)


DATABASE_DOWN: tuple[type[Exception], ...] = (OSError, sa_exc.DBAPIError, sa_exc.TimeoutError)


async def _database_down(request: Request, err: Exception) -> JSONResponse:
    kind = _classify(err)
    if kind == "data":
        REJECTIONS.labels("validation").inc()
        return JSONResponse({"detail": "a value is out of the range the database accepts"}, status_code=422)
    if kind == "other":
        log.error("database error", exc_info=err)
        return JSONResponse({"detail": "internal error"}, status_code=500)
    log.warning("database unreachable: %s: %s", type(err).__name__, str(err)[:200])
    return JSONResponse(
        {"detail": "the database is unreachable; retry shortly"},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER},
    )


def _classify(err: BaseException) -> str:
    """`down` (connection refused/lost/timed out), `data` (a bad value got through) or `other`."""
    if isinstance(err, OSError | sa_exc.TimeoutError):
        return "down"
    assert isinstance(err, sa_exc.DBAPIError)
    if err.connection_invalidated:
        return "down"
    names = " ".join(type(e).__name__ for e in (err, err.orig, getattr(err.orig, "__cause__", None)) if e)
    if "DataError" in names or "OutOfRange" in names or "CharacterNotInRepertoire" in names:
        return "data"
    if isinstance(err.orig, OSError) or any(
        word in names for word in ("Connection", "CannotConnect", "Shutdown", "TooManyConnections")
    ):
        return "down"
    return "down" if isinstance(err, sa_exc.OperationalError) else "other"


class RequestGuard:
    """Pure ASGI: refuses control characters in the path/query (422) and bodies over the route's limit
    (413) while reading them, then hands the buffered body on."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = _bad_target(scope)
        if problem:
            REJECTIONS.labels("validation").inc()
            await _respond(
                send, 422, [{"loc": [problem], "msg": "contains a control character", "type": "value_error"}]
            )
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        limit, json_only = self.limits(scope["path"])
        headers = dict(scope["headers"])
        has_body = headers.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in headers
        if json_only and has_body and not _is_json(headers.get(b"content-type", b"")):
            await _respond(send, 415, "send the body as JSON (content-type: application/json)")
            return
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _too_large(send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if json_only and not _utf8(body):
            REJECTIONS.labels("validation").inc()
            await _respond(
                send, 422, [{"loc": ["body"], "msg": "the body is not UTF-8 JSON", "type": "json_invalid"}]
            )
            return
        await self.app(scope, replaying(body, receive), send)


def replaying(body: bytes, receive: Receive) -> Receive:
    """An ASGI `receive` for an app behind a middleware that has read the body whole: the body once, then
    the real `receive` (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_json(content_type: bytes) -> bool:
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or media.endswith(b"+json")


def _bad_target(scope: Scope) -> str | None:
    if CONTROL.search(scope.get("path", "")):
        return "path"
    query = scope.get("query_string", b"")
    if not query:
        return None
    raw = unquote_to_bytes(query.replace(b"+", b" "))
    if CONTROL_BYTES.search(raw):
        return "query"
    try:
        if CONTROL.search(raw.decode("utf-8")):
            return "query"
    except UnicodeDecodeError:
        return "query"
    return None


async def _too_large(send: Send, limit: int) -> None:
    REJECTIONS.labels("size").inc()
    await _respond(send, 413, f"the body is over the limit of {limit:,} bytes")


async def _respond(send: Send, status: int, detail: Any) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 413:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
