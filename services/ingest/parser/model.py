"""What the plan parser finds: plain frozen data, no I/O."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

Kind = Literal["deadline", "ongoing", "range", "program"]
Part = Literal["summary", "results", "plan", "other"]


@dataclass(frozen=True)
class Target:
    value: int | float
    unit: str


@dataclass(frozen=True)
class ParsedMilestone:
    id: str
    title: str
    section: tuple[str, ...]
    line: int
    expr: str
    kind: Kind
    starts: date | None
    due: date | None
    owner: str | None = None
    target: Target | None = None
    part: Part = "plan"

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["section"] = list(self.section)
        out["starts"] = self.starts.isoformat() if self.starts else None
        out["due"] = self.due.isoformat() if self.due else None
        return out


@dataclass(frozen=True)
class ParsedPlan:
    plan_key: str
    title: str
    doc_date: date | None
    milestones: tuple[ParsedMilestone, ...] = field(default_factory=tuple)
