"""`mtrack run` as a newcomer runs it: embedded servers, the three services, the sample plans ingested,
one digest per officer in the folder (`mtrack jobs run digest` adds none the same day), and Ctrl-C
leaving no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from mtrack.stack.ports import free_port
from tests.conftest import EXAMPLES

STARTUP_SECONDS = 120


def _wait_for_line(process: subprocess.Popen[str], marker: str, seen: list[str]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            raise AssertionError("mtrack run exited early:\n" + "".join(seen))
        seen.append(line)
        if marker in line:
            return
    raise AssertionError(f"no {marker!r} within {STARTUP_SECONDS}s:\n" + "".join(seen))


def _wait_for_mail(folder: Path, recipient: str, seen: list[str]) -> list[Path]:
    """The officer's digest: sent once the alerts of the first start stop arriving (a settle window)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        found = sorted(folder.glob(f"*{recipient}.eml"))
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"no mail for {recipient} within {STARTUP_SECONDS}s:\n" + "".join(seen))


def _processes_of(state_dir: Path, root: int) -> list[psutil.Process]:
    family = psutil.Process(root).children(recursive=True)
    embedded = [
        p for p in psutil.process_iter(["cmdline"]) if str(state_dir) in " ".join(p.info["cmdline"] or [])
    ]
    return [*family, *embedded]


def test_mtrack_run_starts_ingests_mails_and_stops_cleanly(tmp_path: Path) -> None:
    state = tmp_path / "state"
    ports = [free_port() for _ in range(3)]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "SMTP_HOST")
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mtrack.cli",
            "run",
            "--state-dir",
            str(state),
            "--ports",
            ",".join(map(str, ports)),
            "--plans",
            str(EXAMPLES),
            "--now",
            "2025-04-02",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    seen: list[str] = []
    try:
        _wait_for_line(process, "mtrack is running", seen)
        _wait_for_line(process, "on-time rate", seen)
        running = _processes_of(state, process.pid)
        names = {p.name() for p in running}
        key = (state / "admin.key").read_text(encoding="utf-8").strip()
        assert f"export MTRACK_API_KEY={key}" in "".join(seen)
        assert (state / "admin.key").stat().st_mode & 0o077 == 0
        url = f"http://127.0.0.1:{ports[1]}/v1/milestones"
        assert httpx.get(url).status_code == 401
        listed = httpx.get(url, params={"limit": 1000}, headers={"authorization": f"Bearer {key}"}).json()
        gatc = [m for m in listed["items"] if "GATC" in m["title"] and m["due"] == "2025-03-31"]
        assert gatc and gatc[0]["state"] == "overdue"
        assert listed["total"] > 100
        officer = "tech-policy-1@example.com"
        digests = _wait_for_mail(state / "mail", officer, seen)
        job = subprocess.run(
            [sys.executable, "-m", "mtrack.cli", "jobs", "run", "digest", "--state-dir", str(state)],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        assert job.returncode == 0, job.stderr
        assert sorted((state / "mail").glob(f"*{officer}.eml")) == digests  # one a day
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
        seen.append(output)
    assert process.returncode == 0, "".join(seen)
    assert "stopped; state kept in" in "".join(seen)
    assert "postgres" in names and any(n.startswith("tansu") for n in names), (
        names
    )  # the leftover check covers them
    leftovers = [p for p in running if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert leftovers == [], leftovers
