"""iCalendar feeds (RFC 5545) per department: one all-day event per open milestone on its due date.

Built with the `icalendar` library (line folding, escaping and date values are its job). The UID is
stable per milestone, SEQUENCE and LAST-MODIFIED follow `updated_at`, so a calendar app updates the
event in place when a milestone is rescheduled, and drops it once it is done or withdrawn."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from icalendar import Calendar, Event

from services.milestones import queries
from services.milestones.access import feed_visible_owners
from services.milestones.api import SessionDep, known_params
from services.milestones.models import Milestone

router = APIRouter(prefix="/v1/feeds", tags=["feeds"])
STATE_KO = {"planned": "예정", "in_progress": "추진 중", "due_soon": "기한 임박", "overdue": "기한 경과"}


@router.get("/{department_code}.ics", dependencies=[known_params("key")])
async def department_feed(
    department_code: str,
    request: Request,
    session: SessionDep,
    owners: Annotated[frozenset[str] | None, Depends(feed_visible_owners)],
) -> Response:
    directory = request.app.state.directory
    department = directory.by_code(department_code)
    if department is None:
        raise HTTPException(404, f"no department with code {department_code!r}")
    names = [department.name, *department.aliases]
    rows = await queries.open_for_owners(session, owners=owners, names=names)
    body = render(rows, name=f"mtrack {department.name}", now=request.app.state.clock.now())
    return Response(body, media_type="text/calendar; charset=utf-8")


def render(rows: list[Milestone], *, name: str, now: object) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//mtrack//milestones//KO")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for m in rows:
        assert m.due_date is not None
        event = Event()
        event.add("uid", f"{m.id}@mtrack")
        event.add("dtstamp", now)
        event.add("dtstart", m.due_date)
        event.add("dtend", m.due_date + timedelta(days=1))
        event.add("summary", m.title)
        event.add("description", _description(m))
        event.add("last-modified", m.updated_at)
        event.add("sequence", int(m.updated_at.timestamp()))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())


def _description(m: Milestone) -> str:
    lines = [f"상태: {STATE_KO.get(m.state, m.state)} / 건강도: {m.health}"]
    if m.owner:
        lines.append(f"담당: {m.owner}")
    if m.section:
        lines.append(" > ".join(m.section))
    if m.baseline_due and m.due_date and m.baseline_due != m.due_date:
        lines.append(f"최초 기한: {m.baseline_due.isoformat()}")
    if m.plan_key:
        lines.append(f"계획: {m.plan_key}")
    return "\n".join(lines)
