"""One frozen pydantic model per event type. Changes are additive; a breaking change is a new type."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Kind = Literal["deadline", "ongoing", "range", "program"]
Part = Literal["summary", "results", "plan", "other"]
ReportedStatus = Literal["planned", "in_progress", "done"]


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1


class TargetModel(BaseModel):
    model_config = ConfigDict(frozen=True)
    value: float | int
    unit: str = Field(min_length=1, max_length=16)


class _Schedule(Payload):
    kind: Kind = "deadline"
    starts: date | None = None
    due: date | None = None

    @model_validator(mode="after")
    def _starts_before_due(self) -> _Schedule:
        if self.starts and self.due and self.starts > self.due:
            raise ValueError(f"starts {self.starts} is after due {self.due}")
        return self


class MilestoneDeclared(_Schedule):
    """A milestone exists (new, or restated with new details) in a plan or an external system."""

    TYPE: ClassVar[str] = "milestone.declared"
    title: str = Field(min_length=1, max_length=500)
    section: list[str] = Field(default_factory=list)
    expr: str | None = None
    line: int | None = None
    part: Part = "plan"
    owner: str | None = Field(default=None, max_length=200)
    target: TargetModel | None = None
    plan_key: str | None = None
    plan_version: int | None = None
    status: ReportedStatus = "planned"
    done_date: date | None = None


class MilestoneRescheduled(_Schedule):
    """A revised plan moved a milestone's dates."""

    TYPE: ClassVar[str] = "milestone.rescheduled"
    expr: str | None = None
    previous_starts: date | None = None
    previous_due: date | None = None
    plan_key: str | None = None
    plan_version: int | None = None


class MilestoneWithdrawn(Payload):
    """A revised plan no longer contains the milestone."""

    TYPE: ClassVar[str] = "milestone.withdrawn"
    reason: str = "removed from plan"
    plan_key: str | None = None
    plan_version: int | None = None


class MilestoneStatusReported(Payload):
    """An officer or another system reported progress."""

    TYPE: ClassVar[str] = "milestone.status_reported"
    status: ReportedStatus
    done_date: date | None = None
    note: str | None = Field(default=None, max_length=2000)
    reported_by: str | None = Field(default=None, max_length=200)


class AlertPayload(Payload):
    title: str
    owner: str | None = None
    section: list[str] = Field(default_factory=list)
    due: date
    as_of: date
    days: int


class MilestoneDueSoon(AlertPayload):
    """The milestone's due date is within the warning window; `days` left."""

    TYPE: ClassVar[str] = "milestone.due_soon"


class MilestoneOverdue(AlertPayload):
    """The due date has passed without a done report; `days` overdue."""

    TYPE: ClassVar[str] = "milestone.overdue"


EVENT_TYPES: dict[str, type[Payload]] = {
    model.TYPE: model
    for model in (
        MilestoneDeclared,
        MilestoneRescheduled,
        MilestoneWithdrawn,
        MilestoneStatusReported,
        MilestoneDueSoon,
        MilestoneOverdue,
    )
}
