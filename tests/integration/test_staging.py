"""Batches staged one behind another on the real PostgreSQL (services/milestones/staging.py): a batch
staged while the one ahead of it is still open starts from that one's rows, waits for its commit, is
given up when it does not commit, and runs its rules again when the guessed rows were wrong."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime

import pytest

from services.milestones.domain import Milestone
from services.milestones.handlers import apply_batch, stage_batch
from services.milestones.staging import AheadFailed, StagingLine
from shared.events import (
    Envelope,
    MilestoneDeclared,
    MilestoneStatusReported,
    Payload,
    decode,
    encode,
    new_envelope,
)


def event(subject: str, payload: Payload) -> Envelope:
    env = new_envelope(payload, subject=subject, source="test", occurred_at=datetime.now(UTC))
    return decode(encode(env))


def declared(subject: str, title: str = "시험 과제") -> Envelope:
    return event(subject, MilestoneDeclared(title=title, due=date(2025, 6, 30), owner="산업기술정책과"))


def reported(subject: str, progress: int) -> Envelope:
    return event(subject, MilestoneStatusReported(status="in_progress", progress=progress))


async def joined(line: StagingLine, ahead: object) -> None:
    """Until the batch staged last has joined the line behind `ahead` (it has taken its place)."""
    for _ in range(10_000):
        if line.last is not ahead:
            return
        await asyncio.sleep(0)  # a yield to the other tasks, not a timed wait
    raise AssertionError("the batch behind never joined the line")


async def detail(stack, subject: str) -> dict:  # type: ignore[no-untyped-def]
    answer = await stack.milestones.get(f"/v1/milestones/{subject}")
    return answer.json() if answer.status_code == 200 else {}


async def test_a_batch_behind_an_open_one_starts_from_its_rows_and_commits_after_it(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 3, 5))
    ctx = stack.milestones_app.state.core
    tag = uuid.uuid4().hex[:8]
    x, y, z = (f"stage-{n}-{tag}" for n in "xyz")
    line = StagingLine()
    first = asyncio.create_task(stage_batch([declared(x), declared(y)], ctx=ctx, line=line))
    # x is new in the first batch: not yet visible to the second, which must start from the first's row
    second = asyncio.create_task(stage_batch([reported(x, 30), declared(z)], ctx=ctx, line=line))
    ahead = await first
    await joined(line, ahead.carry)
    assert not second.done()  # it shares x with a batch that has not committed
    await ahead.commit()
    outcome = await (await second).commit()
    assert outcome.rejected == []
    assert outcome.counts[("milestone.status_reported", "applied")] == 1
    assert (await detail(stack, x))["progress"] == 30
    assert (await detail(stack, x))["state"] == "in_progress"
    assert (await detail(stack, z))["title"] == "시험 과제"


async def test_a_batch_behind_one_that_does_not_commit_is_given_up(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 3, 5))
    ctx = stack.milestones_app.state.core
    tag = uuid.uuid4().hex[:8]
    p, q = f"stage-p-{tag}", f"stage-q-{tag}"
    line = StagingLine()
    first = asyncio.create_task(stage_batch([declared(p)], ctx=ctx, line=line))
    later = reported(p, 50)
    second = asyncio.create_task(stage_batch([later, declared(q)], ctx=ctx, line=line))
    ahead = await first
    await joined(line, ahead.carry)
    await ahead.abort()
    with pytest.raises(AheadFailed):
        await second
    assert await detail(stack, p) == {} and await detail(stack, q) == {}  # nothing of either is kept
    # its events were not recorded as seen: applied again in order, they all apply
    outcome = await apply_batch([declared(p), later, declared(q)], ctx=ctx)
    assert outcome.counts[("milestone.status_reported", "applied")] == 1
    assert (await detail(stack, p))["progress"] == 50


async def test_a_wrong_guess_of_the_row_ahead_is_run_again_on_the_real_row(stack) -> None:  # type: ignore[no-untyped-def]
    stack.clock.pin(date(2025, 3, 5))
    ctx = stack.milestones_app.state.core
    tag = uuid.uuid4().hex[:8]
    r = f"stage-r-{tag}"
    await apply_batch([declared(r, title="실제 제목")], ctx=ctx)
    line = StagingLine()
    _, ahead = line.join(frozenset([r]))  # a batch ahead, open, that says r will look like this:
    ahead.done({r: Milestone(id=r, title="틀린 추측", due_date=date(2025, 9, 30), progress=90)})
    behind = asyncio.create_task(stage_batch([reported(r, 10)], ctx=ctx, line=line))
    await joined(line, ahead)
    ahead.end(True)  # it "commits" without having written that: the stored row is not the guess
    outcome = await (await behind).commit()
    assert outcome.rejected == []
    found = await detail(stack, r)
    assert (found["title"], found["due"], found["progress"]) == ("실제 제목", "2025-06-30", 10)
