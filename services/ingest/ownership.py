"""Who owns which milestone, from ingest's own table (`ingest_milestone`), written in the same transaction
as the declaring events: plan milestones change only through a newer plan version; an external declare
or import may create or restate only milestones of its key's departments, never a plan's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import HTTPException
from sqlalchemy import any_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.ingest.models import KnownMilestone
from shared.auth import Principal, department_name
from shared.db import array

# One SQL text whatever the number of rows (`unnest` over one array per column, `= ANY`): each length
# of a VALUES or IN list would be a new statement prepared and cached on every pooled connection.
PLAN_UPSERT = text(
    """INSERT INTO ingest_milestone (id, owner, origin, plan_key)
       SELECT u.id, u.owner, 'plan', :plan_key FROM unnest(:ids, :owners) AS u(id, owner)
       ON CONFLICT (id) DO UPDATE
       SET owner = excluded.owner, origin = 'plan', plan_key = excluded.plan_key, updated_at = now()"""
)
# A row another transaction inserted since the check is updated only if it is still ours to restate
# (two departments declaring one new id at once: the second gets 409, not the id); NULL :visible = all.
EXTERNAL_UPSERT = text(
    """INSERT INTO ingest_milestone (id, owner, origin)
       SELECT u.id, u.owner, 'external' FROM unnest(:ids, :owners) AS u(id, owner)
       ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, updated_at = now()
       WHERE ingest_milestone.origin = 'external'
         AND (CAST(:visible AS text[]) IS NULL OR ingest_milestone.owner IS NULL
              OR ingest_milestone.owner = ANY(CAST(:visible AS text[])))
       RETURNING id"""
)


class OwnerProblem(ValueError):
    """A declared owner that is not a directory department the key may write for (422)."""


class IdTaken(ValueError):
    """An id that belongs to a plan or to another department (409)."""


async def register_plan(session: AsyncSession, items: Iterable[dict[str, Any]], *, plan_key: str) -> None:
    """Every milestone of a plan version is the plan's (owner as the plan writes it)."""
    rows = {item["id"]: item.get("owner") or None for item in items}
    if rows:
        arrays = array("ids", list(rows)), array("owners", list(rows.values()))
        await session.execute(PLAN_UPSERT.bindparams(*arrays), {"plan_key": plan_key})


def owner_for(principal: Principal, owner: str | None) -> str:
    """The directory name of a declared owner, if this key may write for it; else OwnerProblem."""
    name = department_name(owner)
    if name is None:
        raise OwnerProblem(f"owner {_short(owner)!r} is not a department of the organisation directory")
    if not principal.sees(name):
        mine = ", ".join(sorted(principal.departments))
        raise OwnerProblem(f"owner {name!r} is not one of this key's departments ({mine})")
    return name


async def claim_external(session: AsyncSession, principal: Principal, ids_owners: dict[str, str]) -> None:
    """Records external milestones (id → owner already checked); IdTaken names the ids it may not use."""
    existing = (
        await session.scalars(
            select(KnownMilestone)
            .where(KnownMilestone.id == any_(array("ids", list(ids_owners))))
            .with_for_update()
        )
    ).all()
    taken = sorted(
        m.id for m in existing if m.origin == "plan" or not (m.owner is None or principal.sees(m.owner))
    )
    if taken:
        raise IdTaken(
            f"{len(taken)} id(s) belong to a plan or to another department and cannot be declared: "
            + ", ".join(_short(t) for t in taken[:20])
        )
    visible = principal.visible_owners()
    arrays = (
        array("ids", list(ids_owners)),
        array("owners", list(ids_owners.values())),
        array("visible", None if visible is None else sorted(visible)),
    )
    written = len((await session.execute(EXTERNAL_UPSERT.bindparams(*arrays))).all())
    if written != len(ids_owners):
        raise IdTaken("an id was declared by a plan or another department meanwhile; nothing was declared")


async def owners_of(session: AsyncSession, ids: Iterable[str]) -> dict[str, str | None]:
    """Owner by id for the ids ingest knows (absent ids are unknown milestones)."""
    wanted = list(dict.fromkeys(ids))
    if len(wanted) == 1:
        owner = await session.execute(select(KnownMilestone.owner).where(KnownMilestone.id == wanted[0]))
        row = owner.first()
        return {wanted[0]: row[0]} if row else {}
    rows = await session.execute(
        select(KnownMilestone.id, KnownMilestone.owner).where(KnownMilestone.id == any_(array("ids", wanted)))
    )
    return {i: o for i, o in rows.all()}


def access(principal: Principal, owners: dict[str, str | None], milestone_id: str) -> int:
    """202 when the key may report on the milestone, 404 unknown, 403 another department's."""
    if milestone_id not in owners:
        return 404
    return 202 if principal.sees(owners[milestone_id]) else 403


def require_access(principal: Principal, owners: dict[str, str | None], milestone_id: str) -> None:
    status = access(principal, owners, milestone_id)
    if status != 202:
        raise refusal(status, milestone_id)


def refusal(status: int, milestone_id: str) -> HTTPException:
    if status == 404:
        return HTTPException(404, f"no milestone {milestone_id!r}; declare it first")
    return HTTPException(403, f"milestone {milestone_id!r} belongs to a department this key does not have")


def _short(text: str | None, limit: int = 80) -> str:
    text = text or ""
    return text if len(text) <= limit else text[:limit] + "…"
