"""The versioned envelope every event travels in."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.events.types import EVENT_TYPES, Payload

SUBJECT_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"


class Envelope(BaseModel):
    """A past-tense fact about one milestone (`subject`); `data` is the typed payload as JSON."""

    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID
    type: str
    schema_version: int = Field(default=1, ge=1)
    occurred_at: AwareDatetime
    source: str = Field(min_length=1, max_length=64)
    subject: str = Field(pattern=SUBJECT_PATTERN)
    data: dict[str, Any]
    # The HTTP request that caused the event (X-Request-ID), so logs can be followed across services.
    request_id: str | None = Field(default=None, max_length=128)

    def payload(self) -> Payload:
        """The typed payload; raises `KeyError` for an unknown type and `ValidationError` for bad data.
        Validated once per envelope (`codec.decode` does it) and remembered beside the fields, as a
        `cached_property` would be (equality and dumps see only the fields); a copy with
        other `data` validates its own."""
        cached = self.__dict__.get("_payload")
        if cached is not None and cached[0] is self.data:
            return cached[1]  # type: ignore[no-any-return]
        payload = EVENT_TYPES[self.type].model_validate(self.data)
        self.__dict__["_payload"] = (self.data, payload)
        return payload


def new_envelope(
    payload: Payload,
    *,
    subject: str,
    source: str,
    occurred_at: datetime,
    event_id: uuid.UUID | None = None,
    request_id: str | None = None,
) -> Envelope:
    return Envelope(
        event_id=event_id or uuid.uuid4(),
        type=payload.TYPE,
        schema_version=payload.VERSION,
        occurred_at=occurred_at,
        source=source,
        subject=subject,
        data=payload.model_dump(mode="json"),
        request_id=request_id,
    )
