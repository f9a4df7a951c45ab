"""Runs an extraction in a child process bounded in wall time, CPU time and address space.

Why a process and not a thread: a thread cannot be stopped when a malformed PDF makes pdfminer loop,
nor kept from allocating gigabytes (RLIMIT_AS applies to a whole process), and a crash inside a C
extension (lxml) would take the ingest service with it. The child costs ~0.3–0.6 s to start, small
beside an upload, and at most `MAX_CONCURRENT` run at once so memory stays bounded overall."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from .detect import Format
from .errors import ExtractionError

TIMEOUT_SECONDS = 30.0
MEMORY_BYTES = 1024 * 1024 * 1024
MAX_CONCURRENT = 2
_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT)
_ROOT = Path(__file__).resolve().parents[3]


def extract_isolated(
    data: bytes,
    kind: Format,
    *,
    timeout: float = TIMEOUT_SECONDS,
    memory_bytes: int = MEMORY_BYTES,
) -> str:
    """The text of a binary document, or ExtractionError with the reason (corrupt, encrypted, too big)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, (str(_ROOT), os.environ.get("PYTHONPATH")))),
    }
    command = [
        sys.executable,
        "-m",
        "services.ingest.extract.worker",
        kind,
        str(memory_bytes),
        str(int(timeout) + 1),
    ]
    with _SLOTS:
        try:
            done = subprocess.run(
                command, input=data, capture_output=True, timeout=timeout, env=env, check=False
            )
        except subprocess.TimeoutExpired as err:  # subprocess.run has killed the child
            raise ExtractionError(
                f"extracting the {kind.upper()} text took over {timeout:g} s; the file is too complex"
            ) from err
    try:
        result = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        result = {}
    if "text" in result:
        return str(result["text"])
    if "error" in result:
        raise ExtractionError(str(result["error"]))
    if done.returncode < 0 or done.returncode in (137, 152):
        raise ExtractionError(f"extracting the {kind.upper()} text exceeded its memory or CPU bound")
    tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
    raise ExtractionError(f"the {kind.upper()} extractor failed ({tail[0][:200]})")
