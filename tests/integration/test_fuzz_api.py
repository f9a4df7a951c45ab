"""A small schemathesis pass (all checks) over the ingest and milestones OpenAPI documents, served over
real HTTP on loopback from the in-process stack, with a valid key. `make fuzz` runs a bigger one."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
import uvicorn

from mtrack.stack.ports import free_port
from shared.auth import RateLimits
from tests.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = os.environ.get("MTRACK_FUZZ_EXAMPLES", "15")


async def _fuzz(app: object, key: str) -> tuple[int, str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None, access_log=False)  # type: ignore[arg-type]
    )
    task = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: server.started, timeout=10)
        st = Path(sys.executable).with_name("st")
        process = await asyncio.create_subprocess_exec(
            str(st), "run", f"http://127.0.0.1:{port}/openapi.json",
            "--checks", "all", "--max-examples", EXAMPLES, "--phases", "examples,coverage,fuzzing",
            "--header", f"Authorization: Bearer {key}", "--request-timeout", "20",
            "--generation-database", "none", "--seed", "8", "--no-color", "--workers", "1",
            "--exclude-tag", "operations",  # /healthz, /readyz, /metrics: shared/http.py, not this API
            cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        output, _ = await asyncio.wait_for(process.communicate(), timeout=420)
        return process.returncode or 0, output.decode(errors="replace")
    finally:
        server.should_exit = True
        await task


@pytest.mark.parametrize("service", ["ingest", "milestones"])
async def test_schemathesis_finds_nothing(stack, service: str) -> None:  # type: ignore[no-untyped-def]
    app = stack.ingest_app if service == "ingest" else stack.milestones_app
    app.state.rate_limits = RateLimits("100000/second")  # type: ignore[attr-defined]
    code, output = await _fuzz(app, stack.admin_key)
    assert code == 0, output[-30000:] if len(output) < 30000 else output[:15000] + " … " + output[-15000:]
