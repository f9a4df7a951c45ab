"""`mtrack run` supervises and loses nothing: a service killed with SIGKILL is restarted (with a line
naming the real log), the others keep running; then, with events answered 202 and published to the
in-memory broker but not applied, the whole run is killed uncleanly and started again: every 202 is
applied exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import psutil

from mtrack.stack.ports import free_port, is_free
from tests.conftest import EXAMPLES

STARTUP_SECONDS = 120


class Run:
    """One `mtrack run`, its output read by a thread so the test can wait for any line."""

    def __init__(self, state: Path, ports: list[int]) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "SMTP_HOST")
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mtrack.cli", "run", "--state-dir", str(state),
             "--ports", ",".join(map(str, ports)), "--plans", str(EXAMPLES), "--now", "2025-04-02"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )  # fmt: skip
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, pattern: str, timeout: float = STARTUP_SECONDS) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if found := re.search(pattern, line):
                    return found
            if self.process.poll() is not None and not any(re.search(pattern, x) for x in self.lines):
                raise AssertionError("mtrack run exited:\n" + self.output)
            time.sleep(0.1)
        raise AssertionError(f"no {pattern!r} within {timeout}s:\n" + self.output)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def service(self, name: str) -> psutil.Process:
        (found,) = [
            p
            for p in psutil.Process(self.process.pid).children(recursive=True)
            if p.is_running() and ["serve", name] == (p.cmdline()[-4:-2] if len(p.cmdline()) > 4 else [])
        ]
        return found


def _family(state: Path, root: int) -> list[psutil.Process]:
    family = [psutil.Process(root), *psutil.Process(root).children(recursive=True)]
    embedded = [
        p for p in psutil.process_iter(["cmdline"]) if str(state) in " ".join(p.info["cmdline"] or [])
    ]
    return [*family, *embedded]


def _kill_family(state: Path, root: int) -> None:
    """SIGKILL the run, its services (a SIGSTOPped one too) and its embedded servers."""
    try:
        family = _family(state, root)
    except psutil.NoSuchProcess:
        family = [
            p for p in psutil.process_iter(["cmdline"]) if str(state) in " ".join(p.info["cmdline"] or [])
        ]
    for process in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signal.SIGKILL)


def _wait(condition, timeout: float = 60.0, what: str = "") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}")
        time.sleep(0.2)


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


async def _fetch(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def _query(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    return asyncio.run(_fetch(url, sql, *args))


def test_a_killed_service_comes_back_and_a_killed_run_loses_no_202(tmp_path: Path) -> None:
    state = tmp_path / "state"
    ports = [free_port() for _ in range(3)]
    first = Run(state, ports)
    try:
        first.wait_for("on-time rate")
        database = first.wait_for(r"PostgreSQL at (\S+)").group(1)

        # one service killed: it comes back, the others keep their process
        others = {name: first.service(name).pid for name in ("ingest", "notifier")}
        first.service("milestones").send_signal(signal.SIGKILL)
        line = first.wait_for(r"milestones was killed by SIGKILL; restarting in \d+s \(log: (.+)\)").group(1)
        assert Path(line) == (state / "logs" / "milestones.log").resolve()
        first.wait_for(r"milestones restarted")
        _wait(lambda: _ready(ports[1]), what="milestones ready again")
        assert {name: first.service(name).pid for name in others} == others

        # events answered 202 and published, the core frozen so none is applied, then the run killed
        first.service("milestones").send_signal(signal.SIGSTOP)
        tag = uuid.uuid4().hex[:8]
        event_ids = []
        auth = {"Authorization": f"Bearer {(state / 'admin.key').read_text().strip()}"}  # made by mtrack run
        for i in range(30):
            body = {"id": f"restart-{tag}-{i:02d}", "title": f"재시작 시험 {i}", "due": "2025-12-31",
                    "owner": "산업기술정책과"}  # fmt: skip
            response = httpx.post(
                f"http://127.0.0.1:{ports[0]}/v1/milestones", json=body, headers=auth, timeout=10
            )
            assert response.status_code == 202, response.text
            event_ids.extend(uuid.UUID(e) for e in response.json()["event_ids"])
        published = (
            "SELECT count(*) FROM outbox_message WHERE event_id = ANY($1) AND published_at IS NOT NULL"
        )
        _wait(lambda: _query(database, published, event_ids)[0][0] == len(event_ids), what="all published")
        applied = "SELECT event_id, outcome FROM processed_event WHERE event_id = ANY($1)"
        assert _query(database, applied, event_ids) == []  # on the broker only
        _kill_family(state, first.process.pid)
        first.process.wait(timeout=30)
        _wait(lambda: not _family_alive(state), timeout=30, what="the old run gone")
        _wait(lambda: all(is_free(p) for p in ports), timeout=30, what="the old services' ports free")
    finally:  # on a failure too: no frozen or orphaned service outlives the test
        if first.process.poll() is None or _family_alive(state):
            _kill_family(state, first.process.pid)

    second = Run(state, ports)
    try:
        count = int(second.wait_for(r"new in-memory broker: (\d+) retained outbox events").group(1))
        assert count >= len(event_ids)
        second.wait_for("mtrack is running")
        database = second.wait_for(r"PostgreSQL at (\S+)").group(1)
        _wait(
            lambda: len(_query(database, applied, event_ids)) == len(event_ids),
            timeout=90,
            what="every 202 applied",
        )
        rows = _query(database, applied, event_ids)
        assert sorted(r["event_id"] for r in rows) == sorted(event_ids)  # once each (primary key)
        assert {r["outcome"] for r in rows} == {"applied"}
        milestones = _query(database, "SELECT count(*) FROM milestone WHERE id LIKE $1", f"restart-{tag}-%")
        assert milestones[0][0] == len(event_ids)
    finally:
        second.process.send_signal(signal.SIGINT)
        try:
            second.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            _kill_family(state, second.process.pid)
            raise
    assert second.process.returncode == 0, second.output
    _wait(lambda: not _family_alive(state), timeout=30, what="no process left")
    _wait(lambda: all(is_free(p) for p in ports), timeout=30, what="no service left")


def _family_alive(state: Path) -> list[psutil.Process]:
    alive = []
    for p in psutil.process_iter(["cmdline", "status"]):
        if str(state) in " ".join(p.info["cmdline"] or []) and p.info["status"] != psutil.STATUS_ZOMBIE:
            alive.append(p)
    return alive
