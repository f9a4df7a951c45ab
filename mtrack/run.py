"""`mtrack run`: the whole stack for a newcomer, started in order and stopped together on Ctrl-C."""

from __future__ import annotations

import asyncio
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
from prometheus_client import Counter, start_http_server

from mtrack.keys_cli import ensure_admin_key
from mtrack.migrate import upgrade
from mtrack.stack.kafka import EmbeddedKafka
from mtrack.stack.ports import free_port, set_parent_death_signal
from mtrack.stack.postgres import EmbeddedPostgres
from mtrack.stack.smtp import MailFolder
from mtrack.table import render

READY_TIMEOUT = 90.0
RESTARTS = Counter("mtrack_service_restarts_total", "Services started again after they exited", ["service"])


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
            if env.get("MTRACK_EMBEDDED_BROKER") == "new":
                # A new in-memory broker has none of the events already published: everything the
                # outbox still holds is published again (the consumers are idempotent).
                count = republish_retained(env["DATABASE_URL"])
                print(f"• new in-memory broker: {count} retained outbox events queued again", flush=True)
            supervisor = stack.enter_context(_services(env, ports, state_dir / "logs"))
            _wait_ready(ports, supervisor)
            _ingest_samples(plans, ports["ingest"], key)
            _print_summary(env, ports, state_dir, supervisor, key)
            supervisor.watch()
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


def die_with_parent() -> None:
    """In a service started by `mtrack run`: SIGTERM when `mtrack run` dies, even by SIGKILL (Linux),
    so no service is left holding its port."""
    parent = os.environ.get("MTRACK_SUPERVISOR_PID")
    if not parent or not sys.platform.startswith("linux"):
        return
    set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != int(parent):  # it died before the line above
        os.kill(os.getpid(), signal.SIGTERM)


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
            print("• PostgreSQL at", env["DATABASE_URL"], flush=True)
        if not env.get("KAFKA_BOOTSTRAP_SERVERS"):
            kafka = EmbeddedKafka(port=9092, log_file=state_dir / "tansu.log", die_with_parent=True)
            env["KAFKA_BOOTSTRAP_SERVERS"] = kafka.start()
            env["MTRACK_EMBEDDED_BROKER"] = "new"
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
def _services(env: dict[str, str], ports: dict[str, int], log_dir: Path) -> Iterator[Supervisor]:
    supervisor = Supervisor(env, ports, log_dir)
    try:
        supervisor.start_all()
        yield supervisor
    finally:
        supervisor.stop_all()


class Supervisor:
    """Keeps the three services running: one that exits is started again after a backoff (1 s, doubling
    to 30 s; back to 1 s once it has run a minute), with a line saying why; the others go on."""

    def __init__(self, env: dict[str, str], ports: dict[str, int], log_dir: Path) -> None:
        self.log_dir = log_dir.resolve()
        self.env = {**env, "MTRACK_SUPERVISOR_PID": str(os.getpid()), "MTRACK_LOG_DIR": str(self.log_dir)}
        self.ports = ports
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self._started: dict[str, float] = {}
        self._due: dict[str, float] = {}  # restart at (monotonic)
        self._delay: dict[str, float] = dict.fromkeys(ports, 1.0)
        self.metrics_port: int | None = None
        for name in ports:
            RESTARTS.labels(name)

    def log_of(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start_all(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for name in self.ports:
            self._start(name)
        try:
            port = free_port(8000)
            start_http_server(port, addr="127.0.0.1")
            self.metrics_port = port
        except OSError:  # the restarts metric is a convenience; the stack runs without it
            self.metrics_port = None

    def _start(self, name: str) -> None:
        with open(self.log_of(name), "ab") as log:
            self.children[name] = subprocess.Popen(
                [sys.executable, "-m", "mtrack.cli", "serve", name, "--port", str(self.ports[name])],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C reaches `mtrack run`, which stops them in order
            )
        self._started[name] = time.monotonic()

    def check(self) -> None:
        """Notices exits and starts what is due; called every half second."""
        now = time.monotonic()
        for name, child in self.children.items():
            if name in self._due:
                if now >= self._due[name]:
                    del self._due[name]
                    self._start(name)
                    RESTARTS.labels(name).inc()
                    print(f"• {name} restarted (pid {self.children[name].pid})", flush=True)
                continue
            code = child.poll()
            if code is None:
                continue
            if now - self._started[name] > 60:
                self._delay[name] = 1.0
            delay = self._delay[name]
            self._delay[name] = min(delay * 2, 30.0)
            self._due[name] = now + delay
            print(
                f"• {name} {_exit_reason(code)}; restarting in {delay:.0f}s (log: {self.log_of(name)})",
                flush=True,
            )

    def watch(self) -> None:
        while True:
            self.check()
            time.sleep(0.5)

    def stop_all(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def republish_retained(database_url: str) -> int:
    from shared.db import make_engine, make_sessionmaker
    from shared.outbox import republish_retained as republish

    async def run() -> int:
        engine = make_engine(database_url, pool_size=1)
        try:
            return await republish(make_sessionmaker(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _wait_ready(ports: dict[str, int], supervisor: Supervisor) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    pending = dict(ports)
    while pending:
        for name, port in list(pending.items()):
            code = supervisor.children[name].poll()
            if code is not None:
                raise RuntimeError(
                    f"{name} {_exit_reason(code)} while starting; see {supervisor.log_of(name)}"
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


def _print_summary(
    env: dict[str, str], ports: dict[str, int], state_dir: Path, supervisor: Supervisor, key: str
) -> None:
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
    print(f"  logs             {supervisor.log_dir}")
    if supervisor.metrics_port:
        print(f"  supervisor       http://127.0.0.1:{supervisor.metrics_port}/metrics  (service restarts)")
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
        summary: dict = httpx.get(f"{base}/v1/summary", headers=headers, timeout=5).json()  # type: ignore[type-arg]
        if (summary["total"] and summary["total"] == last) or time.monotonic() > deadline:
            return summary
        last = summary["total"]
        time.sleep(1.0)
