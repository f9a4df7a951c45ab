"""`make chaos`: an oracle run of the real stack under faults, bounded, loopback only.

Own servers (embedded PostgreSQL, the tansu broker, an SMTP sink), the three services as processes
under `mtrack run`'s supervisor. While CHAOS_EVENTS milestones are imported through the ingest API:
`kill -9` of each consumer service several times, the broker frozen (SIGSTOP) CHAOS_BROKER_PAUSE
seconds, PostgreSQL restarted, SMTP refusing (421, then 451) then accepting, a few poison records
(bad JSON, wrong schema, NUL, oversize) and a batch of redelivered events. Afterwards: the database
equals the fold of the distinct valid events, each event applied once, every poison record
dead-lettered, one mail per alert and recipient (duplicates counted, at most one per notifier kill),
every consumer's lag 0. Prints one JSON line of figures on stdout (progress on stderr); exit 1 when
the oracle does not hold."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from prometheus_client import REGISTRY

from mtrack.keys_cli import ensure_admin_key
from mtrack.migrate import upgrade
from mtrack.run import Supervisor
from mtrack.stack.kafka import EmbeddedKafka
from mtrack.stack.ports import free_port
from mtrack.stack.postgres import EmbeddedPostgres
from mtrack.stack.smtp import MailFolder
from shared.events import MilestoneDeclared, Topics, encode, new_envelope

EVENTS = int(os.environ.get("CHAOS_EVENTS", "20000"))
BROKER_PAUSE = float(os.environ.get("CHAOS_BROKER_PAUSE", "30"))
KILLS = int(os.environ.get("CHAOS_KILLS", "3"))  # per consumer service
NOW = date(2025, 4, 2)
OWNER = "산업기술정책과"
RECIPIENTS = {"chaos-1@example.com", "chaos-2@example.com", "chaos-head@example.com"}
DIRECTORY = """fallback: {desk: chaos-desk@example.com, officers: [{name: 데스크, email: chaos-desk@example.com}]}
departments:
  - code: tech-policy
    name: 산업기술정책과
    desk: tech-policy@example.com
    manager: {name: 과장, email: chaos-head@example.com, delivery: immediate}
    officers:
      - {name: 담당1, email: chaos-1@example.com, delivery: immediate}
      - {name: 담당2, email: chaos-2@example.com, delivery: immediate}
"""
CHUNK = 500
SETTLE_SECONDS = float(os.environ.get("CHAOS_SETTLE_SECONDS", "300"))


def say(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _rows(run: str, count: int) -> list[dict[str, Any]]:
    """Every 10th milestone already overdue on the pinned date (one alert, one mail each)."""
    return [
        {
            "id": f"chaos-{run}-{i:05d}",
            "title": f"장애 시험 과제 {i:05d}",
            "due": "2025-03-14" if i % 10 == 0 else "2025-12-31",
            "owner": OWNER,
        }
        for i in range(count)
    ]


class Load(threading.Thread):
    """Imports the rows in chunks, each chunk retried until it is answered 202 (faults make it fail)."""

    def __init__(self, port: int, rows: list[dict[str, Any]], key: str) -> None:
        super().__init__(daemon=True)
        self.port, self.rows, self.key = port, rows, key
        self.accepted = 0
        self.failures = 0
        self.event_ids: list[str] = []

    def run(self) -> None:
        auth = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60, headers=auth) as client:
            for start in range(0, len(self.rows), CHUNK):
                chunk = self.rows[start : start + CHUNK]
                while True:
                    try:
                        response = client.post("/v1/imports", json=chunk)
                        if response.status_code == 202:
                            self.event_ids += response.json()["event_ids"]
                            self.accepted += len(chunk)
                            break
                        if response.status_code in (400, 401, 403, 413, 415, 422):
                            raise RuntimeError(
                                f"import refused: {response.status_code} {response.text[:300]}"
                            )
                    except httpx.HTTPError:
                        pass
                    self.failures += 1
                    time.sleep(0.5)


def _ready(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=4).status_code == 200
    except httpx.HTTPError:
        return False


def _wait(condition: Any, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"not within {timeout:.0f}s: {what}")
        time.sleep(0.2)
    return time.monotonic() - started


def _kill_and_recover(supervisor: Supervisor, name: str) -> float:
    """kill -9 of the service; seconds until it answers /readyz 200 again."""
    child = supervisor.children[name]
    started = time.monotonic()
    child.send_signal(signal.SIGKILL)
    child.wait()
    _wait(lambda: supervisor.children[name] is not child, 60, f"{name} restarted")
    _wait(lambda: _ready(supervisor.ports[name]), 120, f"{name} ready")
    return round(time.monotonic() - started, 1)


async def _sql(url: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


def sql(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    return asyncio.run(_sql(url, query, *args))


async def _poison(servers: str, topic: str) -> dict[str, bytes]:
    nul = new_envelope(
        MilestoneDeclared(title="널\x00문자", due=date(2025, 12, 31), owner=OWNER),
        subject="poison-nul",
        source="chaos",
        occurred_at=datetime.now(UTC),
    )
    records = {
        "poison-badjson": b"{not json",
        "poison-schema": json.dumps({"type": "milestone.declared", "data": {}}).encode(),
        "poison-nul": encode(nul),
        "poison-oversize": b'{"pad": "' + b"x" * 1_500_000 + b'"}',
    }
    producer = AIOKafkaProducer(
        bootstrap_servers=servers, enable_idempotence=False, max_request_size=4 * 1024 * 1024
    )
    await producer.start()
    try:
        for key, value in records.items():
            await producer.send_and_wait(topic, value=value, key=key.encode())
    finally:
        await producer.stop()
    return records


async def _redeliver(servers: str, topic: str, values: list[tuple[bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=servers, enable_idempotence=False)
    await producer.start()
    try:
        for key, value in values:
            await producer.send(topic, value=value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


async def _dead_letters(servers: str, topic: str) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=servers,
        group_id=f"chaos-reader-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[dict[str, Any]] = []
    try:
        idle = 0
        while idle < 5:
            batch = await consumer.getmany(timeout_ms=1000)
            idle = 0 if batch else idle + 1
            for records in batch.values():
                found += [json.loads(r.value) for r in records]
    finally:
        await consumer.stop()
    return found


def _lag(ports: dict[str, int]) -> float:
    total = 0.0
    for name in ("milestones", "notifier"):
        text = httpx.get(f"http://127.0.0.1:{ports[name]}/metrics", timeout=5).text
        total += sum(float(v) for v in re.findall(r"^mtrack_consumer_lag\{.*\} (\S+)$", text, re.M))
    return total


def _delivered(folder: Path) -> Counter[str]:
    """Copies the SMTP sink received of each Message-ID (more than one: a resend after a crash between
    the server's acceptance and the notifier recording it)."""
    parser = BytesHeaderParser()
    return Counter(
        str(parser.parsebytes(path.read_bytes()).get("Message-ID", "")).strip("<>")
        for path in folder.glob("*.eml")
    )


ITEMS = """SELECT i.alert_event_id, i.recipient, m.status, m.message_id FROM notifier_item i
    LEFT JOIN notifier_mail m ON m.key = i.mail_key WHERE i.milestone_id LIKE $1"""
ALERT_IDS = "SELECT event_id FROM alert WHERE milestone_id LIKE $1"


def mail_state(database: str, folder: Path, run: str) -> dict[str, Any]:
    """The notifier's side of the oracle: every alert became items for its recipients (the directory's
    officers), every item went out in a mail marked sent, and that mail reached the SMTP sink."""
    items = sql(database, ITEMS, f"chaos-{run}-%")
    alerts = {r["event_id"] for r in sql(database, ALERT_IDS, f"chaos-{run}-%")}
    copies = _delivered(folder)
    ids = {str(i["message_id"]).strip("<>") for i in items if i["message_id"]}
    return {
        "alerts": len(alerts),
        "items": len(items),
        "mails": len(ids),
        "itemised": alerts == {i["alert_event_id"] for i in items},
        "mailed": all(i["status"] == "sent" and copies[str(i["message_id"]).strip("<>")] for i in items),
        "recipients": sorted({i["recipient"] for i in items}),
        "duplicates": sum(copies[m] - 1 for m in ids if copies[m] > 1),
    }


def mails_settled(database: str, folder: Path, run: str, expected_alerts: int) -> bool:
    state = mail_state(database, folder, run)
    return bool(state["alerts"] >= expected_alerts and state["itemised"] and state["mailed"])


@dataclass
class Stack:
    run: str
    root: Path
    pg: EmbeddedPostgres
    broker: EmbeddedKafka
    mail: MailFolder
    supervisor: Supervisor
    database: str
    servers: str
    ports: dict[str, int]
    topics: Topics
    key: str

    def all_ready(self) -> bool:
        return all(_ready(p) for p in self.ports.values())


@contextlib.contextmanager
def chaos_stack() -> Iterator[Stack]:
    """Own PostgreSQL, broker and SMTP sink; the three services under the supervisor of `mtrack run`."""
    run = uuid.uuid4().hex[:6]
    root = Path(tempfile.mkdtemp(prefix="mtrack-chaos-"))
    with contextlib.ExitStack() as stack:
        if not os.environ.get("CHAOS_KEEP"):  # CHAOS_KEEP=1 keeps the servers' data and the logs
            stack.callback(shutil.rmtree, root, ignore_errors=True)
        pg = EmbeddedPostgres(root / "pg")
        database = pg.start()
        stack.callback(pg.stop)
        broker = EmbeddedKafka(log_file=root / "tansu.log")
        servers = broker.start()
        stack.callback(broker.stop)
        mail = MailFolder(root / "mail")
        mail.start()
        stack.callback(mail.stop)
        upgrade(database)
        key = ensure_admin_key(database, root / "admin.key")
        (root / "directory.yaml").write_text(DIRECTORY, encoding="utf-8")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "KAFKA_", "SMTP_"))},
            "DATABASE_URL": database,
            "KAFKA_BOOTSTRAP_SERVERS": servers,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(mail.port),
            "MTRACK_NOW": NOW.isoformat(),
            "MTRACK_TOPIC_PREFIX": f"chaos{run}",
            "LOG_LEVEL": "WARNING",
            # immediate delivery (not the daily digest): under a pinned clock a day's digest goes once,
            # and the oracle wants every alert mailed before the run ends
            "MTRACK_DIRECTORY_FILE": str(root / "directory.yaml"),
            "MTRACK_ESCALATION_IMMEDIATE": "true",
            "MTRACK_DIGEST_SECONDS": "5",
            "MTRACK_SERVICE_KEY": key,
        }
        ports = {name: free_port() for name in ("ingest", "milestones", "notifier")}
        env["MTRACK_MILESTONES_URL"] = f"http://127.0.0.1:{ports['milestones']}"
        supervisor = Supervisor(env, ports, root / "logs")
        supervisor.start_all()
        stack.callback(supervisor.stop_all)
        stop = threading.Event()
        threading.Thread(target=_supervise, args=(supervisor, stop), daemon=True).start()
        stack.callback(stop.set)
        chaos = Stack(run, root, pg, broker, mail, supervisor, database, servers, ports,
                      Topics(env["MTRACK_TOPIC_PREFIX"]), key)  # fmt: skip
        _wait(chaos.all_ready, 120, "services ready")
        say(f"stack up in {root}")
        yield chaos


def main() -> int:
    figures: dict[str, Any] = {"events": EVENTS, "broker_pause_seconds": BROKER_PAUSE}
    started = time.monotonic()
    with contextlib.redirect_stdout(sys.stderr), chaos_stack() as chaos:
        run, pg, broker, mail, supervisor = chaos.run, chaos.pg, chaos.broker, chaos.mail, chaos.supervisor
        database, servers, ports, topics = chaos.database, chaos.servers, chaos.ports, chaos.topics
        rows = _rows(run, EVENTS)
        load = Load(ports["ingest"], rows, chaos.key)
        load.start()
        recoveries: dict[str, list[float]] = {"milestones": [], "notifier": []}
        for round_ in range(KILLS):
            for name in ("milestones", "notifier"):
                seconds = _kill_and_recover(supervisor, name)
                recoveries[name].append(seconds)
                say(f"kill -9 {name} #{round_ + 1}: ready again after {seconds}s")
            if round_ == 0:
                mail.refuse("421 4.3.2 service not available, closing")
                time.sleep(3)
                mail.refuse("451 4.3.0 try again later")
                time.sleep(3)
                mail.refuse(None)
                say("SMTP refused 421 then 451, accepting again")
                broker.freeze()
                say(f"broker frozen for {BROKER_PAUSE:.0f}s")
                time.sleep(BROKER_PAUSE)
                broker.thaw()
                figures["broker_recovery_seconds"] = round(
                    _wait(lambda: all(_ready(p) for p in ports.values()), 120, "ready after thaw"), 1
                )
            if round_ == 1:
                pg.stop()
                pg.start()
                figures["postgres_recovery_seconds"] = round(
                    _wait(lambda: all(_ready(p) for p in ports.values()), 120, "ready after restart"), 1
                )
                say("PostgreSQL restarted")
        poison = asyncio.run(_poison(servers, topics.milestone_events))
        load.join(timeout=1800)
        figures["import_retries"] = load.failures
        say(f"load done: {load.accepted} accepted")
        # redelivery: a slice of the ingest outbox published again, as a broker would after a rewind
        again = sql(database, "SELECT key, value FROM outbox_message WHERE producer = 'ingest' LIMIT 500")
        asyncio.run(_redeliver(servers, topics.milestone_events, [(r["key"], r["value"]) for r in again]))

        event_ids = [uuid.UUID(e) for e in load.event_ids]
        expected_alerts = sum(1 for r in rows if r["due"] < NOW.isoformat())
        applied_sql = "SELECT count(*) FROM processed_event WHERE event_id = ANY($1)"
        settle = time.monotonic()
        _wait(
            lambda: sql(database, applied_sql, event_ids)[0][0] == len(event_ids),
            SETTLE_SECONDS,
            "all applied",
        )
        _wait(lambda: mails_settled(database, mail.folder, run, expected_alerts), SETTLE_SECONDS, "all mails")
        _wait(lambda: _lag(ports) == 0, SETTLE_SECONDS, "consumer lag 0")
        figures["settle_seconds"] = round(time.monotonic() - settle, 1)

        # the oracle
        milestones = sql(
            database, "SELECT id, title, due_date, state FROM milestone WHERE id LIKE $1", f"chaos-{run}-%"
        )
        fold = {r["id"]: (r["title"], date.fromisoformat(r["due"])) for r in rows}
        found = {m["id"]: (m["title"], m["due_date"]) for m in milestones}
        overdue = {m["id"] for m in milestones if m["state"] == "overdue"}
        expected_overdue = {r["id"] for r in rows if r["due"] < NOW.isoformat()}
        alerts = sql(
            database,
            "SELECT milestone_id, count(*) AS n FROM alert WHERE milestone_id LIKE $1"
            " AND alert_type = 'milestone.overdue' GROUP BY 1",
            f"chaos-{run}-%",
        )
        mailing = mail_state(database, mail.folder, run)
        duplicates = mailing["duplicates"]
        dead = asyncio.run(_dead_letters(servers, topics.dead_letter))
        dead_keys = {str((d.get("key") or {}).get("text")) for d in dead}
        checks = {
            "fold_equal": found == fold,
            "each_event_applied_once": sql(database, applied_sql, event_ids)[0][0] == len(event_ids),
            "overdue_states": overdue == expected_overdue,
            "one_alert_per_overdue": {a["milestone_id"]: a["n"] for a in alerts}
            == dict.fromkeys(expected_overdue, 1),
            "every_alert_mailed": mailing["itemised"]
            and mailing["mailed"]
            and set(mailing["recipients"]) <= RECIPIENTS,
            "duplicates_within_notifier_kills": duplicates <= KILLS,
            "poison_dead_lettered": set(poison) <= dead_keys,
            "lag_zero": _lag(ports) == 0,
        }
        figures.update(
            {
                "accepted": load.accepted,
                "event_ids": len(event_ids),
                "redelivered": len(again),
                "milestones": len(found),
                "alerts": mailing["alerts"],
                "mail_items": mailing["items"],
                "mails": mailing["mails"],
                "mail_duplicates": duplicates,
                "dead_letters": len(dead),
                "recovery_seconds": recoveries,
                "max_recovery_seconds": max(s for v in recoveries.values() for s in v),
                "restarts": {
                    name: REGISTRY.get_sample_value("mtrack_service_restarts_total", {"service": name})
                    for name in ports
                },
                "checks": checks,
                "oracle_held": all(checks.values()),
                "elapsed_seconds": round(time.monotonic() - started, 1),
            }
        )
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    return 0 if figures.get("oracle_held") else 1


def _supervise(supervisor: Supervisor, stop: threading.Event) -> None:
    while not stop.is_set():
        supervisor.check()
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
