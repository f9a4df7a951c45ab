"""shared.memtrace.quiet_collector: the start-up heap frozen once per process, the young threshold set.
In a child process: the collector's state is process-wide."""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import gc, json
from shared.memtrace import quiet_collector
before = gc.get_freeze_count()
quiet_collector(young=20_000)
first = gc.get_freeze_count()
[object() for _ in range(10)]
quiet_collector(young=5)
print(json.dumps({"before": before, "first": first, "second": gc.get_freeze_count(),
                  "threshold": gc.get_threshold()[0]}))
"""


def test_the_start_up_heap_is_frozen_once_and_the_young_threshold_set() -> None:
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True)
    seen = json.loads(out.stdout)
    assert seen["before"] == 0 and seen["first"] > 1000  # modules and their objects
    assert seen["second"] == seen["first"]  # a second call (another app in the process) changes nothing
    assert seen["threshold"] == 20_000
