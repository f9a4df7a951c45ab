"""The milestones core against its floors, alternated A B A B … in one run on the same broker and
PostgreSQL (these machines are shared and noisy: only the ratios of one run mean anything).

1. apply: BENCH_APPLY_EVENTS (20,000) events — one `milestone.declared` per milestone, the rest
   `milestone.status_reported` — over BENCH_MILESTONES (5,000) milestones, pre-produced on a fresh topic,
   consumed by the real milestones service (its lifespan: consumer loop, set-based apply, outbox relay)
   vs `../shared/bench/limit_pipeline.py` (consume → dedupe → upsert → commit, nothing else). Both
   are timed from a started consumer (the group join, ~5 s on tansu, is outside both timings). The service also writes history rows, evaluates the
   rules and queues alerts; the floor does not.
2. sweep: a generated BENCH_SWEEP_ROWS (1,000,000) milestone table with BENCH_TRANSITIONS (~1,000)
   rows crossing their due date: the service's sweep vs a bare indexed UPDATE of the same rows.
3. the RSS of this process (the service ran in it) after the apply rounds.

Prints one JSON object. Uses DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS when set, else embedded servers."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
import weakref
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import Pool

from mtrack.stack.scratch import scratch_broker, scratch_database
from services.milestones.app import MilestonesSettings, core_context, create_app
from services.milestones.jobs import JobContext, sweep_deadlines
from shared.clock import Clock
from shared.db import make_engine
from shared.events import MilestoneDeclared, MilestoneStatusReported, Topics, encode, new_envelope
from shared.kafka import ensure_topics, make_producer

ROOT = Path(__file__).resolve().parents[1]
FLOOR = Path(os.environ.get("BENCH_FLOOR", ROOT.parents[1] / "shared" / "bench" / "limit_pipeline.py"))
if not FLOOR.exists():
    FLOOR = ROOT.parent / "shared" / "bench" / "limit_pipeline.py"
APPLY_EVENTS = int(os.environ.get("BENCH_APPLY_EVENTS", "20000"))
MILESTONES = int(os.environ.get("BENCH_MILESTONES", "5000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SWEEP_ROWS = int(os.environ.get("BENCH_SWEEP_ROWS", "1000000"))
TRANSITIONS = int(os.environ.get("BENCH_TRANSITIONS", "1000"))
TODAY = date(2025, 4, 1)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _produce(kafka: str, topic: str) -> uuid.UUID:
    """Pre-produces the events on one partition; returns the last one's id (applied last)."""
    producer = make_producer(MilestonesSettings(DATABASE_URL="x", KAFKA_BOOTSTRAP_SERVERS=kafka))
    await producer.start()
    try:
        occurred = datetime(2025, 3, 31, 0, 0, tzinfo=UTC)
        for i in range(APPLY_EVENTS):
            subject = f"bench-{i % MILESTONES:05d}"
            if i < MILESTONES:
                payload: Any = MilestoneDeclared(
                    title=f"성능 시험 과제 {i}",
                    due=date(2025, 1, 1) + timedelta(days=i % 365),
                    owner="산업기술정책과",
                )
            else:
                # each report says something new (its time, a higher progress), as an owner's would:
                # a batch of identical repeats would let the store skip every row
                payload = MilestoneStatusReported(
                    status="in_progress", progress=min(100, i // MILESTONES * 20 + i % 7)
                )
            at = occurred + timedelta(seconds=i)
            env = new_envelope(payload, subject=subject, source="bench", occurred_at=at)
            await producer.send(topic, encode(env), key=subject.encode())
        await producer.flush()
    finally:
        await producer.stop()
    return env.event_id


class Statements:
    """Counts the SQL statements the service runs while counting, by verb and table, with the time the
    client waited for each: the core's store talks asyncpg directly, so its `Connection` methods are
    wrapped (for the connections the SQLAlchemy pool opens: the core's and the outbox relay's, both
    asyncpg); what still goes through SQLAlchemy (the relay's backlog gauges and prune) is counted by
    `before_cursor_execute`. The seconds are the client's wait, so they include time the event loop
    spent on other tasks (consumer, relay) meanwhile."""

    CORE_TABLES = ("processed_event", "milestone", "milestone_history", "alert", "outbox_message")
    RELAY = ("SELECT outbox_message", "UPDATE outbox_message")  # the outbox relay's, not the apply's
    CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "")
    METHODS = ("execute", "executemany", "fetch", "fetchrow", "fetchval", "copy_records_to_table")

    def __init__(self) -> None:
        self.kinds: dict[str, int] = {}
        self.seconds: dict[str, float] = {}  # as the client saw them (round trip included)
        self.orm = 0
        self._pooled: weakref.WeakSet[asyncpg.Connection] = weakref.WeakSet()
        self._originals: dict[str, Any] = {}

    def label(self, method: str, query: str) -> str:
        if method == "copy_records_to_table":
            return f"COPY {query}"
        text = " ".join(query.replace(";", " ").split())
        if text.upper() in self.CONTROL:
            return "transaction control"
        words = text.replace("(", " ").split()
        previous = [w.upper() for w in words]
        tables = (
            w
            for w, prev in zip(words[1:], previous, strict=False)
            if prev in ("INTO", "FROM", "UPDATE", "JOIN") and w in self.CORE_TABLES
        )  # the first core table named (the lock reads `FROM unnest(…) JOIN milestone`)
        table = next(tables, "")
        return f"{words[0].upper()} {table}" if table else "set-up (versions, types)"

    def _wrap(self, method: str) -> Any:
        original = self._originals[method] = getattr(asyncpg.Connection, method)
        counter = self

        async def counted(conn: asyncpg.Connection, query: str, *args: Any, **kwargs: Any) -> Any:
            if conn not in counter._pooled:
                return await original(conn, query, *args, **kwargs)
            label = counter.label(method, query)
            start = time.perf_counter()
            try:
                return await original(conn, query, *args, **kwargs)
            finally:
                counter.kinds[label] = counter.kinds.get(label, 0) + 1
                counter.seconds[label] = counter.seconds.get(label, 0.0) + time.perf_counter() - start

        return counted

    def _connected(self, dbapi_connection: Any, _record: Any) -> None:
        self._pooled.add(dbapi_connection.driver_connection)

    def _orm(self, *_: Any) -> None:
        self.orm += 1

    def __enter__(self) -> Statements:
        for method in self.METHODS:
            setattr(asyncpg.Connection, method, self._wrap(method))
        event.listen(Pool, "connect", self._connected)
        event.listen(Engine, "before_cursor_execute", self._orm)
        return self

    def __exit__(self, *_: object) -> None:
        for method, original in self._originals.items():
            setattr(asyncpg.Connection, method, original)
        event.remove(Pool, "connect", self._connected)
        event.remove(Engine, "before_cursor_execute", self._orm)

    def per_batch(self) -> dict[str, Any]:
        """The apply's statements per batch (each batch records its event ids once: one `INSERT
        processed_event`), BEGIN/COMMIT apart; the relay's statements and those through SQLAlchemy
        counted on their own."""
        batches = self.kinds.get("INSERT processed_event", 0)
        relay = {k: v for k, v in self.kinds.items() if k in self.RELAY}
        core = {
            k: v for k, v in self.kinds.items() if k.split(" ")[-1] in self.CORE_TABLES and k not in relay
        }
        return {
            "batches": batches,
            "events_per_batch": round(APPLY_EVENTS / batches) if batches else None,
            "statements_per_batch": round(sum(core.values()) / batches, 2) if batches else None,
            "by_kind": dict(sorted(self.kinds.items())),
            "seconds_by_kind": {k: round(v, 3) for k, v in sorted(self.seconds.items())},
            "relay_statements": relay,
            "sqlalchemy_statements": self.orm,
        }


async def _reset_apply(url: str) -> None:
    pg = await asyncpg.connect(_dsn(url))
    try:
        await pg.execute(
            "TRUNCATE milestone, milestone_history, processed_event, alert, outbox_message RESTART IDENTITY CASCADE"
        )
    finally:
        await pg.close()


async def _service_apply(url: str, kafka: str) -> tuple[float, dict[str, Any], dict[str, float]]:
    await _reset_apply(url)
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    settings = MilestonesSettings(
        DATABASE_URL=url,
        KAFKA_BOOTSTRAP_SERVERS=kafka,
        MTRACK_TOPIC_PREFIX=prefix,
        MTRACK_MILESTONES_GROUP=f"g-{prefix}",
        MTRACK_SWEEP_SECONDS=3600,
        MTRACK_TOPIC_PARTITIONS=1,
    )
    await ensure_topics(settings, Topics(prefix).all())  # one partition, before the producer auto-creates it
    last = await _produce(kafka, Topics(prefix).milestone_events)
    clock = Clock()
    clock.pin(TODAY)
    app = create_app(settings, clock=clock)
    watch = await asyncpg.connect(_dsn(url))
    try:
        # like the floor, timed from a started consumer (its group joined in `start()`, inside the lifespan)
        with Statements() as statements:
            async with app.router.lifespan_context(app):
                start, cpu = time.perf_counter(), _cpu_seconds()
                await _until_applied(watch, last)
                elapsed = time.perf_counter() - start
                spent = _cpu_since(cpu)
        applied = await watch.fetchval("SELECT count(*) FROM processed_event")
        assert applied == APPLY_EVENTS, f"{applied} of {APPLY_EVENTS} events applied"
    finally:
        await watch.close()
    return APPLY_EVENTS / elapsed, statements.per_batch(), spent


async def _until_applied(watch: asyncpg.Connection, last: uuid.UUID) -> None:
    # One partition, batches committed in order: the last event's dedupe row means all are applied.
    # (A primary-key lookup: polling count(*) cost the shared 2 cores a scan every 20 ms.)
    while True:
        if await watch.fetchval("SELECT 1 FROM processed_event WHERE event_id = $1", last):
            return
        await asyncio.sleep(0.01)


def _floor_apply(url: str, kafka: str) -> float:
    out = subprocess.run(
        [sys.executable, str(FLOOR), kafka, _dsn(url), str(APPLY_EVENTS)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["events_per_s"])


def _cpu_seconds() -> dict[str, float]:
    """CPU seconds (user + system) each process name on this machine has used so far: read before and
    after a timed window, it shows which side (this process, PostgreSQL, the broker, the kernel's
    writeback) the window's time went to. The machine is shared: other sessions' processes appear too."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")].split("/")[0].split("-")[0]
        fields = stat[stat.rindex(")") + 2 :].split()
        used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return used


def _cpu_since(before: dict[str, float]) -> dict[str, float]:
    after = _cpu_seconds()
    spent = {name: round(t - before.get(name, 0.0), 2) for name, t in after.items()}
    return dict(sorted(((n, t) for n, t in spent.items() if t >= 0.02), key=lambda kv: -kv[1]))


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


GENERATE = """
INSERT INTO milestone (id, title, section, kind, part, due_date, owner, state, reported_status, health,
                       baseline_due, next_check_date, created_at, updated_at)
SELECT 'gen-' || g, '생성 과제 ' || g, '[]'::jsonb, 'deadline', 'plan',
       CASE WHEN g <= $2 THEN $3::date - 1 ELSE $3::date + 30 + (g % 600) END,
       '산업기술정책과', CASE WHEN g <= $2 THEN 'due_soon' ELSE 'planned' END, 'planned', 'green',
       CASE WHEN g <= $2 THEN $3::date - 1 ELSE $3::date + 30 + (g % 600) END,
       CASE WHEN g <= $2 THEN $3::date ELSE $3::date + 16 + (g % 600) END, now(), now()
FROM generate_series(1, $1) AS g
"""

RESET_TRANSITIONS = """
UPDATE milestone SET state = 'due_soon', health = 'green', next_check_date = $2::date,
                     reminder_due = NULL, reminder_on = NULL, escalated_due = NULL
WHERE id = ANY($1::text[])
"""


async def _prepare_sweep(url: str) -> list[str]:
    pg = await asyncpg.connect(_dsn(url))
    try:
        await _reset_apply(url)
        await pg.execute(GENERATE, SWEEP_ROWS, TRANSITIONS, TODAY)
        await pg.execute("ANALYZE milestone")
        return [f"gen-{g}" for g in range(1, TRANSITIONS + 1)]
    finally:
        await pg.close()


async def _reset_sweep(pg: asyncpg.Connection, ids: list[str]) -> None:
    await pg.execute("DELETE FROM alert; DELETE FROM outbox_message; DELETE FROM milestone_history")
    await pg.execute(RESET_TRANSITIONS, ids, TODAY)
    await pg.execute("VACUUM ANALYZE milestone")


async def _service_sweep(
    url: str, kafka: str, ids: list[str]
) -> tuple[float, dict[str, int], dict[str, Any]]:
    pg = await asyncpg.connect(_dsn(url))
    engine = make_engine(url, pool_size=1)
    try:
        await _reset_sweep(pg, ids)
        settings = MilestonesSettings(DATABASE_URL=url, KAFKA_BOOTSTRAP_SERVERS=kafka)
        clock = Clock()
        clock.pin(TODAY)
        jobs = JobContext(core=core_context(settings, engine, clock))
        with Statements() as statements:
            # like the bare UPDATE's, the service's connection is open before the clock starts
            async with engine.connect() as conn:
                await conn.exec_driver_sql("SELECT 1")
            start = time.perf_counter()
            counts = await sweep_deadlines(jobs)
            elapsed = time.perf_counter() - start
        kinds = {
            k: {"statements": v, "seconds": round(statements.seconds[k], 4)}
            for k, v in sorted(statements.kinds.items())
        }
        return elapsed, counts, kinds
    finally:
        await engine.dispose()
        await pg.close()


async def _bare_sweep(url: str, ids: list[str]) -> tuple[float, int]:
    pg = await asyncpg.connect(_dsn(url))
    try:
        await _reset_sweep(pg, ids)
        start = time.perf_counter()
        status = await pg.execute(
            "UPDATE milestone SET state = 'overdue' WHERE state = 'due_soon' AND due_date < $1", TODAY
        )
        return time.perf_counter() - start, int(status.split()[-1])
    finally:
        await pg.close()


async def _bench(url: str, kafka: str) -> dict[str, Any]:
    load_at_start = os.getloadavg()
    service: list[float] = []
    floor: list[float] = []
    statements: dict[str, Any] = {}
    cpu: dict[str, float] = {}
    for _ in range(ROUNDS):
        rate, statements, cpu = await _service_apply(url, kafka)
        service.append(rate)
        floor.append(await asyncio.to_thread(_floor_apply, url, kafka))
    rss = _rss_mb()
    ids = await _prepare_sweep(url)
    ours: list[float] = []
    bare: list[float] = []
    counts: dict[str, int] = {}
    sweep_statements: dict[str, Any] = {}
    updated = 0
    for _ in range(ROUNDS):
        seconds, counts, sweep_statements = await _service_sweep(url, kafka, ids)
        ours.append(seconds)
        seconds, updated = await _bare_sweep(url, ids)
        bare.append(seconds)
    apply_ratio = statistics.median(service) / statistics.median(floor)
    sweep_ratio = statistics.median(ours) / statistics.median(bare)
    return {
        "benchmark": "milestones_core",
        "apply": {
            "events": APPLY_EVENTS,
            "milestones": MILESTONES,
            "service_events_per_s": [round(x) for x in service],
            "floor_events_per_s": [round(x) for x in floor],
            "ratio_median": round(apply_ratio, 3),
            "ratio_per_pair": [round(a / b, 3) for a, b in zip(service, floor, strict=True)],
            "target": ">= 0.6",
            "service_does": "decode+validate envelope, dedupe, lock, rules (state/health/reminders), "
            "milestone upsert, history row per event, alerts+outbox, offsets; batch N+1 staged while N commits",
            "floor_does": "json decode, dedupe insert, last-state upsert, offsets",
            "service_statements_last_round": statements,
            # this process is the service ("python"); PostgreSQL's backends; the broker; kernel writeback
            "service_cpu_seconds_last_round": cpu,
        },
        "sweep": {
            "rows": SWEEP_ROWS,
            "transitions": TRANSITIONS,
            "service_seconds": [round(x, 4) for x in ours],
            "bare_update_seconds": [round(x, 4) for x in bare],
            "ratio_median": round(sweep_ratio, 2),
            "ratio_per_pair": [round(a / b, 2) for a, b in zip(ours, bare, strict=True)],
            "target": "<= 2",
            "service_counts": counts,
            "bare_rows_updated": updated,
            "service_statements": sweep_statements,
            "service_does": "indexed select FOR UPDATE SKIP LOCKED, rules, upsert, history, alert claim, outbox",
            "bare_does": "UPDATE … WHERE state = 'due_soon' AND due_date < today (index on state, due_date)",
        },
        "rss_after_apply_mb": round(rss, 1),
        "rss_target_mb": "< 150",
        "load_average_start": [round(x, 2) for x in load_at_start],
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    with scratch_broker() as kafka, scratch_database("mtrack_core_bench") as url:
        print(json.dumps(asyncio.run(_bench(url, kafka)), ensure_ascii=False))


if __name__ == "__main__":
    main()
