"""`mtrack run`: the whole stack for a newcomer, started in order and stopped together on Ctrl-C."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from mtrack.keys_cli import ensure_admin_key
from mtrack.migrate import upgrade
from mtrack.stack.kafka import EmbeddedKafka
from mtrack.stack.postgres import EmbeddedPostgres
from mtrack.stack.smtp import MailFolder
from mtrack.table import render

READY_TIMEOUT = 90.0


class Stop(Exception):
    pass


def run_stack(*, state_dir: Path, ports: dict[str, int], now: str | None, plans: Path) -> int:
    state_dir = state_dir.resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    _trap_signals()
    with ExitStack() as stack:
        try:
            env = stack.enter_context(_infrastructure(state_dir))
            if now:
                env["MTRACK_NOW"] = now
            env["MTRACK_MILESTONES_URL"] = f"http://127.0.0.1:{ports['milestones']}"
            env.setdefault("MTRACK_PUBLIC_URL", f"http://127.0.0.1:{ports['ingest']}")
            env.setdefault("MTRACK_ACTION_SECRET", action_secret(state_dir))
            write_stack_env(state_dir, env)
            print("• applying migrations", flush=True)
            upgrade(env["DATABASE_URL"])
            key = ensure_admin_key(env["DATABASE_URL"], state_dir / "admin.key")
            env.setdefault("MTRACK_SERVICE_KEY", key)  # ingest's action pages read the milestone with it
            children = stack.enter_context(_services(env, ports, state_dir / "logs"))
            _wait_ready(ports, children)
            _ingest_samples(plans, ports["ingest"], key)
            _print_summary(env, ports, state_dir, key)
            _watch(children)
        except Stop:
            print("\n• stopping mtrack …", flush=True)
        except Exception as err:
            print(f"mtrack run: {err}", file=sys.stderr)
            return 1
    print("• stopped; state kept in", state_dir)
    return 0


def action_secret(state_dir: Path) -> str:
    """The one-click links' signing key for this state folder: generated once, kept in
    `.mtrack/action-secret` (mode 0600) so links in earlier mails stay valid across restarts."""
    path = state_dir / "action-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


STACK_ENV = ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "SMTP_HOST", "SMTP_PORT", "MTRACK_NOW",
             "MTRACK_PUBLIC_URL", "MTRACK_MILESTONES_URL", "MTRACK_TOPIC_PREFIX")  # fmt: skip


def write_stack_env(state_dir: Path, env: dict[str, str]) -> None:
    """Where this stack's servers are (`.mtrack/stack.env`), so `mtrack jobs run …` in another shell
    reaches them; it holds no secret (the action key stays in `action-secret`)."""
    lines = [f"{k}={env[k]}" for k in STACK_ENV if env.get(k)]
    (state_dir / "stack.env").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _trap_signals() -> None:
    def raise_stop(signum: int, frame: object) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Stop()

    signal.signal(signal.SIGINT, raise_stop)
    signal.signal(signal.SIGTERM, raise_stop)


@contextmanager
def _infrastructure(state_dir: Path) -> Iterator[dict[str, str]]:
    env = dict(os.environ)
    with ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            print("• starting embedded PostgreSQL in", state_dir / "pg", flush=True)
            pg = EmbeddedPostgres(state_dir / "pg")
            env["DATABASE_URL"] = pg.start()
            stack.callback(pg.stop)
        if not env.get("KAFKA_BOOTSTRAP_SERVERS"):
            kafka = EmbeddedKafka(port=9092, log_file=state_dir / "tansu.log")
            env["KAFKA_BOOTSTRAP_SERVERS"] = kafka.start()
            print("• started tansu Kafka-protocol broker on", env["KAFKA_BOOTSTRAP_SERVERS"], flush=True)
            stack.callback(kafka.stop)
        if not env.get("SMTP_HOST"):
            mail = MailFolder(state_dir / "mail", port=1025)
            env["SMTP_HOST"], env["SMTP_PORT"] = "127.0.0.1", str(mail.start())
            env["MTRACK_MAIL_FOLDER"] = str(mail.folder)
            print(f"• SMTP sink on 127.0.0.1:{mail.port} saving mail to {mail.folder}", flush=True)
            stack.callback(mail.stop)
        yield env


@contextmanager
def _services(
    env: dict[str, str], ports: dict[str, int], log_dir: Path
) -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    log_dir.mkdir(parents=True, exist_ok=True)
    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, port in ports.items():
            log = open(log_dir / f"{name}.log", "ab")  # noqa: SIM115
            children[name] = subprocess.Popen(
                [sys.executable, "-m", "mtrack.cli", "serve", name, "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        yield children
    finally:
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _wait_ready(ports: dict[str, int], children: dict[str, subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    pending = dict(ports)
    while pending:
        for name, port in list(pending.items()):
            if children[name].poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {children[name].returncode}; see .mtrack/logs/{name}.log"
                )
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    print(f"• {name} ready on http://127.0.0.1:{port}", flush=True)
                    del pending[name]
            except httpx.HTTPError:
                pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"not ready after {READY_TIMEOUT:.0f}s: {', '.join(pending)}")
        time.sleep(0.3)


def _ingest_samples(plans: Path, port: int, key: str) -> None:
    for path in sorted(plans.glob("*.txt")):
        response = httpx.post(
            f"http://127.0.0.1:{port}/v1/plans",
            content=path.read_bytes(),
            headers={"content-type": "text/plain; charset=utf-8", "authorization": f"Bearer {key}"},
            timeout=60,
        )
        response.raise_for_status()
        body = response.json()
        what = "unchanged" if body["unchanged"] else f"{len(body['event_ids'])} events"
        print(
            f"• ingested {path.name}: plan {body['plan_key']} v{body['version']}, "
            f"{body['milestones']} milestones, {what}",
            flush=True,
        )


def _print_summary(env: dict[str, str], ports: dict[str, int], state_dir: Path, key: str) -> None:
    base = f"http://127.0.0.1:{ports['milestones']}"
    summary = _settled_summary(base, key)
    rows = [[state, str(count)] for state, count in summary["by_state"].items()]
    rows.append(["total", str(summary["total"])])
    print()
    print("mtrack is running.  Ctrl-C stops everything.")
    for name, port in ports.items():
        print(f"  {name:<10} http://127.0.0.1:{port}/docs   metrics http://127.0.0.1:{port}/metrics")
    print(f"  milestones list  {base}/v1/milestones")
    if "MTRACK_MAIL_FOLDER" in env:
        mails = len(list(Path(env["MTRACK_MAIL_FOLDER"]).glob("*.eml")))
        print(
            f"  mail folder      {env['MTRACK_MAIL_FOLDER']}  ({mails} mails so far; one digest per officer a working day)"
        )
        where = "" if state_dir == Path(".mtrack").resolve() else f" --state-dir {state_dir}"
        print(f"  digest now       mtrack jobs run digest{where}   (what is due today, whatever the hour)")
    print(f"  logs             {state_dir / 'logs'}")
    print(f"  admin API key    {state_dir / 'admin.key'} (all scopes, all departments); for curl:")
    print(f"export MTRACK_API_KEY={key}")
    print()
    print(render(["state", "milestones"], rows, [14, 12]))
    ratio = summary.get("on_time_ratio")
    print(
        f"on-time rate of done milestones: {ratio:.0%}"
        if ratio is not None
        else "on-time rate: no done milestones"
    )
    print(flush=True)


def _settled_summary(base: str, key: str, timeout: float = 30.0) -> dict:  # type: ignore[type-arg]
    """The summary once the milestone count stops moving (events are still flowing right after ingest)."""
    deadline, last = time.monotonic() + timeout, None
    headers = {"authorization": f"Bearer {key}"}
    while True:
        summary = httpx.get(f"{base}/v1/summary", headers=headers, timeout=5).json()
        if (summary["total"] and summary["total"] == last) or time.monotonic() > deadline:
            return summary
        last = summary["total"]
        time.sleep(1.0)


def _watch(children: dict[str, subprocess.Popen[bytes]]) -> None:
    while True:
        for name, child in children.items():
            if child.poll() is not None:
                raise RuntimeError(f"{name} exited with {child.returncode}; see .mtrack/logs/{name}.log")
        time.sleep(0.5)
