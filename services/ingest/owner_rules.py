"""Owner overrides an organisation keeps beside the documents: by milestone id, or by a keyword in the
title or headings (first match wins). The parser's own assignment stands where no rule applies.

File (JSON, `MTRACK_OWNER_RULES` or `mtrack parse --owner-rules`):
  {"by_id": {"<milestone id>": "<department>"}, "by_keyword": {"규제": "산업규제혁신과", "M.AX": "산업인공지능정책과"}}"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel, Field

from services.ingest.parser.model import ParsedMilestone, ParsedPlan


class OwnerRules(BaseModel):
    by_id: dict[str, str] = Field(default_factory=dict)
    by_keyword: dict[str, str] = Field(default_factory=dict)

    def owner_for(self, milestone: ParsedMilestone) -> str | None:
        if milestone.id in self.by_id:
            return self.by_id[milestone.id]
        text = " ".join((milestone.title, *milestone.section))
        return next((owner for keyword, owner in self.by_keyword.items() if keyword in text), milestone.owner)

    def apply(self, plan: ParsedPlan) -> ParsedPlan:
        if not (self.by_id or self.by_keyword):
            return plan
        return replace(plan, milestones=tuple(replace(m, owner=self.owner_for(m)) for m in plan.milestones))


def load_owner_rules(path: str | Path | None) -> OwnerRules:
    if not path:
        return OwnerRules()
    return OwnerRules.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
