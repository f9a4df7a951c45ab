"""HTTP speed of the status API against its floor: `POST /v1/milestones/{id}/status` on ingest and
`GET /v1/milestones?limit=200` on the milestones service, each measured alternately (A B A B …) with
`../shared/bench/bare_status_app.py` (a bare FastAPI route with the same key check and body validation)
on the same machine in the same run, 32 connections, one uvicorn worker each. Load from `wrk` when it is
installed (Debian's `wrk`), else from an httpx-based generator. Prints JSON lines: req/s, p50/p99 in ms
for both sides, and the ratio (targets: status POST ≥ 0.5x with p99 < 25 ms, list ≥ 0.7x), with each side's
`mean_floor_ms` = connections / req/s (so p99 < 25 ms at 32 connections needs ≥ 1,280 req/s) and
`cpu_us_per_req` (the server process's CPU time per request; `cpu_ratio` = bare's / ours); then p50/p99
of both at fixed offered rates (open loop, 25 % and 50 % of the bare route's closed-loop req/s), since
closed-loop p99 at 32 connections is bound by the machine's throughput (Little's law).

Uses DATABASE_URL's server (a fresh database) or an embedded PostgreSQL, and an embedded broker."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mtrack.stack.ports import free_port  # noqa: E402
from mtrack.stack.scratch import scratch_broker, scratch_database  # noqa: E402
from shared.auth import SCOPES, create_key  # noqa: E402
from shared.db import make_engine, make_sessionmaker  # noqa: E402

BARE = next(
    (
        path
        for path in (
            Path(os.environ.get("MTRACK_BARE_APP", "/nonexistent")),
            ROOT.parent / "shared" / "bench" / "bare_status_app.py",  # ../shared beside the clone
            ROOT.parents[1] / "shared" / "bench" / "bare_status_app.py",  # from a git worktree
        )
        if path.exists()
    ),
    ROOT.parent / "shared" / "bench" / "bare_status_app.py",
)
CONNECTIONS = 32
SECONDS = float(os.environ.get("MTRACK_BENCH_SECONDS", "8"))
ROUNDS = int(os.environ.get("MTRACK_BENCH_ROUNDS", "3"))  # odd: the median is one round, not a mean of two
ROWS = 400
OPEN_SHARES = (0.25, 0.5)  # open-loop rates, as shares of the bare route's closed-loop req/s
OPEN_SECONDS = float(os.environ.get("MTRACK_BENCH_OPEN_SECONDS", "5"))
ONLY = os.environ.get("MTRACK_BENCH_ONLY", "")
PIDS: dict[int, int] = {}  # port -> the server process, for its CPU time
TICK = os.sysconf("SC_CLK_TCK")  # "status" or "list": one of the two benchmarks
BODY = json.dumps({"status": "in_progress", "progress": 40, "note": "벤치마크"}, ensure_ascii=False)
OWNER = "산업기술정책과"


def main() -> int:
    if not BARE.exists():
        print(json.dumps({"bench": "http", "skipped": f"{BARE} not found"}))
        return 0
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        url = stack.enter_context(scratch_database("mtrack_bench"))
        servers = stack.enter_context(scratch_broker())
        key = asyncio.run(_seed(url))
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "KAFKA_BOOTSTRAP_SERVERS": servers,
            "MTRACK_TOPIC_PREFIX": f"bench{uuid.uuid4().hex[:6]}",
            "MTRACK_RATE_LIMIT": "1000000/second",
            "MTRACK_SWEEP_SECONDS": "3600",
        }
        bare_port = free_port()
        bare = _start(stack, [str(BARE), str(bare_port), url, key], env, Path(tmp) / "bare.log", bare_port)
        # One service at a time, so neither competes for the CPU with the other (the milestones
        # consumer applying the status events, say): ingest for the POST, then milestones, on a topic
        # prefix of its own (nothing to consume), for the list.
        if ONLY in ("", "status"):
            with ExitStack() as phase:
                ingest = _serve(phase, ["-m", "mtrack.cli", "serve", "ingest"], env, Path(tmp) / "ingest.log")
                path = "/v1/milestones/bench-0/status"
                _report("http_status_post", "POST", ingest, bare, path, key, 0.5, Path(tmp), url)
        env["MTRACK_TOPIC_PREFIX"] += "-list"
        if ONLY in ("", "list"):
            with ExitStack() as phase:
                milestones = _serve(
                    phase, ["-m", "mtrack.cli", "serve", "milestones"], env, Path(tmp) / "ms.log"
                )
                path = "/v1/milestones?limit=200"
                _report("http_list_200", "GET", milestones, bare, path, key, 0.7, Path(tmp), url)
    return 0


async def _seed(url: str) -> str:
    """A key with every scope, ROWS milestones in the core's table and ingest's own."""
    engine = make_engine(url, pool_size=1)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            key = await create_key(session, name="bench", departments=["*"], scopes=list(SCOPES))
    finally:
        await engine.dispose()
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        ids = [f"bench-{n}" for n in range(ROWS)]
        await conn.executemany(
            "INSERT INTO ingest_milestone (id, owner, origin) VALUES ($1, $2, 'external')",
            [(i, OWNER) for i in ids],
        )
        await conn.executemany(
            "INSERT INTO milestone (id, title, section, kind, part, due_date, owner, state, reported_status)"
            " VALUES ($1, $2, '[\"Ⅳ. 시행 계획\", \"1 기반 구축\"]', 'deadline', 'plan',"
            " DATE '2025-01-01' + $3::int, $4, 'planned', 'planned')",
            [(i, f"벤치마크 과제 {n} 로드맵 수립", n, OWNER) for n, i in enumerate(ids)],
        )
    finally:
        await conn.close()
    return key


def _serve(stack: ExitStack, args: list[str], env: dict[str, str], log: Path) -> int:
    port = free_port()
    return _start(stack, [*args, "--port", str(port)], env, log, port)


def _start(stack: ExitStack, args: list[str], env: dict[str, str], log: Path, port: int) -> int:
    out = stack.enter_context(log.open("ab"))
    process = subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
    )

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()

    stack.callback(stop)
    PIDS[port] = process.pid
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2).status_code == 200:
                return port
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise SystemExit(f"{args} exited; see {log}")
        time.sleep(0.3)
    raise SystemExit(f"{args} not up within 60 s; see {log}")


def _report(
    name: str, method: str, service: int, floor: int, path: str, key: str, target: float, tmp: Path, url: str
) -> None:
    for port in (service, floor):  # warm-up: caches, connections, JIT-free but lazy imports
        _load(method, port, path, key, 2.0, tmp)
    sides: dict[str, list[dict[str, float]]] = {"mtrack": [], "bare": []}
    for _ in range(ROUNDS):
        sides["mtrack"].append(_load(method, service, path, key, SECONDS, tmp))
        sides["bare"].append(_load(method, floor, path, key, SECONDS, tmp))
    result = {side: _median(runs) for side, runs in sides.items()}
    for figures in result.values():  # Little's law: a closed loop's mean latency, below which no p99 is
        figures["mean_floor_ms"] = round(1000 * CONNECTIONS / figures["rps"], 1) if figures["rps"] else 0.0
    ratio = result["mtrack"]["rps"] / result["bare"]["rps"] if result["bare"]["rps"] else 0.0
    cpu = result["mtrack"]["cpu_us_per_req"]
    cpu_ratio = result["bare"]["cpu_us_per_req"] / cpu if cpu else 0.0
    # Closed loop, mean latency = connections / throughput (Little's law), so p99 there also reflects the
    # machine's throughput. Open loop: a fixed offered rate (a share of the bare route's closed-loop
    # req/s), latency counted from each request's scheduled start (no coordinated omission).
    open_loop = {}
    drained = _drain_outbox(url)
    for share in OPEN_SHARES:
        rate = max(1.0, share * result["bare"]["rps"])
        runs = {"mtrack": service, "bare": floor}
        measured = {
            side: asyncio.run(_open_loop(method, port, path, key, rate, OPEN_SECONDS))
            for side, port in runs.items()
        }
        open_loop[f"{share:g}x_bare"] = {"rate": round(rate, 1), **measured}
    print(
        json.dumps(
            {
                "bench": name,
                "connections": CONNECTIONS,
                "seconds": SECONDS,
                "rounds": ROUNDS,
                "load": "wrk" if shutil.which("wrk") else "httpx",
                **result,
                "ratio": round(ratio, 3),
                "cpu_ratio": round(cpu_ratio, 3),  # bare's CPU per request / ours
                "target_ratio": target,
                "errors": sum(r["errors"] for runs in sides.values() for r in runs),
                "target_p99_ms": 25 if method == "POST" else None,
                "open_loop": open_loop,
                "outbox_drain_s": drained,
            }
        ),
        flush=True,
    )


def _drain_outbox(url: str, limit: float = 120.0) -> float:
    """Seconds until the ingest relay has published what the closed-loop runs queued (so the open-loop
    figures are not the relay catching up on its backlog in the same process)."""

    async def pending() -> int:
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            return int(await conn.fetchval("SELECT count(*) FROM outbox_message WHERE published_at IS NULL"))
        finally:
            await conn.close()

    started = time.monotonic()
    while asyncio.run(pending()) and time.monotonic() - started < limit:
        time.sleep(0.5)
    return round(time.monotonic() - started, 1)


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    keys = ("rps", "p50_ms", "p99_ms", "cpu_us_per_req")
    return {k: round(statistics.median(r[k] for r in runs), 2) for k in keys}


def _cpu_seconds(port: int) -> float:
    """The server's user + system CPU time so far (/proc/PID/stat), its own threads included."""
    fields = Path(f"/proc/{PIDS[port]}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _load(method: str, port: int, path: str, key: str, seconds: float, tmp: Path) -> dict[str, float]:
    """One closed-loop run, with the server's CPU time per request (what the machine's other load
    changes least: wall-clock req/s on a shared machine swing with it)."""
    before = _cpu_seconds(port)
    if shutil.which("wrk"):
        figures = _wrk(method, port, path, key, seconds, tmp)
    else:
        figures = asyncio.run(_httpx_load(method, port, path, key, seconds))
    used = _cpu_seconds(port) - before
    figures["cpu_us_per_req"] = 1e6 * used / figures["requests"] if figures["requests"] else 0.0
    return figures


def _wrk(method: str, port: int, path: str, key: str, seconds: float, tmp: Path) -> dict[str, float]:
    script = tmp / f"{method.lower()}.lua"
    body = f"wrk.body = {json.dumps(BODY, ensure_ascii=False)}\n" if method == "POST" else ""
    script.write_text(
        f'wrk.method = "{method}"\n{body}'
        f'wrk.headers["Authorization"] = "Bearer {key}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        "done = function(summary, latency, requests)\n"
        '  io.write(string.format("JSON %d %d %f %f %d\\n", summary.requests, summary.duration,'
        " latency:percentile(50), latency:percentile(99),"
        " summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))\n"
        "end\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "-s", str(script), f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, timeout=seconds + 60,
    )  # fmt: skip
    out = done.stdout + done.stderr
    found = re.search(r"^JSON (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+)$", out, re.M)
    if not found:
        raise SystemExit(f"wrk gave no summary:\n{out}")
    requests, micros, p50, p99, errors = found.groups()
    return {
        "requests": float(requests),
        "rps": int(requests) / (int(micros) / 1e6),
        "p50_ms": float(p50) / 1000,
        "p99_ms": float(p99) / 1000,
        "errors": float(errors),
    }


async def _open_loop(
    method: str, port: int, path: str, key: str, rate: float, seconds: float
) -> dict[str, float]:
    """`rate` requests a second for `seconds` over CONNECTIONS keep-alive connections (raw HTTP/1.1 on
    asyncio streams: cheap enough not to be the bottleneck); p50/p99 from each scheduled start."""
    body = BODY.encode() if method == "POST" else b""
    request = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    free: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(CONNECTIONS):
        free.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies: list[float] = []
    errors = 0

    async def one(scheduled: float) -> None:
        nonlocal errors
        reader, writer = await free.get()
        writer.write(request)
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - scheduled)
        errors += status >= 400
        free.put_nowait((reader, writer))

    start = time.perf_counter()
    tasks = []
    for n in range(int(rate * seconds)):
        scheduled = start + n / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(scheduled)))
    await asyncio.gather(*tasks)
    while not free.empty():
        free.get_nowait()[1].close()
    latencies.sort()
    return {
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
        "errors": float(errors),
    }


async def _httpx_load(method: str, port: int, path: str, key: str, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=headers, limits=limits
    ) as client:
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                started = time.perf_counter()
                response = await client.request(method, path, content=BODY if method == "POST" else None)
                latencies.append(time.perf_counter() - started)
                errors += response.status_code >= 400

        begun = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
        elapsed = time.perf_counter() - begun
    latencies.sort()
    return {
        "requests": float(len(latencies)),
        "rps": len(latencies) / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
        "errors": float(errors),
    }


if __name__ == "__main__":
    sys.exit(main())
