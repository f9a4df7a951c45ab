"""Who may read what: the calling key's departments (`shared.auth`). Every read endpoint depends on one
of these; every query takes `owners` (None = all owners)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shared.auth import Principal, require


async def visible_owners(principal: Annotated[Principal, Depends(require("read"))]) -> frozenset[str] | None:
    """The owners (department names) the caller may see; None = everything."""
    return principal.visible_owners()


async def feed_visible_owners(
    principal: Annotated[Principal, Depends(require("read", query_key=True))],
) -> frozenset[str] | None:
    """The same for the iCalendar feed, whose read key may travel as `?key=` (calendar apps send no
    headers): this feed only."""
    return principal.visible_owners()
