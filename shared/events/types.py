"""One frozen pydantic model per event type. Changes are additive; a breaking change is a new type."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Kind = Literal["deadline", "ongoing", "range", "program"]
Part = Literal["summary", "results", "plan", "other"]
ReportedStatus = Literal["planned", "in_progress", "done"]
INT4_MAX = 2**31 - 1  # the milestones tables keep `line` and `plan_version` in INTEGER columns
LineNumber = Annotated[int, Field(ge=1, le=INT4_MAX)]
VersionNumber = Annotated[int, Field(ge=1, le=INT4_MAX)]


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
    line: LineNumber | None = None
    part: Part = "plan"
    owner: str | None = Field(default=None, max_length=200)
    target: TargetModel | None = None
    plan_key: str | None = None
    plan_version: VersionNumber | None = None
    status: ReportedStatus = "planned"
    done_date: date | None = None


class MilestoneRescheduled(_Schedule):
    """A revised plan moved a milestone's dates."""

    TYPE: ClassVar[str] = "milestone.rescheduled"
    expr: str | None = None
    previous_starts: date | None = None
    previous_due: date | None = None
    plan_key: str | None = None
    plan_version: VersionNumber | None = None


class MilestoneWithdrawn(Payload):
    """A revised plan no longer contains the milestone."""

    TYPE: ClassVar[str] = "milestone.withdrawn"
    reason: str = "removed from plan"
    plan_key: str | None = None
    plan_version: VersionNumber | None = None


class MilestoneStatusReported(Payload):
    """An officer or another system reported progress."""

    TYPE: ClassVar[str] = "milestone.status_reported"
    status: ReportedStatus
    done_date: date | None = None
    note: str | None = Field(default=None, max_length=2000)
    reported_by: str | None = Field(default=None, max_length=200)
    progress: int | None = Field(default=None, ge=0, le=100)
    expected_date: date | None = None  # the owner's new estimate of the completion date
    reason: str | None = Field(default=None, max_length=2000)  # 지연 사유


class MilestoneAcknowledged(Payload):
    """The owner has seen the milestone's alerts (stops escalation for the current due date)."""

    TYPE: ClassVar[str] = "milestone.acknowledged"
    by: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=2000)


class MilestoneSnoozed(Payload):
    """Reminders wait until `until` (at most 30 days ahead); overdue reminders resume after it."""

    TYPE: ClassVar[str] = "milestone.snoozed"
    until: date
    by: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=2000)


Audience = Literal["owner", "manager"]


class AlertPayload(Payload):
    """What the core decided is due to be said. `step` is `D-7` … `D-0` before the due date, `+1`, `+3` …
    after it, `update` for an update request, `escalation` for the manager's alert."""

    title: str
    owner: str | None = None
    section: list[str] = Field(default_factory=list)
    due: date | None = None
    as_of: date
    days: int = 0
    step: str = ""
    audience: Audience = "owner"
    health: str | None = None
    plan_key: str | None = None


class MilestoneDueSoon(AlertPayload):
    """The milestone's due date is within the warning window; `days` left."""

    TYPE: ClassVar[str] = "milestone.due_soon"


class MilestoneOverdue(AlertPayload):
    """The due date has passed without a done report; `days` overdue."""

    TYPE: ClassVar[str] = "milestone.overdue"


class MilestoneUpdateRequested(AlertPayload):
    """An ongoing item had no report for the configured period: ask for 추진실적."""

    TYPE: ClassVar[str] = "milestone.update_requested"


class MilestoneEscalated(AlertPayload):
    """Overdue for N working days with no acknowledgement or update: the manager is told."""

    TYPE: ClassVar[str] = "milestone.escalated"


ALERT_TYPES = ("milestone.due_soon", "milestone.overdue", "milestone.update_requested", "milestone.escalated")

EVENT_TYPES: dict[str, type[Payload]] = {
    model.TYPE: model
    for model in (
        MilestoneDeclared,
        MilestoneRescheduled,
        MilestoneWithdrawn,
        MilestoneStatusReported,
        MilestoneAcknowledged,
        MilestoneSnoozed,
        MilestoneDueSoon,
        MilestoneOverdue,
        MilestoneUpdateRequested,
        MilestoneEscalated,
    )
}
