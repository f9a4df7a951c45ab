"""Read-side queries of the milestones service; each takes `owners` (None = all) and filters by it."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, String, and_, cast, func, literal, literal_column, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.milestones.domain import OPEN_STATES, State
from services.milestones.models import Milestone, MilestoneHistory

FAR = date(9999, 12, 31)
SORTS: dict[str, Any] = {
    "due": func.coalesce(Milestone.due_date, cast(literal(FAR.isoformat()), Date)),
    "updated": Milestone.updated_at,
    "title": Milestone.title,
    "id": Milestone.id,
}


LIST_COLUMNS = (
    "id", "title", "section", "kind", "expr", "part", "starts_date", "due_date", "baseline_due", "owner",
    "target", "plan_key", "plan_version", "state", "health", "progress", "expected_date", "delay_reason",
    "last_update_at", "acknowledged_at", "snoozed_until", "done_date", "on_time", "updated_at",
)  # fmt: skip


def _utc(column: str) -> str:
    """A timestamptz as pydantic writes it: ISO 8601 in UTC with `Z`, microseconds only when not 0."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE WHEN extract(microseconds FROM {utc})::int % 1000000 = 0 THEN ''"
        f" ELSE to_char({utc}, '.US') END || 'Z' END"
    )


# One list item (MilestoneOut's fields, in its order) written by PostgreSQL: a page of 200 is a page of
# text to Python, not 5,000 values to decode and encode again.
ITEM_JSON: Any = literal_column(
    "json_build_object("
    "'id', id, 'title', title,"
    " 'section', CASE WHEN section IS NULL OR jsonb_typeof(section) = 'null' THEN '[]'::jsonb ELSE section END,"
    " 'kind', kind, 'expr', expr, 'part', part, 'starts', starts_date, 'due', due_date,"
    " 'baseline_due', baseline_due, 'slip_days', due_date - baseline_due, 'owner', owner, 'target', target,"
    " 'plan_key', plan_key, 'plan_version', plan_version, 'state', state, 'health', health,"
    " 'progress', progress, 'expected_date', expected_date, 'delay_reason', delay_reason,"
    f" 'last_update_at', {_utc('last_update_at')}, 'acknowledged_at', {_utc('acknowledged_at')},"
    " 'snoozed_until', snoozed_until, 'done_date', done_date, 'on_time', on_time,"
    " 'days_late', CASE WHEN on_time IS FALSE THEN done_date - due_date END,"
    f" 'updated_at', {_utc('updated_at')})::text"
).label("json")
CURSOR_COLUMNS = ("json", "id", "title", "due_date", "updated_at")


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Filters:
    owner: list[str]
    plan: list[str]
    state: list[str]
    kind: list[str]
    health: list[str]
    section: list[str]
    due_from: date | None = None
    due_to: date | None = None
    q: str | None = None

    def conditions(self, owners: frozenset[str] | None) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if owners is not None:
            conds.append(Milestone.owner.in_(sorted(owners)))
        for column, values in (
            (Milestone.owner, self.owner),
            (Milestone.plan_key, self.plan),
            (Milestone.state, self.state),
            (Milestone.kind, self.kind),
            (Milestone.health, self.health),
        ):
            if values:
                conds.append(column.in_(values))
        for i, heading in enumerate(self.section):  # the heading path starts with these headings
            conds.append(Milestone.section[i].as_string() == heading)
        if self.due_from:
            conds.append(Milestone.due_date >= self.due_from)
        if self.due_to:
            conds.append(Milestone.due_date <= self.due_to)
        if self.q:
            pattern = "%" + self.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conds.append(Milestone.title.ilike(pattern, escape="\\"))
        return conds


def encode_cursor(sort: str, value: Any, mid: str) -> str:
    raw = json.dumps([sort, value.isoformat() if hasattr(value, "isoformat") else value, mid])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        got_sort, value, mid = json.loads(raw)
    except (ValueError, TypeError) as err:
        raise BadCursor("cursor is not one this service gave out") from err
    if got_sort != sort or not isinstance(mid, str):
        raise BadCursor(f"cursor belongs to sort {got_sort!r}, not {sort!r}")
    return value, mid


async def list_milestones(
    session: AsyncSession,
    *,
    owners: frozenset[str] | None,
    filters: Filters,
    sort: str,
    limit: int,
    cursor: str | None,
    as_json: bool = False,
) -> tuple[int, list[dict[str, Any]], str | None]:
    """A page in keyset order (sort key, id): rows changing elsewhere never shift the next page. The rows
    are dicts of LIST_COLUMNS, not ORM objects (a page of 200 is read and serialised without building an
    object per row); on the first page the total comes with them (`count(*) OVER ()`, one query). With
    `as_json`, each row holds its item as JSON text (`json`) and the columns its cursor needs."""
    key_name = sort.lstrip("-")
    descending = sort.startswith("-")
    key = SORTS[key_name]
    conds = filters.conditions(owners)
    total: int | None = None
    page_conds = list(conds)
    # Reads only: autocommit, so no BEGIN / ROLLBACK round trips around the one or two statements.
    conn = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    if cursor:
        value, mid = decode_cursor(cursor, sort)
        bound = _typed(key_name, value)
        after = (
            tuple_(key, Milestone.id) < tuple_(bound, mid)
            if descending
            else tuple_(key, Milestone.id) > tuple_(bound, mid)
        )
        page_conds.append(after)
        total = (await conn.execute(select(func.count()).select_from(Milestone).where(*conds))).scalar()
    order = (key.desc(), Milestone.id.desc()) if descending else (key.asc(), Milestone.id.asc())
    table = Milestone.__table__
    names = CURSOR_COLUMNS if as_json else LIST_COLUMNS
    columns: list[Any] = [ITEM_JSON if name == "json" else table.c[name] for name in names]
    if total is None:
        columns.append(func.count().over().label("total"))
    stmt = select(*columns).where(*page_conds).order_by(*order).limit(limit + 1)
    result = await conn.execute(stmt)  # Core: no ORM state per row
    found = result.all()
    if total is None:
        total = found[0][-1] if found else 0
    rows = [dict(zip(names, row, strict=False)) for row in found[:limit]]
    next_cursor = None
    if len(found) > limit and rows:
        last = rows[-1]
        value = {
            "due": last["due_date"] or FAR,
            "updated": last["updated_at"],
            "title": last["title"],
            "id": last["id"],
        }[key_name]
        next_cursor = encode_cursor(sort, value, last["id"])
    return total or 0, rows, next_cursor


def _typed(key_name: str, value: Any) -> Any:
    try:
        if key_name == "due":
            return date.fromisoformat(value)
        if key_name == "updated":
            return datetime.fromisoformat(value)
    except (TypeError, ValueError) as err:
        raise BadCursor("cursor is not one this service gave out") from err
    if not isinstance(value, str):
        raise BadCursor("cursor is not one this service gave out")
    return value


async def get_milestone(
    session: AsyncSession, *, owners: frozenset[str] | None, milestone_id: str
) -> tuple[Milestone, list[MilestoneHistory]] | None:
    milestone = await session.get(Milestone, milestone_id)
    if milestone is None or (owners is not None and milestone.owner not in owners):
        return None
    history = await session.scalars(
        select(MilestoneHistory)
        .where(MilestoneHistory.milestone_id == milestone_id)
        .order_by(MilestoneHistory.id)
    )
    return milestone, list(history)


GROUPS: dict[str, Any] = {
    "owner": Milestone.owner,
    "plan": Milestone.plan_key,
    "section": Milestone.section[0].as_string(),
}


async def summary_rows(
    session: AsyncSession, *, owners: frozenset[str] | None, group_by: str | None, year: int
) -> list[dict[str, Any]]:
    """집행이행도 per group: units = milestones due in `year` and not withdrawn; completed = done of them;
    execution_rate = completed / units × 100; on_time_rate = completed on time / completed."""
    key = GROUPS[group_by] if group_by else cast(literal(None), String)
    done = Milestone.state == State.DONE
    stmt = (
        select(
            key.label("key"),
            func.count().label("units"),
            func.count().filter(done).label("completed"),
            func.count().filter(and_(done, Milestone.on_time.is_(True))).label("on_time"),
            func.count().filter(Milestone.state == State.OVERDUE).label("overdue"),
        )
        .where(
            Milestone.due_date.between(date(year, 1, 1), date(year, 12, 31)),
            Milestone.state != State.WITHDRAWN,
            Milestone.owner.in_(sorted(owners)) if owners is not None else true(),
        )
        .group_by(key)
        .order_by(key.asc().nulls_last())
    )
    rows = []
    for k, units, completed, on_time, overdue in (await session.execute(stmt)).all():
        rows.append(
            {
                group_by or "all": k,
                "units": units,
                "completed": completed,
                "completed_on_time": on_time,
                "overdue": overdue,
                "execution_rate": round(100.0 * completed / units, 1) if units else None,
                "on_time_rate": round(on_time / completed, 3) if completed else None,
            }
        )
    if not group_by and not rows:
        rows.append(
            {
                "all": None,
                "units": 0,
                "completed": 0,
                "completed_on_time": 0,
                "overdue": 0,
                "execution_rate": None,
                "on_time_rate": None,
            }
        )
    return rows


async def state_counts(session: AsyncSession, *, owners: frozenset[str] | None) -> dict[str, Any]:
    """Milestones by state and the on-time share of those done (the whole table, for `mtrack run`)."""
    visible = Milestone.owner.in_(sorted(owners)) if owners is not None else true()
    rows = (
        await session.execute(select(Milestone.state, func.count()).where(visible).group_by(Milestone.state))
    ).all()
    by_state = {s.value: 0 for s in State} | {s: n for s, n in rows}
    good, late = (
        await session.execute(
            select(
                func.count().filter(Milestone.on_time.is_(True)),
                func.count().filter(Milestone.on_time.is_(False)),
            ).where(visible)
        )
    ).one()
    return {
        "total": sum(by_state.values()),
        "by_state": by_state,
        "on_time_ratio": good / (good + late) if good + late else None,
    }


async def open_for_owners(
    session: AsyncSession, *, owners: frozenset[str] | None, names: list[str]
) -> list[Milestone]:
    """Open milestones with a due date owned by any of `names` (a department's name and aliases)."""
    conds = [
        Milestone.owner.in_(names),
        Milestone.state.in_([s.value for s in OPEN_STATES]),
        Milestone.due_date.is_not(None),
    ]
    if owners is not None:
        conds.append(Milestone.owner.in_(sorted(owners)))
    stmt = select(Milestone).where(*conds).order_by(Milestone.due_date, Milestone.id)
    return list((await session.scalars(stmt)).all())
