"""One-click actions from the notifier's mails: `GET /a/{token}` shows the milestone and a form,
`POST /a/{token}` publishes what the officer chose (done, progress, ack, snooze) through ingest's outbox.

Safety: the token is an HMAC-signed (milestone, recipient, expiry) link (shared/action_tokens.py); GET
never changes anything (mail scanners follow links); the form carries a nonce bound to the token by HMAC
and repeated in a SameSite=Strict cookie (double submit), a foreign Origin is refused, and each nonce is
recorded when used, so a replayed POST changes nothing. Pages are Korean, server-rendered, no external
assets, no referrer beyond this origin (the token is in the URL)."""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import Field
from sqlalchemy.dialects.postgresql import insert

from services.ingest import service
from services.ingest.models import UsedActionNonce
from shared import action_tokens as tokens
from shared.events import MilestoneAcknowledged, MilestoneSnoozed, MilestoneStatusReported, Payload
from shared.settings import EnvSettings

log = logging.getLogger(__name__)

ACTION_NAMESPACE = uuid.UUID("c3f1a9d2-6b7e-4f0a-8d3c-2e5b7a1f9c44")
MAX_SNOOZE_DAYS = 30
HEALTH = {"green": "양호", "amber": "주의", "red": "위험", "done": "완료", "withdrawn": "철회"}
STATE = {
    "planned": "예정",
    "in_progress": "진행 중",
    "due_soon": "기한 임박",
    "overdue": "기한 경과",
    "done": "완료",
    "withdrawn": "철회",
}
ACTIONS = {"done": "완료", "progress": "진행 상황 보고", "ack": "확인", "snooze": "미루기"}

_pages = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    # The token is in the URL: it may go to this origin only. (`no-referrer` would make browsers send
    # `Origin: null` with the form post.)
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex, nofollow",
}


class ActionSettings(EnvSettings):
    action_secret: str | None = Field(default=None, alias="MTRACK_ACTION_SECRET")
    environment: str = Field(default="development", alias="MTRACK_ENVIRONMENT")
    service_key: str | None = Field(default=None, alias="MTRACK_SERVICE_KEY")


def _page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(
        _pages.get_template(name).render(**context), status_code=status, headers=SECURITY_HEADERS
    )


def _problem(title: str, detail: str, status: int) -> HTMLResponse:
    return _page("action_message.html", status, title=title, detail=detail, ok=False)


def _cookie_name(token: str) -> str:
    return "mtrack_csrf_" + hashlib.sha256(token.encode()).hexdigest()[:16]


def router(settings: Any) -> APIRouter:
    """The action pages; `settings` is ingest's (DATABASE_URL, MTRACK_MILESTONES_URL). Refuses to build in
    production without MTRACK_ACTION_SECRET."""
    extra = ActionSettings()
    key = tokens.action_key(
        extra.action_secret, environment=extra.environment, service="ingest", seed=settings.database_url
    )
    milestones_url = (getattr(settings, "milestones_url", None) or "").rstrip("/") or None
    auth = {"Authorization": f"Bearer {extra.service_key}"} if extra.service_key else {}
    routes = APIRouter(tags=["actions"], include_in_schema=False)

    def claims_or_page(request: Request, token: str) -> tokens.Claims | HTMLResponse:
        try:
            return tokens.verify(key, token, now=request.app.state.clock.now())
        except tokens.TokenError as err:
            if err.reason == "expired":
                return _problem(
                    "링크의 유효 기간이 지났습니다",
                    "이 링크는 만료되었습니다. 다음 알림 메일의 새 링크를 사용하시거나 부서 창구에 문의해 주십시오. 아무것도 변경되지 않았습니다.",
                    410,
                )
            return _problem(
                "올바르지 않은 링크입니다",
                "링크가 손상되었거나 변경되었습니다. 메일의 링크를 그대로 열어 주십시오. 아무것도 변경되지 않았습니다.",
                403,
            )

    async def milestone(request: Request, milestone_id: str) -> dict[str, Any] | None:
        client = getattr(request.app.state, "actions_client", None)
        base = "http://milestones" if client is not None else milestones_url
        if base is None:
            return None
        try:
            if client is not None:
                response = await client.get(f"{base}/v1/milestones/{milestone_id}", headers=auth)
            else:
                async with httpx.AsyncClient(timeout=3.0) as own:
                    response = await own.get(f"{base}/v1/milestones/{milestone_id}", headers=auth)
        except httpx.HTTPError as err:
            log.warning("milestones service unreachable for the action page: %s", err)
            return None
        return response.json() if response.status_code == 200 else None

    def view(found: dict[str, Any] | None, claims: tokens.Claims, today: date) -> dict[str, Any]:
        found = found or {}
        history = [
            {
                "when": str(h.get("occurred_at", ""))[:10],
                "what": STATE.get(h.get("to_state", ""), h.get("to_state", "")),
                "event": h.get("event_type", ""),
            }
            for h in (found.get("history") or [])[-8:]
        ]
        return {
            "milestone_id": claims.milestone_id,
            "recipient": claims.recipient,
            "found": bool(found),
            "title": found.get("title") or "",
            "section": " > ".join(found.get("section") or []) or "-",
            "due": found.get("due") or "기한 없음",
            "owner": found.get("owner") or "-",
            "state": STATE.get(found.get("state", ""), found.get("state") or "-"),
            "health": HEALTH.get(found.get("health") or "", "-"),
            "history": history,
            "today": today.isoformat(),
            "snooze_max": (today + timedelta(days=MAX_SNOOZE_DAYS)).isoformat(),
        }

    @routes.get("/a/{token}", response_class=HTMLResponse)
    async def show(token: str, request: Request) -> HTMLResponse:
        claims = claims_or_page(request, token)
        if isinstance(claims, HTMLResponse):
            return claims
        nonce = tokens.csrf_nonce()
        found = await milestone(request, claims.milestone_id)
        response = _page(
            "action.html",
            **view(found, claims, request.app.state.clock.today()),
            csrf=tokens.csrf_field(key, token, nonce),
            actions=ACTIONS,
        )
        response.set_cookie(
            _cookie_name(token),
            nonce,
            max_age=3600,
            path="/a/",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @routes.post("/a/{token}", response_class=HTMLResponse)
    async def act(token: str, request: Request) -> HTMLResponse:
        claims = claims_or_page(request, token)
        if isinstance(claims, HTMLResponse):
            return claims
        if not _same_origin(request):
            return _problem(
                "다른 사이트에서 보낸 요청입니다",
                "이 요청은 처리하지 않았습니다. 메일의 링크를 직접 열어 주십시오.",
                403,
            )
        form = await request.form()
        fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        nonce = tokens.check_csrf(
            key, token, fields.get("csrf", ""), request.cookies.get(_cookie_name(token))
        )
        if nonce is None:
            return _problem(
                "보안 확인에 실패했습니다",
                "페이지가 오래되었거나 다른 곳에서 보낸 요청입니다. 메일의 링크를 다시 열어 주십시오. 아무것도 변경되지 않았습니다.",
                403,
            )
        today = request.app.state.clock.today()
        try:
            action, payload = _payload(fields, claims, today)
        except ValueError as err:
            return _problem("입력을 확인해 주십시오", str(err), 422)
        state = request.app.state
        event_id = uuid.uuid5(ACTION_NAMESPACE, nonce)
        async with state.sessions() as session, session.begin():
            fresh = await session.scalar(
                insert(UsedActionNonce)
                .values(nonce=nonce, milestone_id=claims.milestone_id, action=action, event_id=event_id)
                .on_conflict_do_nothing()
                .returning(UsedActionNonce.nonce)
            )
            if fresh is not None:
                await service.publish(
                    session,
                    payload,
                    subject=claims.milestone_id,
                    topics=state.topics,
                    clock=state.clock,
                    event_id=event_id,
                )
        if fresh is None:
            return _problem(
                "이미 처리된 요청입니다",
                "같은 양식이 다시 제출되어 아무것도 변경하지 않았습니다. 다른 처리가 필요하면 메일의 링크를 다시 열어 주십시오.",
                409,
            )
        state.relay.wake()
        return _page(
            "action_message.html",
            title=f"{ACTIONS[action]} 처리되었습니다",
            detail=_confirmation(action, payload),
            ok=True,
        )

    return routes


def _same_origin(request: Request) -> bool:
    """A browser's POST names its origin; it must be this service (as the request reached it)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    if origin == "null":  # privacy modes hide the origin; the browser's own Sec-Fetch-Site then decides
        return site == "same-origin"
    own = urlsplit(str(request.base_url))
    theirs = urlsplit(origin)
    return (theirs.scheme, theirs.netloc) == (own.scheme, own.netloc)


def _date(fields: dict[str, str], name: str, label: str) -> date | None:
    raw = fields.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as err:
        raise ValueError(f"{label}({name})은 YYYY-MM-DD 형식의 날짜여야 합니다.") from err


def _payload(fields: dict[str, str], claims: tokens.Claims, today: date) -> tuple[str, Payload]:
    action = fields.get("action", "")
    by = claims.recipient
    if action == "done":
        done = _date(fields, "done_date", "완료일") or today
        if done > today:
            raise ValueError("완료일(done_date)은 오늘 이후일 수 없습니다.")
        return action, MilestoneStatusReported(status="done", done_date=done, reported_by=by)
    if action == "progress":
        raw = fields.get("progress", "").strip()
        if raw and not (raw.isdigit() and 0 <= int(raw) <= 100):
            raise ValueError("진척률(progress)은 0에서 100 사이의 정수여야 합니다.")
        reason = fields.get("reason", "").strip()
        if len(reason) > 2000:
            raise ValueError("지연 사유(reason)는 2,000자 이하여야 합니다.")
        return action, MilestoneStatusReported(
            status="in_progress",
            progress=int(raw) if raw else None,
            expected_date=_date(fields, "expected_date", "예상 완료일"),
            reason=reason or None,
            reported_by=by,
        )
    if action == "ack":
        return action, MilestoneAcknowledged(by=by)
    if action == "snooze":
        until = _date(fields, "until", "미룰 날짜")
        if until is None or not today < until <= today + timedelta(days=MAX_SNOOZE_DAYS):
            raise ValueError(f"미룰 날짜(until)는 내일부터 {MAX_SNOOZE_DAYS}일 이내여야 합니다.")
        return action, MilestoneSnoozed(until=until, by=by)
    raise ValueError("처리 종류(action)는 done, progress, ack, snooze 중 하나여야 합니다.")


def _confirmation(action: str, payload: Payload) -> str:
    if isinstance(payload, MilestoneStatusReported) and action == "done":
        return f"완료({payload.done_date})로 보고했습니다. 반영되면 다음 알림에서 빠집니다."
    if isinstance(payload, MilestoneStatusReported):
        parts = [f"진척률 {payload.progress}%" if payload.progress is not None else None,
                 f"예상 완료일 {payload.expected_date}" if payload.expected_date else None]  # fmt: skip
        return (
            "진행 상황을 보고했습니다"
            + (f" ({', '.join(p for p in parts if p)})" if any(parts) else "")
            + "."
        )
    if isinstance(payload, MilestoneSnoozed):
        return f"{payload.until}까지 알림을 미룹니다. 기한 경과 알림은 그 뒤 다시 옵니다."
    return "확인했습니다. 이 기한에 대한 책임자 보고(에스컬레이션)가 멈춥니다."
