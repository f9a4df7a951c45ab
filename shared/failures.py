"""Why applying an event failed: transient (retry the same records later) or permanent (the event itself).

The split, decided once for every consumer:
- transient: the world is not there right now — connection and OS errors, timeouts, PostgreSQL
  SQLSTATE classes 08 (connection), 40 (serialization/deadlock), 53 (resources), 57 (admin shutdown,
  server restart), 58 (system) and 42 (a relation or column missing: migrations not applied yet), Kafka
  client errors, SMTP errors other than a 5xx refusal. Retried with backoff, unbounded, nothing
  dead-lettered.
- permanent: the event cannot apply however often it is tried — PostgreSQL classes 22 (data exception,
  e.g. a NUL byte in text) and 23 (constraint violation), `ValueError`/`TypeError`/`KeyError`
  (pydantic's `ValidationError` is a `ValueError`), an SMTP 5xx refusal.
- unknown: anything else. The consumer retries it a bounded number of times, then treats it as
  permanent for the single event it isolates it to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from enum import StrEnum


class Failure(StrEnum):
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    UNKNOWN = "unknown"


TRANSIENT_SQLSTATE_CLASSES = frozenset({"08", "40", "42", "53", "57", "58"})
PERMANENT_SQLSTATE_CLASSES = frozenset({"22", "23"})


def classify(exc: BaseException) -> Failure:
    for cause in _chain(exc):
        state = _sqlstate(cause)
        if state:
            if state[:2] in TRANSIENT_SQLSTATE_CLASSES:
                return Failure.TRANSIENT
            if state[:2] in PERMANENT_SQLSTATE_CLASSES:
                return Failure.PERMANENT
    for cause in _chain(exc):
        verdict = _by_type(cause)
        if verdict is not None:
            return verdict
    return Failure.UNKNOWN


def is_transient(exc: BaseException) -> bool:
    return classify(exc) is Failure.TRANSIENT


def is_permanent(exc: BaseException) -> bool:
    return classify(exc) is Failure.PERMANENT


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, the driver error SQLAlchemy wraps (`.orig`), and their causes, each once."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        todo.extend(
            [orig if isinstance(orig, BaseException) else None, current.__cause__, current.__context__]
        )


def _sqlstate(exc: BaseException) -> str | None:
    for name in ("sqlstate", "pgcode"):
        value = getattr(exc, name, None)
        if isinstance(value, str) and len(value) == 5:
            return value
    return None


def _by_type(exc: BaseException) -> Failure | None:
    from aiokafka.errors import KafkaError
    from sqlalchemy import exc as sa

    if isinstance(exc, sa.DataError | sa.IntegrityError):
        return Failure.PERMANENT
    if isinstance(exc, sa.DBAPIError) and exc.connection_invalidated:
        return Failure.TRANSIENT
    if isinstance(exc, sa.OperationalError | sa.InterfaceError | sa.DisconnectionError | sa.TimeoutError):
        return Failure.TRANSIENT
    if isinstance(exc, asyncio.TimeoutError | TimeoutError | ConnectionError | OSError | KafkaError):
        return Failure.TRANSIENT
    if type(exc).__module__.startswith("asyncpg"):
        name = type(exc).__name__
        if "Connection" in name or "Interface" in name or "CannotConnect" in name:
            return Failure.TRANSIENT
    smtp = _smtp(exc)
    if smtp is not None:
        return smtp
    if isinstance(exc, ValueError | TypeError | KeyError | UnicodeError):
        return Failure.PERMANENT
    return None


def _smtp(exc: BaseException) -> Failure | None:
    try:
        import aiosmtplib
    except ImportError:  # pragma: no cover - a service without mail
        return None
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        return Failure.PERMANENT if codes and min(codes) >= 500 else Failure.TRANSIENT
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return Failure.PERMANENT if exc.code >= 500 else Failure.TRANSIENT
    if isinstance(exc, aiosmtplib.SMTPException):
        return Failure.TRANSIENT
    return None


def describe(exc: BaseException) -> str:
    """The exception class for a dead letter: the raised one, and the driver's when it wraps one
    (e.g. `DBAPIError/CharacterNotInRepertoireError 22021`)."""
    name = type(exc).__name__
    for cause in _chain(exc):
        state = _sqlstate(cause)
        if state and type(cause).__module__.startswith("asyncpg"):
            return f"{name} {state}" if cause is exc else f"{name}/{type(cause).__name__} {state}"
    return name


def reason(exc: BaseException) -> str:
    """A short reason: the driver's message rather than SQLAlchemy's (which repeats SQL and parameters)."""
    orig = getattr(exc, "orig", None)
    message = str(orig) if isinstance(orig, BaseException) else str(exc)
    return f"{describe(exc)}: {message}"
