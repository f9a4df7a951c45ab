"""The transient / permanent split of apply failures (pure: exceptions built by hand)."""

from __future__ import annotations

import aiosmtplib
import asyncpg
import pytest
from aiokafka.errors import KafkaConnectionError, RequestTimedOutError
from pydantic import BaseModel, ValidationError
from sqlalchemy import exc as sa

from shared.failures import Failure, classify, describe, is_transient


def _wrapped(driver: Exception) -> sa.DBAPIError:
    """What SQLAlchemy's asyncpg dialect raises: a DBAPIError around an adapted error caused by asyncpg's."""

    class Adapted(Exception):
        pass

    adapted = Adapted(str(driver))
    adapted.__cause__ = driver
    return sa.DBAPIError("INSERT …", {}, adapted)


class _Model(BaseModel):
    n: int


def _validation_error() -> ValidationError:
    try:
        _Model.model_validate({"n": "x"})
    except ValidationError as err:
        return err
    raise AssertionError


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_wrapped(asyncpg.exceptions.CharacterNotInRepertoireError("0x00")), Failure.PERMANENT),
        (_wrapped(asyncpg.exceptions.UniqueViolationError("dup")), Failure.PERMANENT),
        (_wrapped(asyncpg.exceptions.AdminShutdownError("terminating")), Failure.TRANSIENT),
        (_wrapped(asyncpg.exceptions.ConnectionDoesNotExistError("gone")), Failure.TRANSIENT),
        (_wrapped(asyncpg.exceptions.UndefinedTableError("relation does not exist")), Failure.TRANSIENT),
        (_wrapped(asyncpg.exceptions.SerializationError("retry")), Failure.TRANSIENT),
        (sa.OperationalError("SELECT 1", {}, Exception("down")), Failure.TRANSIENT),
        (sa.IntegrityError("INSERT", {}, Exception("dup")), Failure.PERMANENT),
        (ConnectionRefusedError(111, "refused"), Failure.TRANSIENT),
        (TimeoutError(), Failure.TRANSIENT),
        (KafkaConnectionError(), Failure.TRANSIENT),
        (RequestTimedOutError(), Failure.TRANSIENT),
        (aiosmtplib.SMTPResponseException(451, "try later"), Failure.TRANSIENT),
        (aiosmtplib.SMTPResponseException(554, "no"), Failure.PERMANENT),
        (aiosmtplib.SMTPServerDisconnected("bye"), Failure.TRANSIENT),
        (ValueError("bad"), Failure.PERMANENT),
        (TypeError("bad"), Failure.PERMANENT),
        (_validation_error(), Failure.PERMANENT),
        (RuntimeError("who knows"), Failure.UNKNOWN),
    ],
)
def test_failures_are_split_deliberately(error: Exception, expected: Failure) -> None:
    assert classify(error) is expected
    assert is_transient(error) == (expected is Failure.TRANSIENT)


def test_the_driver_error_names_the_class() -> None:
    error = _wrapped(asyncpg.exceptions.CharacterNotInRepertoireError("0x00"))
    assert describe(error) == "DBAPIError/CharacterNotInRepertoireError 22021"
    assert describe(RuntimeError("x")) == "RuntimeError"
