"""`mtrack keys` against the real database: the secret printed once (last line), stored only as a hash,
never listed; revocation; refused departments and scopes."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
import uuid

import asyncpg

from tests.conftest import _asyncpg_dsn


def _mtrack(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "mtrack.cli", "keys", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def _row(database_url: str, name: str) -> asyncpg.Record | None:
    conn = await asyncpg.connect(_asyncpg_dsn(database_url))
    try:
        return await conn.fetchrow("SELECT * FROM api_key WHERE name = $1", name)
    finally:
        await conn.close()


def test_create_list_revoke(database_url: str) -> None:
    name = f"rnd-system-{uuid.uuid4().hex[:6]}"
    made = _mtrack(
        database_url, "create", "--name", name, "--department", "산업기술시장과",
        "--department", "기술정책과", "--scope", "status:write", "--scope", "read",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("mtk_") and len(secret) >= 4 + 43
    row = asyncio.run(_row(database_url, name))
    assert row is not None
    assert row["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(dict(row))
    assert row["departments"] == '["산업기술시장과", "산업기술정책과"]'  # the alias is stored by its name
    listed = _mtrack(database_url, "list")
    assert listed.returncode == 0 and name in listed.stdout and secret not in listed.stdout
    again = _mtrack(database_url, "create", "--name", name, "--department", "*")
    assert again.returncode == 2 and "exists" in again.stderr
    assert _mtrack(database_url, "revoke", name).returncode == 0
    row = asyncio.run(_row(database_url, name))
    assert row is not None and row["revoked_at"] is not None
    assert _mtrack(database_url, "revoke", name).returncode == 1


def test_unknown_departments_are_refused(database_url: str) -> None:
    refused = _mtrack(
        database_url, "create", "--name", "x-" + uuid.uuid4().hex[:6], "--department", "attacker@example.com"
    )
    assert refused.returncode == 2 and "not a department" in refused.stderr
    assert refused.stdout == ""
