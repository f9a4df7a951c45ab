"""What other systems send to ingest: a milestone they track, validated before it becomes an event."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from shared.events import MilestoneDeclared, TargetModel
from shared.events.envelope import SUBJECT_PATTERN


class MilestoneIn(BaseModel):
    """A milestone another system tracks. `id` is yours to choose (stable); derived from title and owner
    when omitted."""

    id: str | None = Field(default=None, pattern=SUBJECT_PATTERN)
    title: str = Field(min_length=1, max_length=500)
    starts: date | None = None
    due: date | None = None
    kind: Literal["deadline", "ongoing", "range", "program"] | None = None
    owner: str | None = Field(default=None, max_length=200)
    section: list[str] = Field(default_factory=list, max_length=20)
    target: TargetModel | None = None
    status: Literal["planned", "in_progress", "done"] = "planned"
    done_date: date | None = None

    @model_validator(mode="after")
    def _dated(self) -> MilestoneIn:
        if self.starts is None and self.due is None:
            raise ValueError("a milestone needs `due`, `starts`, or both")
        if self.starts and self.due and self.starts > self.due:
            raise ValueError(f"starts {self.starts} is after due {self.due}")
        return self

    def subject(self) -> str:
        if self.id:
            return self.id
        digest = hashlib.sha1(f"{self.owner or ''}|{' '.join(self.title.split())}".encode()).hexdigest()
        return f"api-{digest[:16]}"

    def inferred_kind(self) -> str:
        if self.kind:
            return self.kind
        if self.starts and self.due:
            return "range"
        return "deadline" if self.due else "ongoing"

    def declared(self) -> MilestoneDeclared:
        return MilestoneDeclared(
            title=self.title,
            kind=self.inferred_kind(),
            starts=self.starts,
            due=self.due,
            owner=self.owner,
            section=self.section,
            target=self.target,
            part="other",
            status=self.status,
            done_date=self.done_date,
        )
