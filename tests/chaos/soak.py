"""`make soak`: SOAK_SECONDS (default 600) of imports at half the rate the stack sustains (measured
first, or SOAK_RATE events/s), the faults of `make chaos` cycling meanwhile. Prints one JSON line: RSS
per service at start and end, the maximum consumer lag seen, and whether the oracle held.

RSS (tests/chaos/rss.py): sampled every 2 s per process. `rss_kib_start` is after the warm-up load (the
rate measurement, until its alerts are applied and mailed), `rss_kib_end` is the service's process at the
end (a new one when a fault restarted it; `restarted_since_start` names those). `rss_growth_percent`
compares each process with itself: its RSS after SOAK_WARMUP seconds of life (the soak's start for the
first processes, which the warm-up load already warmed) against its last sample; the service's figure is
the largest among its processes that lived long enough (`rss_per_process` lists them all)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
import uuid
from typing import Any

import httpx
import psutil

from tests.chaos.pipeline_chaos import (
    CHUNK,
    NOW,
    RECIPIENTS,
    Stack,
    _kill_and_recover,
    _lag,
    _rows,
    _wait,
    chaos_stack,
    mail_state,
    mails_settled,
    say,
    sql,
)
from tests.chaos.rss import RssTracker

SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
RATE = float(os.environ.get("SOAK_RATE", "0"))  # 0: half the measured sustainable rate
WARMUP = float(os.environ.get("SOAK_WARMUP", "60"))  # seconds of a restarted process before its baseline
MIN_SPAN = float(os.environ.get("SOAK_MIN_SPAN", "120"))  # seconds from baseline to end for a growth figure
FAULT_EVERY = float(os.environ.get("SOAK_FAULT_EVERY", "60"))
BROKER_PAUSE = float(os.environ.get("SOAK_BROKER_PAUSE", "30"))
APPLIED = "SELECT count(*) FROM processed_event WHERE event_id = ANY($1)"


class PacedLoad(threading.Thread):
    def __init__(self, port: int, rows: list[dict[str, Any]], rate: float, key: str) -> None:
        super().__init__(daemon=True)
        self.port, self.rows, self.rate, self.key = port, rows, rate, key
        self.event_ids: list[uuid.UUID] = []
        self.sent = 0
        self.stop = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        auth = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60, headers=auth) as client:
            while self.sent < len(self.rows) and not self.stop.is_set():
                due = int((time.monotonic() - started) * self.rate)
                if due <= self.sent:
                    time.sleep(0.2)
                    continue
                chunk = self.rows[self.sent : min(due, self.sent + CHUNK, len(self.rows))]
                try:
                    response = client.post("/v1/imports", json=chunk)
                except httpx.HTTPError:
                    time.sleep(0.5)
                    continue
                if response.status_code == 202:
                    self.event_ids += [uuid.UUID(e) for e in response.json()["event_ids"]]
                    self.sent += len(chunk)
                else:
                    time.sleep(0.5)


def _rss(chaos: Stack) -> dict[str, int]:
    return {
        name: psutil.Process(child.pid).memory_info().rss // 1024
        for name, child in chaos.supervisor.children.items()
    }


def _rss_of(pid: int) -> int | None:
    try:
        return int(psutil.Process(pid).memory_info().rss // 1024)
    except psutil.Error:
        return None


def _pids(chaos: Stack) -> dict[str, int]:
    return {name: child.pid for name, child in chaos.supervisor.children.items()}


def _sample_rss(chaos: Stack, tracker: RssTracker, stop: threading.Event) -> None:
    """Every 2 s, also while a fault is being injected (a killed process's last sample is its end)."""
    while not stop.wait(2.0):
        tracker.sample(_pids(chaos), time.monotonic())


def _measure_rate(chaos: Stack) -> float:
    rows = _rows(f"{chaos.run}w", 2000)
    load = PacedLoad(chaos.ports["ingest"], rows, 1e9, chaos.key)
    started = time.monotonic()
    load.run()
    _wait(lambda: sql(chaos.database, APPLIED, load.event_ids)[0][0] == len(rows), 300, "warm-up applied")
    rate = len(rows) / (time.monotonic() - started)
    # Every service warm before the baselines: the notifier too has itemised and mailed the warm-up's
    # alerts (every 10th row is overdue), not only the core applied them.
    overdue = sum(1 for r in rows if r["due"] < NOW.isoformat())
    _wait(
        lambda: mails_settled(chaos.database, chaos.mail.folder, f"{chaos.run}w", overdue),
        300,
        "warm-up mails",
    )
    return rate


def main() -> int:
    figures: dict[str, Any] = {"seconds": SECONDS}
    with contextlib.redirect_stdout(sys.stderr), chaos_stack() as chaos:
        sustainable = _measure_rate(chaos)
        rate = RATE or sustainable / 2
        figures.update({"sustainable_rate": round(sustainable, 1), "rate": round(rate, 1)})
        say(f"sustainable ~{sustainable:.0f} events/s; soaking at {rate:.0f}/s for {SECONDS:.0f}s")
        rss_start, pids_start = _rss(chaos), _pids(chaos)
        tracker = RssTracker(WARMUP, MIN_SPAN, _rss_of)
        tracker.sample(pids_start, time.monotonic(), warm=True)  # the warm-up load warmed them
        sampling = threading.Event()
        threading.Thread(target=_sample_rss, args=(chaos, tracker, sampling), daemon=True).start()
        rows = _rows(chaos.run, int(rate * SECONDS))
        load = PacedLoad(chaos.ports["ingest"], rows, rate, chaos.key)
        load.start()
        faults = ["kill milestones", "kill notifier", "smtp refusing", "broker frozen", "postgres restart"]
        done: list[str] = []
        max_lag = 0.0
        deadline = time.monotonic() + SECONDS
        next_fault = time.monotonic() + FAULT_EVERY
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                max_lag = max(max_lag, _lag(chaos.ports))
            if time.monotonic() >= next_fault:
                fault = faults[len(done) % len(faults)]
                _inject(chaos, fault)
                done.append(fault)
                say(f"fault: {fault}")
                next_fault = time.monotonic() + FAULT_EVERY
            time.sleep(2)
        load.stop.set()
        load.join(timeout=120)
        _wait(
            lambda: sql(chaos.database, APPLIED, load.event_ids)[0][0] == len(load.event_ids), 600, "applied"
        )
        sent = rows[: load.sent]
        overdue = {r["id"] for r in sent if r["due"] < NOW.isoformat()}
        _wait(lambda: mails_settled(chaos.database, chaos.mail.folder, chaos.run, len(overdue)), 600, "mails")
        _wait(lambda: _lag(chaos.ports) == 0, 300, "lag 0")
        found = {
            r["id"]: (r["title"], r["due_date"].isoformat())
            for r in sql(chaos.database, "SELECT id, title, due_date FROM milestone WHERE id LIKE $1",
                         f"chaos-{chaos.run}-%")
        }  # fmt: skip
        mailing = mail_state(chaos.database, chaos.mail.folder, chaos.run)
        kills = sum(1 for f in done if f == "kill notifier")
        duplicates = mailing["duplicates"]
        checks = {
            "fold_equal": found == {r["id"]: (r["title"], r["due"]) for r in sent},
            "each_event_applied_once": sql(chaos.database, APPLIED, load.event_ids)[0][0]
            == len(load.event_ids),
            "every_alert_mailed": mailing["itemised"]
            and mailing["mailed"]
            and set(mailing["recipients"]) <= RECIPIENTS,
            "duplicates_within_notifier_kills": duplicates <= kills,
            "lag_zero": _lag(chaos.ports) == 0,
        }
        rss_end = _rss(chaos)
        sampling.set()
        tracker.sample(_pids(chaos), time.monotonic())
        restarted = [n for n, c in chaos.supervisor.children.items() if c.pid != pids_start[n]]
        figures.update(
            {
                "events": load.sent,
                "faults": done,
                "rss_kib_start": rss_start,
                "rss_kib_end": rss_end,
                "restarted_since_start": restarted,  # their rss_kib_end is of a new process
                "rss_warmup_seconds": WARMUP,
                "rss_note": "rss_kib_start is after the warm-up load (applied and mailed); growth compares each process with"
                " itself: its RSS rss_warmup_seconds after it started (at the soak's start for the first)"
                " against its last sample; the worst process per service",
                **tracker.figures(),
                "max_lag": max_lag,
                "mail_duplicates": duplicates,
                "checks": checks,
                "oracle_held": all(checks.values()),
            }
        )
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    return 0 if figures["oracle_held"] else 1


def _inject(chaos: Stack, fault: str) -> None:
    if fault.startswith("kill "):
        _kill_and_recover(chaos.supervisor, fault.removeprefix("kill "))
    elif fault == "smtp refusing":
        chaos.mail.refuse("451 4.3.0 try again later")
        time.sleep(10)
        chaos.mail.refuse(None)
    elif fault == "broker frozen":
        chaos.broker.freeze()
        time.sleep(BROKER_PAUSE)
        chaos.broker.thaw()
    else:
        chaos.pg.stop()
        chaos.pg.start()
    _wait(chaos.all_ready, 120, f"ready after {fault}")


if __name__ == "__main__":
    sys.exit(main())
