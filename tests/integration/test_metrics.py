"""The on-time metrics as operators see them: valid exposition (promtool) and scraped by a real Prometheus."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from mtrack.stack.ports import free_port
from tests.scenarios import done_on_time_and_late
from tests.waiting import eventually

PROMTOOL = shutil.which("promtool")
PROMETHEUS = shutil.which("prometheus")
needs_prometheus = pytest.mark.skipif(
    not (PROMTOOL and PROMETHEUS) and not os.environ.get("CI"),
    reason="Debian's `prometheus` package is not installed (CI installs it; `apt-get install prometheus`)",
)


@needs_prometheus
async def test_metrics_pass_promtool(stack) -> None:  # type: ignore[no-untyped-def]
    await done_on_time_and_late(stack)
    for client in (stack.ingest, stack.milestones, stack.notifier):
        text = (await client.get("/metrics")).text
        promtool = await asyncio.create_subprocess_exec(
            PROMTOOL or "promtool",
            "check",
            "metrics",
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        output, _ = await promtool.communicate(text.encode())
        assert promtool.returncode == 0, output.decode()
    text = (await stack.milestones.get("/metrics")).text
    assert 'mtrack_on_time_ratio{department="tech-policy"}' in text  # a directory code, never free text
    assert 'mtrack_completions_total{department="tech-policy",on_time="false"}' in text
    assert (
        'mtrack_alerts_queued_total{audience="manager",step="escalation",type="milestone.escalated"}' in text
    )
    assert 'mtrack_overdue_age_seconds_bucket{department="other",le="+Inf"}' in text
    assert (
        'mtrack_ingest_events_total{type="milestone.declared"}' in (await stack.ingest.get("/metrics")).text
    )


@pytest.fixture
async def milestones_port(stack) -> AsyncIterator[int]:  # type: ignore[no-untyped-def]
    """The running milestones app on a real loopback port (its lifespan is already running)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(stack.milestones_app, host="127.0.0.1", port=port, lifespan="off", log_config=None)
    )
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started)
    yield port
    server.should_exit = True
    await task


@needs_prometheus
async def test_prometheus_scrapes_the_on_time_ratio(stack, milestones_port, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    await done_on_time_and_late(stack)
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s}\n"
        f"scrape_configs: [{{job_name: milestones, static_configs: [{{targets: ['127.0.0.1:{milestones_port}']}}]}}]\n"
    )
    web = free_port()
    server = subprocess.Popen(  # noqa: ASYNC220 (a launch, not a wait)
        [
            PROMETHEUS or "prometheus",
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{web}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{web}") as prom:

            async def ratio() -> float | None:
                try:
                    response = await prom.get(
                        "/api/v1/query", params={"query": 'mtrack_on_time_ratio{department="tech-policy"}'}
                    )
                except httpx.HTTPError:
                    return None
                result = response.json()["data"]["result"] if response.status_code == 200 else []
                return float(result[0]["value"][1]) if result else None

            value = await eventually(ratio, timeout=60, interval=0.5)
        assert 0 < value < 1  # one done on time, one late (plus whatever else this module declared)
    finally:
        server.terminate()
        server.wait(timeout=10)
