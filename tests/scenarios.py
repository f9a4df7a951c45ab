"""Small scenarios several test modules set up the same way."""

from __future__ import annotations

import uuid
from datetime import date

from tests.waiting import get_when_found


async def done_on_time_and_late(stack) -> None:  # type: ignore[no-untyped-def]
    """Two milestones due 2025-03-31 reported done, one on time and one late, applied by the core."""
    stack.clock.pin(date(2025, 1, 6))
    tag = uuid.uuid4().hex[:6]
    for n, done in ((1, "2025-03-01"), (2, "2025-04-15")):
        body = {
            "id": f"m-{tag}-{n}",
            "title": f"지표 과제 {n}",
            "due": "2025-03-31",
            "owner": "산업기술정책과",
            "status": "done",
            "done_date": done,
        }
        assert (await stack.ingest.post("/v1/milestones", json=body)).status_code == 202
        await get_when_found(stack.milestones, f"/v1/milestones/m-{tag}-{n}")
