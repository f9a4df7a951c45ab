"""`mtrack keys create|list|revoke`: API keys in the database named by DATABASE_URL. A new key's secret is
printed once, alone on the last line of stdout; only its SHA-256 hash is stored."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from shared.auth import SCOPES, KeyError_, create_key, key_works, list_keys, revoke_key

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

T = TypeVar("T")


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    keys = sub.add_parser("keys", help="API keys: create, list, revoke")
    actions = keys.add_subparsers(required=True, metavar="ACTION")
    create = actions.add_parser("create", help="a new key; its secret is the last line printed")
    create.add_argument("--name", required=True, help="unique name, e.g. the calling system")
    create.add_argument(
        "--department", action="append", required=True, help="a directory department (repeatable), or '*'"
    )
    create.add_argument("--scope", action="append", choices=SCOPES, help="repeatable; default status:write")
    create.set_defaults(func=_create)
    listing = actions.add_parser("list", help="names, departments, scopes, created/last used (no secrets)")
    listing.set_defaults(func=_list)
    revoke = actions.add_parser("revoke", help="stop a key working (within seconds on every replica)")
    revoke.add_argument("name", help="the name the key was created with")
    revoke.set_defaults(func=_revoke)


def _sessions() -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    from shared.db import make_engine, make_sessionmaker
    from shared.settings import DatabaseSettings

    engine = make_engine(DatabaseSettings().database_url, pool_size=1)  # type: ignore[call-arg]
    return engine, make_sessionmaker(engine)


async def _in_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    engine, sessions = _sessions()
    try:
        async with sessions() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


def _create(args: argparse.Namespace) -> int:
    scopes = args.scope or ["status:write"]
    try:
        secret = asyncio.run(
            _in_session(lambda s: create_key(s, name=args.name, departments=args.department, scopes=scopes))
        )
    except KeyError_ as err:
        print(f"mtrack keys create: {err}", file=sys.stderr)
        return 2
    print(f"created key {args.name!r} (scopes: {', '.join(scopes)}); shown once, keep it secret:")
    print(secret)
    return 0


def _list(args: argparse.Namespace) -> int:
    from mtrack.table import render

    keys = asyncio.run(_in_session(list_keys))
    rows = [
        [
            k.name,
            ",".join(k.departments),
            ",".join(k.scopes),
            k.prefix + "…",
            f"{k.created_at:%Y-%m-%d %H:%M}",
            f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "-",
            f"{k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "-",
        ]
        for k in keys
    ]
    heads = ["name", "departments", "scopes", "prefix", "created", "last used", "revoked"]
    print(render(heads, rows, [20, 30, 40, 12, 16, 16, 16]))
    return 0


def _revoke(args: argparse.Namespace) -> int:
    if not asyncio.run(_in_session(lambda s: revoke_key(s, name=args.name))):
        print(f"mtrack keys revoke: no active key {args.name!r}", file=sys.stderr)
        return 1
    print(f"revoked {args.name!r}")
    return 0


def ensure_admin_key(database_url: str, path: Path, *, name: str = "local-admin") -> str:
    """The local administrator key of `mtrack run`: kept in `path` (0600); made again when the file or
    the key in the database is missing or revoked."""
    kept = path.read_text(encoding="utf-8").strip() if path.exists() else None
    secret = asyncio.run(_admin_key(database_url, kept, name))
    if secret != kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secret + "\n")
    path.chmod(0o600)
    return secret


async def _admin_key(database_url: str, kept: str | None, name: str) -> str:
    from sqlalchemy import delete

    from shared.auth import ApiKey
    from shared.db import make_engine, make_sessionmaker

    engine = make_engine(database_url, pool_size=1)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            if kept and await key_works(session, kept):
                return kept
            await session.execute(delete(ApiKey).where(ApiKey.name == name))
            return await create_key(session, name=name, departments=["*"], scopes=list(SCOPES))
    finally:
        await engine.dispose()
