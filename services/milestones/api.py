"""HTTP read side of the milestones service: thin translators over the queries."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.milestones import queries
from services.milestones.access import visible_owners
from services.milestones.domain import Health, State
from services.milestones.models import Milestone
from shared.api_errors import IsoDate


async def _session(request: Request) -> Any:
    async with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(_session)]
OwnersDep = Annotated[frozenset[str] | None, Depends(visible_owners)]


def known_params(*names: str) -> Any:
    """A dependency refusing query parameters the endpoint does not know (422 naming them)."""
    allowed = frozenset(names)

    async def check(request: Request) -> None:
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise HTTPException(
                422, f"unknown query parameter(s): {', '.join(unknown)}; known: {', '.join(sorted(allowed))}"
            )

    return Depends(check)


class MilestoneOut(BaseModel):
    id: str
    title: str
    section: list[str]
    kind: str
    expr: str | None
    part: str
    starts: date | None
    due: date | None
    baseline_due: date | None
    slip_days: int | None
    owner: str | None
    target: dict[str, Any] | None
    plan_key: str | None
    plan_version: int | None
    state: str
    health: str
    progress: int | None
    expected_date: date | None
    delay_reason: str | None
    last_update_at: datetime | None
    acknowledged_at: datetime | None
    snoozed_until: date | None
    done_date: date | None
    on_time: bool | None
    days_late: int | None
    updated_at: datetime

    @classmethod
    def of(cls, m: Milestone) -> MilestoneOut:
        slip = (m.due_date - m.baseline_due).days if m.due_date and m.baseline_due else None
        late = (m.done_date - m.due_date).days if m.on_time is False and m.done_date and m.due_date else None
        return cls(
            id=m.id,
            title=m.title,
            section=m.section or [],
            kind=m.kind,
            expr=m.expr,
            part=m.part,
            starts=m.starts_date,
            due=m.due_date,
            baseline_due=m.baseline_due,
            slip_days=slip,
            owner=m.owner,
            target=m.target,
            plan_key=m.plan_key,
            plan_version=m.plan_version,
            state=m.state,
            health=m.health,
            progress=m.progress,
            expected_date=m.expected_date,
            delay_reason=m.delay_reason,
            last_update_at=m.last_update_at,
            acknowledged_at=m.acknowledged_at,
            snoozed_until=m.snoozed_until,
            done_date=m.done_date,
            on_time=m.on_time,
            days_late=late,
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
    next_cursor: str | None = None


class MilestoneDetail(MilestoneOut):
    history: list[HistoryOut]


router = APIRouter(prefix="/v1", tags=["milestones"])
Sort = Literal["due", "-due", "updated", "-updated", "title", "-title", "id", "-id"]
LIST_PARAMS = (
    "owner",
    "plan",
    "state",
    "kind",
    "health",
    "section",
    "due_from",
    "due_to",
    "q",
    "sort",
    "limit",
    "cursor",
)
CSV_COLUMNS = (
    "id",
    "title",
    "section",
    "owner",
    "plan_key",
    "kind",
    "starts",
    "due",
    "baseline_due",
    "slip_days",
    "state",
    "health",
    "progress",
    "expected_date",
    "delay_reason",
    "done_date",
    "on_time",
    "days_late",
)


@router.get("/milestones", response_model=MilestonePage, dependencies=[known_params(*LIST_PARAMS)])
async def list_milestones(
    request: Request,
    session: SessionDep,
    owners: OwnersDep,
    owner: Annotated[list[str], Query()] = [],  # noqa: B006 (FastAPI reads, never mutates)
    plan: Annotated[list[str], Query()] = [],  # noqa: B006
    state: Annotated[list[State], Query()] = [],  # noqa: B006
    kind: Annotated[list[Literal["deadline", "ongoing", "range", "program"]], Query()] = [],  # noqa: B006
    health: Annotated[list[Health], Query()] = [],  # noqa: B006
    section: Annotated[list[str], Query(description="the heading path starts with these headings")] = [],  # noqa: B006
    due_from: IsoDate | None = None,
    due_to: IsoDate | None = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="title contains (Korean ok)")
    ] = None,
    sort: Sort = "due",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> Any:
    if due_from and due_to and due_from > due_to:
        raise HTTPException(422, f"due_from {due_from} is after due_to {due_to}")
    filters = queries.Filters(
        owner=owner,
        plan=plan,
        state=[s.value for s in state],
        kind=list(kind),
        health=[h.value for h in health],
        section=section,
        due_from=due_from,
        due_to=due_to,
        q=q,
    )
    as_csv = "text/csv" in request.headers.get("accept", "")
    try:
        total, rows, next_cursor = await queries.list_milestones(
            session, owners=owners, filters=filters, sort=sort, limit=limit, cursor=cursor, as_json=not as_csv
        )
    except queries.BadCursor as err:
        raise HTTPException(422, f"cursor: {err}") from err
    if as_csv:
        return _csv([_item(m) for m in rows], next_cursor)
    # MilestonePage's shape, the items as PostgreSQL wrote them: no model per row, no second validation.
    items = ",".join(row["json"] for row in rows)
    body = f'{{"total":{int(total)},"items":[{items}],"next_cursor":{json.dumps(next_cursor)}}}'
    return Response(body, media_type="application/json")


def _item(row: dict[str, Any]) -> dict[str, Any]:
    """MilestoneOut's fields, in its order, from a row of queries.LIST_COLUMNS."""
    due, baseline, done = row["due_date"], row["baseline_due"], row["done_date"]
    item = {name: row.get(column) for name, column in ITEM_COLUMNS}  # computed ones: None, filled below
    item["section"] = item["section"] or []
    item["slip_days"] = (due - baseline).days if due and baseline else None
    item["days_late"] = (done - due).days if row["on_time"] is False and done and due else None
    return item


RENAMED = {"starts": "starts_date", "due": "due_date", "slip_days": "", "days_late": ""}
ITEM_COLUMNS = [(name, RENAMED.get(name, name)) for name in MilestoneOut.model_fields]


def _csv(items: list[dict[str, Any]], next_cursor: str | None) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        row = dict(item, section=" > ".join(item["section"]))
        writer.writerow(["" if row[c] is None else _cell(row[c]) for c in CSV_COLUMNS])
    headers = {"Content-Disposition": 'attachment; filename="milestones.csv"'}
    if next_cursor:
        headers["X-Next-Cursor"] = next_cursor
    # The BOM makes Excel read the Korean text as UTF-8.
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, date | datetime):
        text = value.isoformat()
    else:
        text = str(value)
    # a cell starting with = + - @ would be a formula in a spreadsheet (CSV injection); numbers stay
    if text[:1] in ("=", "+", "-", "@") and not text.lstrip("-").isdigit():
        return "'" + text
    return text


@router.get("/milestones/{milestone_id}", response_model=MilestoneDetail, dependencies=[known_params()])
async def get_milestone(milestone_id: str, session: SessionDep, owners: OwnersDep) -> MilestoneDetail:
    found = await queries.get_milestone(session, owners=owners, milestone_id=milestone_id)
    if found is None:
        raise HTTPException(404, f"no milestone {milestone_id!r}")
    milestone, history = found
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


@router.get("/summary", dependencies=[known_params("group_by", "year")])
async def summary(
    request: Request,
    session: SessionDep,
    owners: OwnersDep,
    group_by: Literal["owner", "plan", "section"] | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> dict[str, Any]:
    """집행이행도 and on-time rates for milestones due in `year` (default: this year), per group or in
    one row; also the whole table by state (`total`, `by_state`, `on_time_ratio`)."""
    year = year or request.app.state.clock.today().year
    rows = await queries.summary_rows(session, owners=owners, group_by=group_by, year=year)
    counts = await queries.state_counts(session, owners=owners)
    return {"year": year, "group_by": group_by, "rows": rows, **counts}
