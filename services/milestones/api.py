"""HTTP read side of the milestones service: thin translators over the queries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.milestones.domain import State
from services.milestones.models import Milestone, MilestoneHistory
from shared.api_errors import IsoDate
from shared.auth import Principal, owner_filter, require


async def _session(request: Request) -> Any:
    async with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(_session)]
ReaderDep = Annotated[Principal, Depends(require("read"))]  # also the router's dependency (app.py): run once


def _visible(principal: Principal) -> list[Any]:
    """The owners filter of a key limited to departments (none for '*')."""
    return owner_filter(principal, Milestone.owner)


class MilestoneOut(BaseModel):
    id: str
    title: str
    section: list[str]
    kind: str
    expr: str | None
    part: str
    starts: date | None
    due: date | None
    owner: str | None
    target: dict[str, Any] | None
    plan_key: str | None
    plan_version: int | None
    state: str
    done_date: date | None
    on_time: bool | None
    updated_at: datetime

    @classmethod
    def of(cls, m: Milestone) -> MilestoneOut:
        return cls(
            id=m.id,
            title=m.title,
            section=m.section or [],
            kind=m.kind,
            expr=m.expr,
            part=m.part,
            starts=m.starts_date,
            due=m.due_date,
            owner=m.owner,
            target=m.target,
            plan_key=m.plan_key,
            plan_version=m.plan_version,
            state=m.state,
            done_date=m.done_date,
            on_time=m.on_time,
            updated_at=m.updated_at,
        )


class HistoryOut(BaseModel):
    event_id: str | None
    event_type: str
    from_state: str | None
    to_state: str
    occurred_at: datetime
    data: dict[str, Any]


class MilestonePage(BaseModel):
    total: int
    items: list[MilestoneOut]


class MilestoneDetail(MilestoneOut):
    history: list[HistoryOut]


router = APIRouter(prefix="/v1", tags=["milestones"])


@router.get("/milestones", response_model=MilestonePage)
async def list_milestones(
    session: SessionDep,
    principal: ReaderDep,
    owner: str | None = None,
    state: Annotated[State | None, Query()] = None,
    plan: str | None = None,
    due_from: IsoDate | None = None,
    due_to: IsoDate | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> MilestonePage:
    if due_from and due_to and due_from > due_to:
        raise HTTPException(422, f"due_from {due_from} is after due_to {due_to}")
    filters = [
        cond
        for cond in (
            Milestone.owner == owner if owner else None,
            Milestone.state == state.value if state else None,
            Milestone.plan_key == plan if plan else None,
            Milestone.due_date >= due_from if due_from else None,
            Milestone.due_date <= due_to if due_to else None,
        )
        if cond is not None
    ] + _visible(principal)
    total = await session.scalar(select(func.count()).select_from(Milestone).where(*filters))
    rows = await session.scalars(
        select(Milestone)
        .where(*filters)
        .order_by(Milestone.due_date.asc().nulls_last(), Milestone.id)
        .limit(limit)
        .offset(offset)
    )
    return MilestonePage(total=total or 0, items=[MilestoneOut.of(m) for m in rows])


@router.get("/milestones/{milestone_id}", response_model=MilestoneDetail)
async def get_milestone(milestone_id: str, session: SessionDep, principal: ReaderDep) -> MilestoneDetail:
    milestone = await session.get(Milestone, milestone_id[:128])
    if milestone is None or not principal.sees(milestone.owner):
        raise HTTPException(404, f"no milestone {milestone_id!r}")
    history = await session.scalars(
        select(MilestoneHistory)
        .where(MilestoneHistory.milestone_id == milestone_id)
        .order_by(MilestoneHistory.id)
    )
    return MilestoneDetail(
        **MilestoneOut.of(milestone).model_dump(),
        history=[
            HistoryOut(
                event_id=str(h.event_id) if h.event_id else None,
                event_type=h.event_type,
                from_state=h.from_state,
                to_state=h.to_state,
                occurred_at=h.occurred_at,
                data=h.data or {},
            )
            for h in history
        ],
    )


@router.get("/summary")
async def summary(session: SessionDep, principal: ReaderDep) -> dict[str, Any]:
    """Milestones by state, and the on-time share of those done (of the key's departments)."""
    visible = _visible(principal)
    rows = (
        await session.execute(select(Milestone.state, func.count()).where(*visible).group_by(Milestone.state))
    ).all()
    by_state = {state.value: 0 for state in State} | {state: count for state, count in rows}
    done = (
        await session.execute(
            select(Milestone.on_time, func.count())
            .where(Milestone.on_time.is_not(None), *visible)
            .group_by(Milestone.on_time)
        )
    ).all()
    outcome = {bool(on_time): count for on_time, count in done}
    finished = outcome.get(True, 0) + outcome.get(False, 0)
    return {
        "total": sum(by_state.values()),
        "by_state": by_state,
        "on_time_ratio": outcome.get(True, 0) / finished if finished else None,
    }
