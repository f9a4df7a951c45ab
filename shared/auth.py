"""API keys: who is calling, for which departments, with which scopes.

A key is `mtk_` + 32 random bytes (url-safe base64, 256 bits), shown once and stored only as its SHA-256
hash. Requests send it as `Authorization: Bearer <key>`. Each process caches what a hash resolves to for
`CACHE_SECONDS` (so a revoked key stops working within that time on every replica) and writes
`last_used_at` at most once a minute per key. Per-key rate limits use the `limits` library (maintained,
sliding-window counters in memory, the engine slowapi builds on); `MTRACK_RATE_LIMIT` overrides the default."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import math
import os
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyQuery, HTTPAuthorizationCredentials, HTTPBearer
from limits import parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from sqlalchemy import JSON, DateTime, String, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Base, created_at_column
from shared.directory import Directory, load_directory

PREFIX = "mtk_"
ALL = "*"
SCOPES = ("status:write", "milestones:write", "plans:write", "read")
CACHE_SECONDS = 2.0
TOUCH_SECONDS = 60.0
CACHE_MAX = 10_000
DEFAULT_RATE_LIMIT = "30/second;1200/minute"


class ApiKey(Base):
    __tablename__ = "api_key"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    departments: Mapped[list[str]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    scopes: Mapped[list[str]] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@lru_cache(maxsize=1)
def directory() -> Directory:
    """The organisation directory, loaded on first use (MTRACK_DIRECTORY_FILE or config/directory.yaml)."""
    return load_directory()


def department_name(owner: str | None) -> str | None:
    """The directory's name for an owner text (a name or an alias), or None when no department has it."""
    dept = directory().resolve(owner)
    return dept.name if dept else None


@dataclass(frozen=True)
class Principal:
    key_name: str
    departments: frozenset[str]
    scopes: frozenset[str]

    def visible_owners(self) -> frozenset[str] | None:
        """Owner texts this key may see (names and aliases of its departments); None = all."""
        if ALL in self.departments:
            return None
        names: set[str] = set()
        for dept in directory().departments:
            if dept.name in self.departments:
                names.update((dept.name, *dept.aliases))
        return frozenset(names | self.departments)

    def sees(self, owner: str | None) -> bool:
        if ALL in self.departments:
            return True
        return (department_name(owner) or owner) in self.departments


def owner_filter(principal: Principal, column: Any) -> list[Any]:
    """SQL conditions limiting `column` (an owner column) to what the key sees: `.where(*owner_filter(...))`."""
    owners = principal.visible_owners()
    return [] if owners is None else [column.in_(sorted(owners))]


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class _Entry:
    principal: Principal | None
    expires: float


@dataclass
class KeyCache:
    """hash → Principal (or None for unknown/revoked), each for at most CACHE_SECONDS from the start of
    the load that read it. Once an entry is past half its life, the next request for it starts a reload
    in the background and is still answered from the entry, so under steady traffic no request waits
    for a key check (measured: every 2 s all the requests in flight waited for one reload, a p99 spike);
    only an expired entry makes its requests wait, so a revocation still takes effect within the TTL."""

    ttl: float = CACHE_SECONDS
    entries: dict[str, _Entry] = field(default_factory=dict)
    touched: dict[str, float] = field(default_factory=dict)
    loading: dict[str, asyncio.Future[Principal | None]] = field(default_factory=dict)

    async def principal(self, session_factory: Callable[[], Any], secret: str) -> Principal | None:
        digest = hash_key(secret)
        now = time.monotonic()
        entry = self.entries.get(digest)
        if entry is not None and entry.expires > now:
            if entry.expires - now < self.ttl / 2 and digest not in self.loading:
                self._start_load(session_factory, digest, now).add_done_callback(_consume)
            return entry.principal
        loading = self.loading.get(digest) or self._start_load(session_factory, digest, now)
        return await asyncio.shield(loading)  # one load per key at a time: requests meanwhile share it

    def _start_load(
        self, session_factory: Callable[[], Any], digest: str, now: float
    ) -> asyncio.Future[Principal | None]:
        loading = self.loading[digest] = asyncio.ensure_future(self._load(session_factory, digest, now))
        loading.add_done_callback(lambda _: self.loading.pop(digest, None))
        return loading

    async def _load(self, session_factory: Callable[[], Any], digest: str, now: float) -> Principal | None:
        async with session_factory() as session, session.begin():
            principal = await _load(session, digest, touch=self._due_touch(digest, now))
        if len(self.entries) >= CACHE_MAX:
            self.entries.clear()
        self.entries[digest] = _Entry(principal, now + self.ttl)
        return principal

    def _due_touch(self, digest: str, now: float) -> bool:
        if now - self.touched.get(digest, -math.inf) < TOUCH_SECONDS:
            return False
        if len(self.touched) >= CACHE_MAX:
            self.touched.clear()
        self.touched[digest] = now
        return True


def _consume(done: asyncio.Future[Principal | None]) -> None:
    """A background reload's failure (say, the database is down) is not raised anywhere: the entry
    expires and the next request loads it again, and answers the error."""
    if not done.cancelled():
        done.exception()


async def _load(session: AsyncSession, digest: str, *, touch: bool) -> Principal | None:
    row = await session.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
    if row is None or not hmac.compare_digest(row.key_hash, digest) or row.revoked_at is not None:
        return None
    if touch:
        await session.execute(
            update(ApiKey).where(ApiKey.name == row.name).values(last_used_at=datetime.now().astimezone())
        )
    return Principal(row.name, frozenset(row.departments), frozenset(row.scopes))


class RateLimits:
    """Per-key sliding-window counters in memory (each replica counts its own share): the `limits`
    library's cheap approximation of a moving window (the previous window's count, weighted). Its exact
    moving window keeps one entry per request and trims them in a thread on every expiry pass (the
    threaded storage even starts a timer thread every 10 ms): ~15 % of a status POST, measured."""

    def __init__(self, spec: str | None = None) -> None:
        self.items = parse_many(spec or os.environ.get("MTRACK_RATE_LIMIT") or DEFAULT_RATE_LIMIT)
        self.limiter = SlidingWindowCounterRateLimiter(MemoryStorage())

    async def retry_after(self, key_name: str) -> int | None:
        """None when the request may go ahead (and counts it); else seconds to wait."""
        for item in self.items:
            if not await self.limiter.hit(item, key_name):
                reset, _ = await self.limiter.get_window_stats(item, key_name)
                return max(1, math.ceil(reset - time.time()))
        return None


def _state(request: Request) -> tuple[KeyCache, RateLimits]:
    state = request.app.state
    if getattr(state, "key_cache", None) is None:
        state.key_cache = KeyCache()
    if getattr(state, "rate_limits", None) is None:
        state.rate_limits = RateLimits()
    return state.key_cache, state.rate_limits


async def principal_for(request: Request, secret: str) -> Principal | None:
    """The key's Principal (cached), or None for a malformed, unknown or revoked key. Counts nothing."""
    if not (secret.startswith(PREFIX) and len(secret) <= 100):
        return None
    cache, _ = _state(request)
    return await cache.principal(request.app.state.sessions, secret)


def rate_limits(request: Request) -> RateLimits:
    return _state(request)[1]


def _rejected(reason: str) -> None:
    from shared.api_errors import REJECTIONS

    REJECTIONS.labels(reason).inc()


def _unauthorized(reason: str) -> HTTPException:
    _rejected("auth")
    return HTTPException(401, reason, headers={"WWW-Authenticate": 'Bearer realm="mtrack"'})


def require(scope: str, *, query_key: bool = False) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the calling key's Principal, with `scope`; 401 / 403 / 429 otherwise. The same
    callable for the same arguments, so FastAPI runs it once per request however often it is declared."""
    return _require(scope, query_key)


BEARER = HTTPBearer(auto_error=False, description="an mtrack API key: `Authorization: Bearer mtk_…`")
QUERY_KEY = APIKeyQuery(name="key", auto_error=False, description="the API key (calendar feeds only)")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]


@cache
def _require(scope: str, query_key: bool) -> Callable[..., Awaitable[Principal]]:
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    async def check(request: Request, secret: str | None) -> Principal:
        if not secret:
            raise _unauthorized("send an API key as `Authorization: Bearer <key>`")
        _, limits = _state(request)
        principal = await principal_for(request, secret)
        if principal is None:
            raise _unauthorized("unknown or revoked API key")
        if scope not in principal.scopes:
            _rejected("scope")
            raise HTTPException(403, f"this key lacks the {scope!r} scope")
        wait = await limits.retry_after(principal.key_name)
        if wait is not None:
            _rejected("rate")
            raise HTTPException(
                429,
                f"rate limit for this key exceeded; retry in {wait} s",
                headers={"Retry-After": str(wait)},
            )
        request.state.principal = principal
        return principal

    if query_key:

        async def with_query(
            request: Request,
            credentials: Credentials,
            key: Annotated[str | None, Depends(QUERY_KEY)] = None,
        ) -> Principal:
            return await check(request, credentials.credentials if credentials else key)

        return with_query

    async def bearer(request: Request, credentials: Credentials) -> Principal:
        return await check(request, credentials.credentials.strip() if credentials else None)

    return bearer


# --- key management (the `mtrack keys` commands) ---


class KeyError_(ValueError):
    pass


def check_departments(departments: list[str]) -> list[str]:
    """Directory names for the given names/aliases, or ['*']; raises KeyError_ naming an unknown one."""
    if ALL in departments:
        return [ALL]
    names: list[str] = []
    for text in departments:
        name = department_name(text)
        if name is None:
            known = ", ".join(d.name for d in directory().departments)
            raise KeyError_(f"{text!r} is not a department of the directory (known: {known}, or '*')")
        if name not in names:
            names.append(name)
    if not names:
        raise KeyError_("name at least one department (or '*')")
    return names


async def create_key(session: AsyncSession, *, name: str, departments: list[str], scopes: list[str]) -> str:
    """Stores a new key and returns its secret (never stored)."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise KeyError_(f"unknown scopes {', '.join(unknown)}; known: {', '.join(SCOPES)}")
    if await session.get(ApiKey, name) is not None:
        raise KeyError_(f"a key named {name!r} exists; revoke it or choose another name")
    secret = new_secret()
    session.add(
        ApiKey(
            name=name,
            prefix=secret[:8],
            key_hash=hash_key(secret),
            departments=check_departments(departments),
            scopes=list(dict.fromkeys(scopes)),
        )
    )
    await session.flush()
    return secret


async def list_keys(session: AsyncSession) -> list[ApiKey]:
    return list(await session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.name)))


async def revoke_key(session: AsyncSession, *, name: str) -> bool:
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.name == name, ApiKey.revoked_at.is_(None))
        .values(revoked_at=datetime.now().astimezone())
    )
    return bool(getattr(result, "rowcount", 0))


async def key_works(session: AsyncSession, secret: str) -> bool:
    return await _load(session, hash_key(secret), touch=False) is not None
