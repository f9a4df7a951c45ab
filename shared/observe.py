"""HTTP metrics, access logs and request ids for every service: `observe(app, "ingest")` in create_app.

A small pure-ASGI middleware on prometheus_client rather than prometheus-fastapi-instrumentator: the
library names its series `http_requests_total{handler,method,status}` in the global registry (a second
create_app in one process needs extra care), while the dashboards and alert rules are written against the
project's contract names with a `service` label; it also cannot pre-create every route's series at 0 (a
counter's first increment is invisible to `rate()`), and it would still leave the request id and the
access log to write. The middleware is ~100 lines and needs nothing but prometheus_client.

- `mtrack_http_requests_total{service,route,status_class}` (counter; route = the route *template*, e.g.
  `/v1/milestones/{milestone_id}`, or `unmatched`, so no label carries a raw path),
- `mtrack_http_request_duration_seconds{service,route}` (histogram, seconds),
- `mtrack_http_requests_in_flight{service}` (gauge).

Request id: a well-formed `X-Request-ID` is kept, otherwise one is generated; it is returned in the
response header, held in a context variable for the request (`current_request_id()`; shared/logs.py puts
it into every log line), and logged in one access-log line per request (logger `mtrack.access`; probes
and /metrics at DEBUG). Paths are logged with token/key path parameters and secret query values redacted.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, urlencode

from prometheus_client import Counter, Gauge, Histogram

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUESTS = Counter(
    "mtrack_http_requests_total",
    "HTTP requests by route template and status class",
    ["service", "route", "status_class"],
)
DURATION = Histogram(
    "mtrack_http_request_duration_seconds",
    "HTTP request duration (until the response is sent) by route template",
    ["service", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
IN_FLIGHT = Gauge("mtrack_http_requests_in_flight", "HTTP requests being served", ["service"])

STATUS_CLASSES = ("2xx", "3xx", "4xx", "5xx")
UNMATCHED = "unmatched"
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Path parameters and query parameters whose values must never reach a log line.
SECRET_NAMES = re.compile(r"(?i)token|key|secret|password|signature|auth")
REDACTED = "***"

_request_id: ContextVar[str | None] = ContextVar("mtrack_request_id", default=None)
access_log = logging.getLogger("mtrack.access")
error_log = logging.getLogger("mtrack.errors")


def current_request_id() -> str | None:
    """The id of the HTTP request being handled in this task (None outside a request)."""
    return _request_id.get()


@contextmanager
def request_context(request_id: str | None) -> Iterator[None]:
    """Binds a request id outside HTTP, e.g. while a consumer handles an event that carries one, so its log
    lines name the request that caused them."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def observe(app: Any, service: str) -> None:
    """Wraps `app` (a FastAPI/Starlette app) in the middleware; routes are read when serving starts."""
    app.add_middleware(ObserveMiddleware, service=service, routes=lambda: app.routes)


class ObserveMiddleware:
    def __init__(self, app: ASGIApp, *, service: str, routes: Callable[[], list[Any]]) -> None:
        self.app = app
        self.service = service
        self.routes = routes
        self._primed = False
        self._in_flight = IN_FLIGHT.labels(service)
        self._in_flight.set(0)
        # the labelled children, looked up once per (route, status class): `.labels()` takes a lock and
        # builds a key on every call (~3 % of a status POST's CPU)
        self._series: dict[tuple[str, str], tuple[Any, Any]] = {}

    def prime(self) -> None:
        """Every route's series exist at 0 before the first request (so rate() sees the first one)."""
        if self._primed:
            return
        self._primed = True
        for template in {*route_templates(self.routes()), UNMATCHED}:
            DURATION.labels(self.service, template)
            for status_class in STATUS_CLASSES:
                REQUESTS.labels(self.service, template, status_class)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                self.prime()
            await self.app(scope, receive, send)
            return
        self.prime()
        request_id = _incoming_request_id(scope) or os.urandom(16).hex()
        token = _request_id.set(request_id)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                message["headers"] = [*headers, (b"x-request-id", request_id.encode())]
            await send(message)

        self._in_flight.inc()
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # logged here, inside the request's context, so the traceback carries its request id
            error_log.exception("unhandled error in %s %s", scope.get("method", "-"), safe_path(scope))
            raise
        finally:
            elapsed = time.perf_counter() - started
            self._in_flight.dec()
            route = getattr(scope.get("route"), "path", None) or UNMATCHED
            requests, duration = self._children(route, STATUS_CLASSES[min(max(status // 100, 2), 5) - 2])
            requests.inc()
            duration.observe(elapsed)
            path = safe_path(scope)
            access_log.log(
                logging.DEBUG if route in QUIET_ROUTES else logging.INFO,
                "%s %s %d %.1fms",
                scope.get("method", "-"),
                path,
                status,
                elapsed * 1000,
                extra={
                    "http": {
                        "method": scope.get("method"),
                        "path": path,
                        "route": route,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 1),
                    }
                },
            )
            _request_id.reset(token)

    def _children(self, route: str, status_class: str) -> tuple[Any, Any]:
        key = (route, status_class)
        if (found := self._series.get(key)) is None:
            found = (REQUESTS.labels(self.service, route, status_class), DURATION.labels(self.service, route))
            self._series[key] = found
        return found


def route_templates(routes: list[Any], prefix: str = "") -> list[str]:
    """The path templates of `routes`, into included routers (FastAPI >= 0.165 keeps them unexpanded)."""
    found: list[str] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found += route_templates(inner.routes, prefix + route.include_context.prefix)
        elif isinstance(getattr(route, "path", None), str):
            found.append(prefix + route.path)
    return found


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"x-request-id":
            text = value.decode("latin-1")
            return text if _VALID_REQUEST_ID.fullmatch(text) else None
    return None


def safe_path(scope: Scope) -> str:
    """The request path with secret path parameters (e.g. `/a/{token}`) and query values redacted."""
    path = str(scope.get("path", ""))
    for name, value in (scope.get("path_params") or {}).items():
        if SECRET_NAMES.search(name) and value:
            path = path.replace(str(value), REDACTED)
    if path.startswith("/a/") and "path_params" not in scope:
        path = "/a/" + REDACTED
    query = scope.get("query_string", b"").decode("latin-1")
    if not query:
        return path
    pairs = [
        (k, REDACTED if SECRET_NAMES.search(k) else v) for k, v in parse_qsl(query, keep_blank_values=True)
    ]
    return f"{path}?{urlencode(pairs, safe='*')}"
