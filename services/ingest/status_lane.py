"""A pure-ASGI lane for the commonest write, `POST /v1/milestones/{id}/status` without an Idempotency-Key:
it does what the FastAPI route does (the same key check, scope, rate limit, `StatusIn` validation, date
check and group-committed outbox write; the same 202 body) without the framework's routing, dependency
solving and exception layers, which cost more CPU than the update itself (measured with py-spy).

It answers only what it is sure of: 202, and 403/404 for a milestone the key may not or cannot report
on. Everything else (no or a bad key, a wrong scope, a rate limit, invalid input, an unreachable
database, …) is handed to the FastAPI app with the body replayed, so every error keeps its one shape.
Nothing is counted before it is handed on (a refused rate-limit hit counts nothing; only the rare
update the write itself hands on, a Fallback or an oversized event, is counted twice).
It sits inside the observe middleware (metrics, access log, request id) and the request guard (body
limits, JSON, UTF-8)."""

from __future__ import annotations

import json
import re

from fastapi import HTTPException
from pydantic import ValidationError
from starlette.requests import Request

from services.ingest import fast_path
from services.ingest.ownership import refusal
from services.ingest.schemas import StatusIn
from services.ingest.status_api import wake_soon
from shared.api_errors import replaying
from shared.auth import principal_for, rate_limits
from shared.events import MilestoneStatusReported
from shared.events.envelope import SUBJECT_PATTERN
from shared.observe import ASGIApp, Receive, Scope, Send

ROUTE = "/v1/milestones/{milestone_id}/status"
PATH = re.compile(r"/v1/milestones/([^/]{1,128})/status")
SUBJECT = re.compile(SUBJECT_PATTERN)
SCOPE = "status:write"


class _Route:
    """What the observe middleware reads from `scope["route"]`: the route template."""

    path = ROUTE


class StatusLane:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.route = _Route()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = (
            PATH.fullmatch(scope["path"]) if scope["type"] == "http" and scope["method"] == "POST" else None
        )
        if found is None or not SUBJECT.fullmatch(found.group(1)):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:  # the request guard has read and bounded it already: one message
            message = await receive()
            if message["type"] != "http.request":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
        response = await self._serve(scope, found.group(1), body)
        if response is None:
            await self.app(scope, replaying(body, receive), send)
            return
        scope["route"] = self.route
        status, content = response
        headers = [(b"content-length", str(len(content)).encode()), (b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    async def _serve(self, scope: Scope, milestone_id: str, body: bytes) -> tuple[int, bytes] | None:
        """(status, JSON body) of the answer, or None to hand the request to the app. The bodies are
        built as bytes and sent as two ASGI messages: a JSONResponse cost ~2 % of the request (measured)."""
        secret = None
        for name, value in scope["headers"]:
            if name == b"idempotency-key":
                return None
            if name == b"authorization" and secret is None:
                scheme, _, rest = value.decode("latin-1").partition(" ")
                secret = rest.strip() if scheme.lower() == "bearer" else ""
        if not secret:
            return None
        request = Request(scope)
        state = request.app.state
        writer = getattr(state, "group_writer", None)
        if writer is None:
            return None
        try:
            update = StatusIn.model_validate(json.loads(body))
        except (ValueError, ValidationError, RecursionError):  # bad JSON or body: the route's 422
            return None
        if update.done_date and update.done_date > state.clock.today():
            return None
        principal = await principal_for(request, secret)
        if principal is None or SCOPE not in principal.scopes:
            return None
        if await rate_limits(request).retry_after(principal.key_name) is not None:
            return None  # a refused hit is not counted; the route answers 429
        # the fields StatusIn has just validated, under the event's same-named, looser constraints: not
        # validated a second time
        payload = MilestoneStatusReported.model_construct(**update.model_dump(exclude_unset=True))
        try:
            status, event_id = await fast_path.publish_status(
                writer, principal, milestone_id, payload, state=state
            )
        except Exception:  # Fallback, EventTooLarge, an unreachable database: the route decides
            return None
        if status != 202:
            err: HTTPException = refusal(status, milestone_id)
            return status, json.dumps(
                {"detail": err.detail}, ensure_ascii=False, separators=(",", ":")
            ).encode()
        wake_soon(state)
        return 202, b'{"event_ids":["%s"]}' % str(event_id).encode()
