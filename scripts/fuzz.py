"""`make fuzz`: schemathesis (all checks) against the ingest and milestones OpenAPI documents on a stack
started for the run (`mtrack run` in a temporary state dir, free loopback ports, embedded servers), with
its administrator key. Bounded: MTRACK_FUZZ_EXAMPLES per operation (default 200), 10 minutes a service.
Exit status 0 only when both runs find nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mtrack.stack.ports import free_port  # noqa: E402

EXAMPLES = os.environ.get("MTRACK_FUZZ_EXAMPLES", "200")


def main() -> int:
    state = Path(tempfile.mkdtemp(prefix="mtrack-fuzz-"))
    ports = [free_port() for _ in range(3)]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "SMTP_HOST")
    }
    env["MTRACK_RATE_LIMIT"] = "100000/second"  # the fuzzer is one client sending fast
    stack = subprocess.Popen(
        [sys.executable, "-m", "mtrack.cli", "run", "--state-dir", str(state), "--ports", ",".join(map(str, ports))],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        key = _wait_for_key(stack)
        failed = [
            name
            for name, port in (("ingest", ports[0]), ("milestones", ports[1]))
            if _schemathesis(name, port, key) != 0
        ]
    finally:
        stack.send_signal(signal.SIGINT)
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            stack.kill()
    print("fuzz:", "failures in " + ", ".join(failed) if failed else "no failures", flush=True)
    return 1 if failed else 0


def _wait_for_key(stack: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + 180
    assert stack.stdout is not None
    while time.monotonic() < deadline:
        line = stack.stdout.readline()
        if not line and stack.poll() is not None:
            raise SystemExit("mtrack run exited before it was ready")
        if line.startswith("export MTRACK_API_KEY="):
            return line.strip().partition("=")[2]
    raise SystemExit("mtrack run was not ready within 180 s")


def _schemathesis(name: str, port: int, key: str) -> int:
    print(f"• schemathesis against {name} (127.0.0.1:{port}), {EXAMPLES} examples per operation", flush=True)
    command = [
        str(Path(sys.executable).with_name("st")), "run", f"http://127.0.0.1:{port}/openapi.json",
        "--checks", "all", "--max-examples", EXAMPLES, "--phases", "examples,coverage,fuzzing,stateful",
        "--header", f"Authorization: Bearer {key}", "--request-timeout", "20", "--workers", "2",
        "--exclude-tag", "operations",  # /healthz, /readyz, /metrics (shared/http.py) are not this API
        "--generation-database", "none", "--no-color",
    ]  # fmt: skip
    try:
        return subprocess.run(command, cwd=ROOT, timeout=600).returncode
    except subprocess.TimeoutExpired:
        print(f"fuzz: {name} did not finish within 600 s", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
