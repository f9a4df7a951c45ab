"""What other systems send to ingest, validated strictly before anything becomes an event: unknown fields,
control characters, lone surrogates, MIME encoded-words, over-long strings and out-of-range numbers or
dates are refused (422, naming the field)."""

from __future__ import annotations

import hashlib
import math
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from shared.events import MilestoneDeclared, TargetModel
from shared.events.envelope import SUBJECT_PATTERN
from shared.events.types import Kind

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
NOTE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
ENCODED_WORD = re.compile(r"=\?[^?\s]{1,75}\?[bBqQ]\?", re.ASCII)
EARLIEST, LATEST = date(1990, 1, 1), date(2100, 12, 31)


def _line(value: str) -> str:
    found = CONTROL.search(value)
    if found:
        kind = "a lone surrogate" if 0xD800 <= ord(found.group()) <= 0xDFFF else "a control character"
        raise ValueError(f"contains {kind} (U+{ord(found.group()):04X}) at position {found.start()}")
    if ENCODED_WORD.search(value):
        raise ValueError("contains a MIME encoded-word (=?charset?B?…?=); send the text itself")
    return value


def _note(value: str) -> str:
    found = NOTE_CONTROL.search(value)
    if found:
        kind = "a lone surrogate" if 0xD800 <= ord(found.group()) <= 0xDFFF else "a control character"
        raise ValueError(f"contains {kind} (U+{ord(found.group()):04X}) at position {found.start()}")
    return value


def _in_range(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return value


def Line(max_length: int, min_length: int = 0) -> Any:
    """One line of text: no control characters at all."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_line)]


def Note(max_length: int) -> Any:
    """Free text: tab and newlines allowed, other control characters not."""
    return Annotated[str, Field(max_length=max_length), AfterValidator(_note)]


Day = Annotated[date, AfterValidator(_in_range)]
MilestoneId = Annotated[str, Field(pattern=SUBJECT_PATTERN, max_length=128)]
Status = Literal["planned", "in_progress", "done"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class TargetIn(Strict):
    value: float = Field(ge=-1e12, le=1e12, allow_inf_nan=False)
    unit: Line(16, 1)  # type: ignore[valid-type]


class MilestoneIn(Strict):
    """A milestone another system tracks. `id` is yours to choose (stable); derived from title and owner
    when omitted. `owner` must be a department of the directory that your key may write for."""

    id: MilestoneId | None = None
    title: Line(500, 1)  # type: ignore[valid-type]
    starts: Day | None = None
    due: Day | None = None
    kind: Kind | None = None
    owner: Line(200, 1)  # type: ignore[valid-type]
    section: list[Line(200, 1)] = Field(default_factory=list, max_length=20)  # type: ignore[valid-type]
    target: TargetIn | None = None
    status: Status = "planned"
    done_date: Day | None = None

    @model_validator(mode="after")
    def _dated(self) -> MilestoneIn:
        if not self.title.strip():
            raise ValueError("title is blank")
        if self.starts is None and self.due is None:
            raise ValueError("a milestone needs `due`, `starts`, or both")
        if self.starts and self.due and self.starts > self.due:
            raise ValueError(f"starts {self.starts} is after due {self.due}")
        if self.done_date and self.status != "done":
            raise ValueError("done_date is only for status done")
        return self

    def subject(self) -> str:
        if self.id:
            return self.id
        digest = hashlib.sha1(f"{self.owner or ''}|{' '.join(self.title.split())}".encode()).hexdigest()
        return f"api-{digest[:16]}"

    def inferred_kind(self) -> Kind:
        if self.kind:
            return self.kind
        if self.starts and self.due:
            return "range"
        return "deadline" if self.due else "ongoing"

    def declared(self) -> MilestoneDeclared:
        target = None
        if self.target is not None:
            value = self.target.value
            number = int(value) if math.isfinite(value) and value == int(value) else value
            target = TargetModel(value=number, unit=self.target.unit)
        return MilestoneDeclared(
            title=self.title,
            kind=self.inferred_kind(),
            starts=self.starts,
            due=self.due,
            owner=self.owner,
            section=self.section,
            target=target,
            part="other",
            status=self.status,
            done_date=self.done_date,
        )


class StatusIn(Strict):
    """Progress on a milestone. `done_date` only with `done`; `progress` in percent; `expected_date` the
    new estimate of completion; `reason` why it is late (지연 사유)."""

    status: Status
    done_date: Day | None = None
    note: Note(2000) | None = None  # type: ignore[valid-type]
    reported_by: Line(200) | None = None  # type: ignore[valid-type]
    progress: int | None = Field(default=None, ge=0, le=100)
    expected_date: Day | None = None
    reason: Note(2000) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _consistent(self) -> StatusIn:
        if self.done_date and self.status != "done":
            raise ValueError("done_date is only for status done")
        return self


class StatusItem(StatusIn):
    milestone_id: MilestoneId


class StatusBatchIn(Strict):
    """Up to 1,000 status updates; each item is a status body plus `milestone_id`, checked on its own."""

    updates: list[dict[str, Any]] = Field(min_length=1, max_length=1000)


class AcknowledgeIn(Strict):
    by: Line(200) | None = None  # type: ignore[valid-type]
    note: Note(2000) | None = None  # type: ignore[valid-type]


class SnoozeIn(Strict):
    until: Day
    by: Line(200) | None = None  # type: ignore[valid-type]
    reason: Note(2000) | None = None  # type: ignore[valid-type]
