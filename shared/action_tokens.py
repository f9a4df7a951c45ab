"""Signed one-click action links: HMAC-SHA256 over (milestone, recipient, expiry), base64url.

Shared by the notifier (signs links in mails) and ingest (serves `/a/{token}`). The key is
`MTRACK_ACTION_SECRET` from the environment; a changed byte, another key or a past expiry is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

log = logging.getLogger(__name__)

_CONTEXT = b"mtrack-action-v1."
_CSRF_CONTEXT = b"mtrack-csrf-v1."
MAX_TOKEN_CHARS = 1200


class TokenError(Exception):
    """`reason` is `expired` or `invalid`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Claims:
    milestone_id: str
    recipient: str
    expires: int  # Unix seconds


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, context: bytes, data: str) -> str:
    return _b64(hmac.new(key, context + data.encode(), hashlib.sha256).digest())


def sign(key: bytes, *, milestone_id: str, recipient: str, expires: datetime) -> str:
    body = json.dumps(
        {"m": milestone_id, "r": recipient, "x": int(expires.timestamp())},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    encoded = _b64(body.encode())
    return f"{encoded}.{_mac(key, _CONTEXT, encoded)}"


def verify(key: bytes, token: str, *, now: datetime) -> Claims:
    if len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        raise TokenError("invalid")
    encoded, mac = token.split(".")
    if not hmac.compare_digest(mac, _mac(key, _CONTEXT, encoded)):
        raise TokenError("invalid")
    try:
        raw = json.loads(_unb64(encoded))
        claims = Claims(milestone_id=str(raw["m"]), recipient=str(raw["r"]), expires=int(raw["x"]))
    except (ValueError, KeyError, TypeError) as err:
        raise TokenError("invalid") from err
    if now.timestamp() >= claims.expires:
        raise TokenError("expired")
    return claims


def csrf_nonce() -> str:
    return _b64(secrets.token_bytes(18))


def csrf_field(key: bytes, token: str, nonce: str) -> str:
    """The form's hidden value: the nonce bound to this token by HMAC (checked with the cookie)."""
    return f"{nonce}.{_mac(key, _CSRF_CONTEXT, token + '|' + nonce)}"


def check_csrf(key: bytes, token: str, field: str, cookie: str | None) -> str | None:
    """The nonce when the form value is genuine for this token and matches the cookie, else None."""
    nonce, _, mac = field.partition(".")
    if not nonce or not cookie or not hmac.compare_digest(nonce, cookie):
        return None
    return nonce if hmac.compare_digest(mac, _mac(key, _CSRF_CONTEXT, token + "|" + nonce)) else None


def action_key(secret: str | None, *, environment: str, service: str, seed: str) -> bytes:
    """The signing key from `MTRACK_ACTION_SECRET`. Production refuses to start without it; elsewhere a
    development key is derived from `seed` (the DATABASE_URL: the same for all services of one stack), with a warning."""
    if secret:
        return secret.encode()
    if environment == "production":
        raise RuntimeError(f"{service}: MTRACK_ACTION_SECRET must be set in production")
    log.warning("%s: MTRACK_ACTION_SECRET unset; using a development key (never in production)", service)
    return hashlib.sha256(b"mtrack-dev-action-key|" + seed.encode()).digest()
