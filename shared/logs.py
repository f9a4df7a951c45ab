"""Log lines, UTF-8 as written (Korean titles stay readable), each with the request id of its request.

`MTRACK_LOG_FORMAT=json` gives one JSON object per line (for a log shipper); anything else gives one plain
line per record. Either way the message is passed through `redact()`: bearer tokens, `key=`/`token=`
query values and `/a/<token>` links never reach a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
from datetime import UTC, datetime

from shared.observe import current_request_id

_SECRETS = (
    (re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)(bearer|basic)?\s*[^\s\"',]+"), r"\1\2 ***"),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"), r"\1 ***"),
    (
        re.compile(r"(?i)([?&;](?:api_?key|key|token|access_token|secret|password|signature)=)[^&\s\"']+"),
        r"\1***",
    ),
    (re.compile(r"(/a/)[A-Za-z0-9._~-]{6,}"), r"\1***"),
    (re.compile(r"(://[^\s:/@]+:)[^\s@/]+@"), r"\1***@"),
)


# What every pattern above needs somewhere in the text: one scan tells most lines (an access-log line,
# a consumer's progress) that there is nothing to redact, instead of five (an access-log line: 2.7 µs
# instead of 10 µs, measured with timeit).
_MAYBE_SECRET = re.compile(r"(?i)authorization|bearer|=|/a/|://")


def redact(text: str) -> str:
    if not _MAYBE_SECRET.search(text):
        return text
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RequestIdFilter(logging.Filter):
    """Stamps every record with the request id of the HTTP request it was logged in (or None)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        http = getattr(record, "http", None)
        if isinstance(http, dict):
            entry["http"] = http
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")
        self._second: tuple[int, str] = (-1, "")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """The default `2025-03-25 09:00:00,123` with the seconds part formatted once a second (an
        access-log line's strftime was a tenth of its cost)."""
        second = int(record.created)
        if self._second[0] != second:
            self._second = (second, super().formatTime(record, datefmt).rsplit(",", 1)[0])
        return f"{self._second[1]},{int(record.msecs):03d}"

    def format(self, record: logging.LogRecord) -> str:
        line = redact(super().format(record))
        request_id = getattr(record, "request_id", None)
        return f"{line} request_id={request_id}" if request_id else line


class BatchingHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A StreamHandler that writes the lines logged during one pass of the running asyncio loop in one
    write, at the end of the pass (a write per access-log line was ~1.5 % of a status POST, measured).
    Outside a running loop (another thread, start-up, the command line), and for warnings and above,
    it writes at once, after what is pending; `flush()` (also at exit) writes what is pending."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
        except Exception:
            self.handleError(record)
            return
        self.pending.append(line)
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or record.levelno >= logging.WARNING:
            self.flush()
        elif len(self.pending) == 1:
            loop.call_soon(self._flush_quietly)

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            if self.pending:
                text = "".join(self.pending)
                self.pending.clear()
                self.stream.write(text)
            super().flush()

    def _flush_quietly(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # a closed or broken stream
            self.flush()


def formatter() -> logging.Formatter:
    return JsonFormatter() if os.environ.get("MTRACK_LOG_FORMAT", "").lower() == "json" else TextFormatter()


def configure_logging(service: str) -> None:
    # Neither format names the caller, thread or process: not looking them up saves a stack walk and
    # three look-ups per record (the logging HOWTO's "Optimization")
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = BatchingHandler()
    handler.setFormatter(formatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    logging.getLogger(service).info("starting %s", service)
