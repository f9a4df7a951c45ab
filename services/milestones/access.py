"""Who may read what (a local stand-in for `shared.auth`, which the lead wires in at merge).

Every read endpoint depends on one of these; every query takes `owners` (None = all owners)."""

from __future__ import annotations

from fastapi import Request


async def visible_owners(request: Request) -> frozenset[str] | None:
    """The owners (department names) the caller may see; None = everything. Stub: everything."""
    return None


async def feed_visible_owners(request: Request) -> frozenset[str] | None:
    """The same for the iCalendar feed, whose read key may travel as `?key=` (calendar apps send no
    headers). Stub: everything."""
    return None
