"""A loopback SMTP server (aiosmtpd) that keeps every message as a `.eml` file. Nothing is relayed."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from mtrack.stack.ports import free_port


class _SaveToFolder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.refusal: str | None = None  # e.g. "421 busy": every message refused so, for fault tests

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusal is not None:
            return self.refusal
        stamp = time.strftime("%Y%m%dT%H%M%S")
        recipient = re.sub(r"[^A-Za-z0-9@._-]", "_", envelope.rcpt_tos[0] if envelope.rcpt_tos else "unknown")
        path = self.folder / f"{stamp}-{time.monotonic_ns()}-{recipient}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class MailFolder:
    def __init__(self, folder: Path, *, port: int | None = None) -> None:
        self.folder = folder
        self.port = free_port(port)
        self._controller: Controller | None = None
        self._handler = _SaveToFolder(folder)

    def refuse(self, reply: str | None) -> None:
        """Answer every message with `reply` (e.g. "451 4.3.0 try again later"); None accepts again."""
        self._handler.refusal = reply

    def start(self) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self.port

    def messages(self) -> list[Path]:
        return sorted(self.folder.glob("*.eml"))

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
